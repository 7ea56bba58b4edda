// GEMMPack — copies blocks of op(A) and op(B) into the contiguous sliver layout the
// micro-kernels read, with zero padding at the edges.
//
// A block (rows i0..<i0+mc of op(A), columns p0..<p0+kc) becomes ⌈mc/MR⌉ slivers, each
// `[kc, MR]` (MR = gemmMR: 8 with AVX-512, 6 with AVX2): for every k, the MR row values side by side. A B block (rows p0..<p0+kc of
// op(B), columns j0..<j0+nc) becomes slivers `[kc, w]` with w = 32 (w = 16 for a last
// sliver of ≤ 16 columns): for every k, w column values side by side. Rows/columns past the
// matrix edge are zeros, so edge tiles run the same kernel. Transposed operands are read
// through their strides here and nowhere else. Alpha and beta are not applied here.

/// Offset (in floats) of B sliver `s` in a packed B block of `kc` rows: every sliver before
/// it is 32 wide.
@inline(__always) func gemmBSliverOffset(_ s: Int, kc: Int) -> Int { s * gemmNR * kc }

/// Width (32 or 16) of the B sliver that starts at column `j` of an `nc`-wide block.
@inline(__always) func gemmBSliverWidth(j: Int, nc: Int) -> Int { nc - j <= 16 ? 16 : gemmNR }

/// Packs one A sliver: rows i0..<i0+rows (rows ≤ MR = gemmMR) of op(A), k range p0..<p0+kc,
/// into `dst: [kc, MR]`. `a` is stored m×k (lda) when `!transA`, k×m when `transA`.
func gemmPackASliver(transA: Bool, a: UnsafePointer<Float>, lda: Int, i0: Int, rows: Int,
                     p0: Int, kc: Int, dst: UnsafeMutablePointer<Float>) {
    let mr = gemmMR
    if transA {
        // op(A)[i, p] = a[p * lda + i]: MR consecutive floats per k.
        if rows == mr && mr == 8 {
            for p in 0..<kc {
                let src = UnsafeRawPointer(a + (p0 + p) * lda + i0)
                UnsafeMutableRawPointer(dst + p * mr).storeBytes(of: src.loadUnaligned(as: SIMD8<Float>.self), as: SIMD8<Float>.self)
            }
        } else if rows == mr {
            for p in 0..<kc {
                let src = a + (p0 + p) * lda + i0, d = dst + p * mr
                for r in 0..<mr { d[r] = src[r] }
            }
        } else {
            for p in 0..<kc {
                let src = a + (p0 + p) * lda + i0, d = dst + p * mr
                for r in 0..<mr { d[r] = r < rows ? src[r] : 0 }
            }
        }
    } else if rows == mr {
        // op(A)[i, p] = a[i * lda + p]: transpose MR×8 blocks (rows × k), then the k tail.
        let src = a + i0 * lda + p0
        var p = 0
        while p + 8 <= kc { gemmTranspose8x8(src + p, lda, dst + p * mr, mr, rows: mr); p += 8 }
        for r in 0..<mr { for q in p..<kc { dst[q * mr + r] = src[r * lda + q] } }
    } else {
        for r in 0..<mr {
            if r < rows {
                let src = a + (i0 + r) * lda + p0
                for p in 0..<kc { dst[p * mr + r] = src[p] }
            } else {
                for p in 0..<kc { dst[p * mr + r] = 0 }
            }
        }
    }
}

/// Packs one B sliver: columns j0..<j0+cols (cols ≤ w) of op(B), k range p0..<p0+kc, into
/// `dst: [kc, w]`, w = 32 or 16. `b` is stored k×n (ldb) when `!transB`, n×k when `transB`.
func gemmPackBSliver(transB: Bool, b: UnsafePointer<Float>, ldb: Int, j0: Int, cols: Int, width w: Int,
                     p0: Int, kc: Int, dst: UnsafeMutablePointer<Float>) {
    if transB {
        // op(B)[p, j] = b[j * ldb + p]: a transpose, done in 8×8 blocks (columns × k).
        var c = 0
        while c + 8 <= cols {
            let src = b + (j0 + c) * ldb + p0
            var p = 0
            while p + 8 <= kc { gemmTranspose8x8(src + p, ldb, dst + p * w + c, w); p += 8 }
            for q in p..<kc { for t in 0..<8 { dst[q * w + c + t] = src[t * ldb + q] } }
            c += 8
        }
        for c in c..<w {
            if c < cols {
                let src = b + (j0 + c) * ldb + p0
                for p in 0..<kc { dst[p * w + c] = src[p] }
            } else {
                for p in 0..<kc { dst[p * w + c] = 0 }
            }
        }
    } else {
        // op(B)[p, j] = b[p * ldb + j]: one contiguous run of w floats per k.
        for p in 0..<kc {
            let src = b + (p0 + p) * ldb + j0, d = dst + p * w
            if cols == w {
                if w == 32 {
                    let s = UnsafeRawPointer(src), t = UnsafeMutableRawPointer(d)
                    t.storeBytes(of: s.loadUnaligned(as: SIMD16<Float>.self), as: SIMD16<Float>.self)
                    t.storeBytes(of: s.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self), toByteOffset: 64, as: SIMD16<Float>.self)
                } else {
                    UnsafeMutableRawPointer(d).storeBytes(of: UnsafeRawPointer(src).loadUnaligned(as: SIMD16<Float>.self), as: SIMD16<Float>.self)
                }
            } else {
                for c in 0..<w { d[c] = c < cols ? src[c] : 0 }
            }
        }
    }
}

/// Transposes a `rows`×8 block (rows = 8, or 6 for the AVX2 build's A slivers):
/// `dst[j * ldd + r] = src[r * lds + j]` for r < rows, j < 8. Loads the rows as SIMD8 and
/// builds each column from their lanes (LLVM turns this into shuffles), about 10× faster than
/// the scalar loop. A column of 6 is stored as 4 + 2 lanes, so nothing past it is written.
@inline(__always)
func gemmTranspose8x8(_ src: UnsafePointer<Float>, _ lds: Int, _ dst: UnsafeMutablePointer<Float>, _ ldd: Int,
                      rows: Int = 8) {
    typealias R = SIMD8<Float>
    func load(_ r: Int) -> R { r < rows ? UnsafeRawPointer(src + r * lds).loadUnaligned(as: R.self) : R() }
    let r0 = load(0), r1 = load(1), r2 = load(2), r3 = load(3)
    let r4 = load(4), r5 = load(5), r6 = load(6), r7 = load(7)
    for j in 0..<8 {
        let d = UnsafeMutableRawPointer(dst + j * ldd)
        if rows == 8 {
            d.storeBytes(of: R(r0[j], r1[j], r2[j], r3[j], r4[j], r5[j], r6[j], r7[j]), as: R.self)
        } else {
            d.storeBytes(of: SIMD4<Float>(r0[j], r1[j], r2[j], r3[j]), as: SIMD4<Float>.self)
            d.storeBytes(of: SIMD2<Float>(r4[j], r5[j]), toByteOffset: 16, as: SIMD2<Float>.self)
        }
    }
}
