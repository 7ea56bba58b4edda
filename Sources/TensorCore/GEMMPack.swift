// GEMMPack — copies blocks of op(A) and op(B) into the contiguous sliver layout the
// micro-kernels read, with zero padding at the edges.
//
// A block (rows i0..<i0+mc of op(A), columns p0..<p0+kc) becomes ⌈mc/8⌉ slivers, each
// `[kc, 8]`: for every k, the 8 row values side by side. A B block (rows p0..<p0+kc of
// op(B), columns j0..<j0+nc) becomes slivers `[kc, w]` with w = 32 (w = 16 for a last
// sliver of ≤ 16 columns): for every k, w column values side by side. Rows/columns past the
// matrix edge are zeros, so edge tiles run the same kernel. Transposed operands are read
// through their strides here and nowhere else. Alpha and beta are not applied here.

/// Offset (in floats) of B sliver `s` in a packed B block of `kc` rows: every sliver before
/// it is 32 wide.
@inline(__always) func gemmBSliverOffset(_ s: Int, kc: Int) -> Int { s * gemmNR * kc }

/// Width (32 or 16) of the B sliver that starts at column `j` of an `nc`-wide block.
@inline(__always) func gemmBSliverWidth(j: Int, nc: Int) -> Int { nc - j <= 16 ? 16 : gemmNR }

/// Packs one A sliver: rows i0..<i0+rows (rows ≤ 8) of op(A), k range p0..<p0+kc, into
/// `dst: [kc, 8]`. `a` is stored m×k (lda) when `!transA`, k×m when `transA`.
func gemmPackASliver(transA: Bool, a: UnsafePointer<Float>, lda: Int, i0: Int, rows: Int,
                     p0: Int, kc: Int, dst: UnsafeMutablePointer<Float>) {
    let mr = gemmMR
    if transA {
        // op(A)[i, p] = a[p * lda + i]: 8 consecutive floats per k.
        if rows == mr {
            for p in 0..<kc {
                let src = UnsafeRawPointer(a + (p0 + p) * lda + i0)
                UnsafeMutableRawPointer(dst + p * mr).storeBytes(of: src.loadUnaligned(as: SIMD8<Float>.self), as: SIMD8<Float>.self)
            }
        } else {
            for p in 0..<kc {
                let src = a + (p0 + p) * lda + i0, d = dst + p * mr
                for r in 0..<mr { d[r] = r < rows ? src[r] : 0 }
            }
        }
    } else {
        // op(A)[i, p] = a[i * lda + p]: read each row contiguously, write with stride 8.
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
        // op(B)[p, j] = b[j * ldb + p]: a transpose. Read 16 k values of a column at a
        // time and scatter them into the 16 rows of the sliver.
        for c in 0..<w {
            if c < cols {
                let src = b + (j0 + c) * ldb + p0
                var p = 0
                while p + 16 <= kc {
                    let v = UnsafeRawPointer(src + p).loadUnaligned(as: SIMD16<Float>.self)
                    let d = dst + p * w + c
                    for t in 0..<16 { d[t * w] = v[t] }
                    p += 16
                }
                while p < kc { dst[p * w + c] = src[p]; p += 1 }
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
