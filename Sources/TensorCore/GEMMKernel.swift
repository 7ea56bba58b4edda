// GEMMKernel — the register-tiled micro-kernels of the GEMM: an MR×32 and an MR×16 tile of C
// (MR = gemmMR: 8 with AVX-512, 6 with AVX2).
//
// A micro-kernel multiplies a sliver of A (MR rows × kc; packed: the MR values of each k side
// by side, or read in place through strides) by a sliver of B (kc rows of NR = 32 or 16
// contiguous columns; packed, or in place with the row stride) and folds the product into
// C. Each element of C is one FMA chain over k in increasing order, the same chain in every
// lane and tile position — so a result never depends on where the tile boundaries fall (the
// root of the thread-count independence), nor on which of the two register layouts below
// computed it:
//
//   AVX-512 (32 zmm; built with `-Xswiftc -DMORE_AVX512`, which the Makefile passes with
//   x86-64-v4): the MR×NR accumulators live in SIMD16<Float> registers, 8×2 = 16 zmm for the
//   8×32 tile; each k step loads NR/16 vectors of B, broadcasts MR scalars of A and issues
//   MR·NR/16 independent FMAs (`addingProduct`), enough to cover the 4-cycle FMA latency on
//   Zen 4.
//   AVX2 and narrower (16 ymm): an 8×32 tile would need 32 ymm accumulators and spill to the
//   stack on every k step (Zen 3 ran the `tiny` step about 5× slower than Zen 4 that way), so
//   the tile is 6×32, done as two 6×16 halves, each with 12 SIMD8<Float> accumulators + 2 B
//   vectors + 1 broadcast = 15 ymm: 12 independent FMA chains per k step, half again as many as
//   the two 4-cycle FMA pipes need (the layout of OpenBLAS's Haswell kernel). The halves read B
//   twice; k is cut into sub-blocks of gemmKSub so that the second read comes from L1 (a
//   32×1024 B sliver is 128 KB: from L2, quarters of 4×16 ran at 60 % of OpenBLAS on 512³),
//   with the raw accumulators carried between sub-blocks.
//
// Packing, blocking and threads are not here (GEMMPack.swift, GEMM.swift). Edge tiles
// (fewer than MR rows or NR columns of C) run the same kernel, whose epilogue stores only
// their valid rows and columns.

/// Which register layout this build's micro-kernels use (printed by the benchmarks).
#if MORE_AVX512
public let gemmKernelLayout = "8x32 zmm tile (MORE_AVX512)"
#else
public let gemmKernelLayout = "6x16 ymm halves, k sub-blocks of \(gemmKSub) (no MORE_AVX512)"
#endif

/// Rows of A per micro-tile: 8 with the AVX-512 tile, 6 with the AVX2 halves (12 ymm
/// accumulators; the packed A slivers are gemmMR wide).
#if MORE_AVX512
let gemmMR = 8
#else
let gemmMR = 6
#endif
/// Columns of B per wide micro-tile (the narrow kernel does 16).
let gemmNR = 32

typealias GEMMVec = SIMD16<Float>

/// What a micro-kernel reads: A element (r, p) at `a[r * aRow + p * aK]` for r < `rows`
/// (rows past `rows` re-read row 0, whose results are then discarded: no read past the
/// matrix), and row p of the B sliver at `b + p * bK`. Packed slivers have aRow 1, aK 8,
/// bK = sliver width; in-place operands use the matrix strides.
struct GEMMTileIn {
    let a: UnsafePointer<Float>
    let aRow: Int, aK: Int, rows: Int
    let b: UnsafePointer<Float>
    let bK: Int
    let kc: Int
}

/// Row `r` of the A sliver of `src`; rows past `rows` re-read row 0 (their results are
/// discarded), so no kernel reads past the matrix.
@inline(__always)
private func gemmARow(_ src: GEMMTileIn, _ r: Int) -> UnsafePointer<Float> {
    src.rows > r ? src.a + r * src.aRow : src.a
}

/// Where a micro-kernel writes: `C = beta·C + alpha·acc` on the first `rows` rows and `cols`
/// columns of an MR×NR tile (all of it for a full tile), row stride `ldc`, then `+ bias[j]` when
/// a bias row (of the tile's columns) is given. `beta == 0` overwrites (NaNs in C ignored). The
/// same formula, `fma(acc, alpha, beta·C)` (+ bias), lane by lane, in full and edge tiles; an
/// edge tile's rows past `rows` (which re-read A's row 0) and columns past `cols` are computed
/// and dropped, and no element outside the tile's valid part is read or written.
struct GEMMTileOut {
    let c: UnsafeMutablePointer<Float>
    let ldc: Int
    let alpha: GEMMVec
    let beta: Float
    var bias: UnsafePointer<Float>? = nil
    /// Valid rows and columns of the tile (edge tiles have fewer than MR or NR).
    var rows = gemmMR, cols = gemmNR

    /// Columns 0–15 of row `r`.
    @inline(__always)
    func row(_ r: Int, _ acc0: GEMMVec) {
        row(r, column: 0, acc0)
    }

    /// Columns 0–31 of row `r`.
    @inline(__always)
    func row(_ r: Int, _ acc0: GEMMVec, _ acc1: GEMMVec) {
        row(r, column: 0, acc0)
        row(r, column: 16, acc1)
    }

    /// 16 columns of row `r` starting at column `column` of the tile.
    @inline(__always)
    func row(_ r: Int, column: Int, _ acc: GEMMVec) {
        guard r < rows else { return }
        let valid = cols - column
        if valid >= GEMMVec.scalarCount {
            let raw = UnsafeMutableRawPointer(c + r * ldc + column)
            let result = combine(acc, old: raw.loadUnaligned(as: GEMMVec.self),
                                 bias: bias.map { UnsafeRawPointer($0 + column).loadUnaligned(as: GEMMVec.self) })
            raw.storeBytes(of: result, as: GEMMVec.self)
        } else if valid > 0 {
            partialRow(c + r * ldc + column, bias: bias.map { $0 + column }, valid: valid, acc)
        }
    }

    /// The first `valid` (< 16) lanes of a row segment: the same lane formula as a full row, on
    /// a vector whose other lanes are never loaded from or stored to C.
    @inline(never)
    func partialRow(_ dst: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>?, valid: Int, _ acc: GEMMVec) {
        func lanes(_ p: UnsafePointer<Float>) -> GEMMVec {
            var v = GEMMVec()
            for j in 0..<valid { v[j] = p[j] }
            return v
        }
        let result = combine(acc, old: lanes(dst), bias: bias.map(lanes))
        for j in 0..<valid { dst[j] = result[j] }
    }

    /// The epilogue's formula, lane by lane: `acc·alpha` at beta 0 (C not read), else
    /// `fma(acc, alpha, beta·C)` (`C` itself at beta 1); then `+ bias`.
    @inline(__always)
    func combine(_ acc: GEMMVec, old: @autoclosure () -> GEMMVec, bias: GEMMVec?) -> GEMMVec {
        var result: GEMMVec
        if beta == 0 {
            result = acc * alpha
        } else {
            let o = old()
            result = (beta == 1 ? o : o * beta).addingProduct(acc, alpha)
        }
        if let bias { result += bias }
        return result
    }
}

#if MORE_AVX512
/// 8×32 micro-kernel (MR 8): `out ← beta·out + alpha · A(8×kc) · B(kc×32)`.
@inline(never)
func gemmKernelWide(_ src: GEMMTileIn, _ out: GEMMTileOut) {
    let z = GEMMVec()
    var c00 = z; var c01 = z;
    var c10 = z; var c11 = z;
    var c20 = z; var c21 = z;
    var c30 = z; var c31 = z;
    var c40 = z; var c41 = z;
    var c50 = z; var c51 = z;
    var c60 = z; var c61 = z;
    var c70 = z; var c71 = z;
    let a0 = gemmARow(src, 0), a1 = gemmARow(src, 1), a2 = gemmARow(src, 2), a3 = gemmARow(src, 3)
    let a4 = gemmARow(src, 4), a5 = gemmARow(src, 5), a6 = gemmARow(src, 6), a7 = gemmARow(src, 7)
    let aK = src.aK, bStep = src.bK * 4
    var off = 0, pb = UnsafeRawPointer(src.b)
    for _ in 0..<src.kc {
        let b0 = pb.loadUnaligned(fromByteOffset: 0, as: GEMMVec.self)
        let b1 = pb.loadUnaligned(fromByteOffset: 64, as: GEMMVec.self)
        do { let x = GEMMVec(repeating: a0[off]); c00 = c00.addingProduct(x, b0); c01 = c01.addingProduct(x, b1); }
        do { let x = GEMMVec(repeating: a1[off]); c10 = c10.addingProduct(x, b0); c11 = c11.addingProduct(x, b1); }
        do { let x = GEMMVec(repeating: a2[off]); c20 = c20.addingProduct(x, b0); c21 = c21.addingProduct(x, b1); }
        do { let x = GEMMVec(repeating: a3[off]); c30 = c30.addingProduct(x, b0); c31 = c31.addingProduct(x, b1); }
        do { let x = GEMMVec(repeating: a4[off]); c40 = c40.addingProduct(x, b0); c41 = c41.addingProduct(x, b1); }
        do { let x = GEMMVec(repeating: a5[off]); c50 = c50.addingProduct(x, b0); c51 = c51.addingProduct(x, b1); }
        do { let x = GEMMVec(repeating: a6[off]); c60 = c60.addingProduct(x, b0); c61 = c61.addingProduct(x, b1); }
        do { let x = GEMMVec(repeating: a7[off]); c70 = c70.addingProduct(x, b0); c71 = c71.addingProduct(x, b1); }
        off += aK; pb += bStep
    }
    out.row(0, c00, c01)
    out.row(1, c10, c11)
    out.row(2, c20, c21)
    out.row(3, c30, c31)
    out.row(4, c40, c41)
    out.row(5, c50, c51)
    out.row(6, c60, c61)
    out.row(7, c70, c71)
}

/// 8×16 micro-kernel for the last, narrow column sliver: `A(8×kc) · B(kc×16)`.
@inline(never)
func gemmKernelNarrow(_ src: GEMMTileIn, _ out: GEMMTileOut) {
    let z = GEMMVec()
    var c00 = z;
    var c10 = z;
    var c20 = z;
    var c30 = z;
    var c40 = z;
    var c50 = z;
    var c60 = z;
    var c70 = z;
    let a0 = gemmARow(src, 0), a1 = gemmARow(src, 1), a2 = gemmARow(src, 2), a3 = gemmARow(src, 3)
    let a4 = gemmARow(src, 4), a5 = gemmARow(src, 5), a6 = gemmARow(src, 6), a7 = gemmARow(src, 7)
    let aK = src.aK, bStep = src.bK * 4
    var off = 0, pb = UnsafeRawPointer(src.b)
    for _ in 0..<src.kc {
        let b0 = pb.loadUnaligned(fromByteOffset: 0, as: GEMMVec.self)
        do { let x = GEMMVec(repeating: a0[off]); c00 = c00.addingProduct(x, b0); }
        do { let x = GEMMVec(repeating: a1[off]); c10 = c10.addingProduct(x, b0); }
        do { let x = GEMMVec(repeating: a2[off]); c20 = c20.addingProduct(x, b0); }
        do { let x = GEMMVec(repeating: a3[off]); c30 = c30.addingProduct(x, b0); }
        do { let x = GEMMVec(repeating: a4[off]); c40 = c40.addingProduct(x, b0); }
        do { let x = GEMMVec(repeating: a5[off]); c50 = c50.addingProduct(x, b0); }
        do { let x = GEMMVec(repeating: a6[off]); c60 = c60.addingProduct(x, b0); }
        do { let x = GEMMVec(repeating: a7[off]); c70 = c70.addingProduct(x, b0); }
        off += aK; pb += bStep
    }
    out.row(0, c00)
    out.row(1, c10)
    out.row(2, c20)
    out.row(3, c30)
    out.row(4, c40)
    out.row(5, c50)
    out.row(6, c60)
    out.row(7, c70)
}

#else
/// Depth of the k sub-blocks of the AVX2 kernels: a 32-column B sub-sliver of 128 rows is 16 KB
/// and stays in L1 (32 KB on Zen 3) while the two halves read it.
let gemmKSub = 128

/// 6×32 micro-kernel: `out ← beta·out + alpha · A(6×kc) · B(kc×32)`, as two 6×16 halves.
@inline(never)
func gemmKernelWide(_ src: GEMMTileIn, _ out: GEMMTileOut) {
    gemmSubBlocks(src, out, width: 32) { sub, initial, target in
        gemmHalf6x16(sub, target, column: 0, initial: initial, initialStride: 32)
        gemmHalf6x16(sub, target, column: 16, initial: initial, initialStride: 32)
    }
}

/// 6×16 micro-kernel for the last, narrow column sliver: `A(6×kc) · B(kc×16)`, one half.
@inline(never)
func gemmKernelNarrow(_ src: GEMMTileIn, _ out: GEMMTileOut) {
    gemmHalf6x16(src, out, column: 0, initial: nil, initialStride: 16)
}

/// Runs `passes` over k in sub-blocks of gemmKSub: every sub-block but the last stores the raw
/// accumulators (alpha 1, beta 0: `acc · 1` is exact) in a stack tile, and the next one starts
/// from them, so each element is still one FMA chain over k in increasing order — the same
/// bits as a single pass — while the B sub-sliver stays in L1 for the second half that re-reads it.
@inline(__always)
private func gemmSubBlocks(_ src: GEMMTileIn, _ out: GEMMTileOut, width: Int,
                           _ passes: (GEMMTileIn, UnsafePointer<Float>?, GEMMTileOut) -> Void) {
    if src.kc <= gemmKSub { passes(src, nil, out); return }
    withUnsafeTemporaryAllocation(of: Float.self, capacity: gemmMR * width) { buffer in
        let raw = buffer.baseAddress!
        let rawOut = GEMMTileOut(c: raw, ldc: width, alpha: GEMMVec(repeating: 1), beta: 0)
        var q0 = 0
        while q0 < src.kc {
            let kq = min(gemmKSub, src.kc - q0)
            let sub = GEMMTileIn(a: src.a + q0 * src.aK, aRow: src.aRow, aK: src.aK, rows: src.rows,
                                 b: src.b + q0 * src.bK, bK: src.bK, kc: kq)
            passes(sub, q0 == 0 ? nil : UnsafePointer(raw), q0 + kq == src.kc ? out : rawOut)
            q0 += kq
        }
    }
}

/// Rows 0..<6, columns `col..<col+16` of the tile: 12 accumulators of 8 lanes, starting from
/// zero or from `initial` (a raw 6×`initialStride` tile of an earlier k sub-block),
/// `c[r][j] += Σ_p a[r][p]·b[p][j]` as one FMA chain in increasing p (as the AVX-512 kernels).
/// 12 accumulators + 2 B vectors + 1 broadcast = 15 of the 16 ymm registers: 12 independent
/// FMA chains per k step, half again as many as the two 4-cycle FMA pipes need.
///
/// A function of its own (`@inline(never)`), not inlined into the kernels: inlined copies made
/// the kernels so large that the optimiser stopped inlining the B loads (`loadUnaligned`),
/// leaving calls, spills and reloads in every k step (PAPER §2, "The AVX2 kernels' regression").
@inline(never)
private func gemmHalf6x16(_ src: GEMMTileIn, _ out: GEMMTileOut, column col: Int,
                          initial: UnsafePointer<Float>?, initialStride: Int) {
    typealias V = SIMD8<Float>
    func start(_ r: Int, _ half: Int) -> V {
        guard let initial else { return V() }
        return UnsafeRawPointer(initial + r * initialStride + col + 8 * half).loadUnaligned(as: V.self)
    }
    var c00 = start(0, 0); var c01 = start(0, 1);
    var c10 = start(1, 0); var c11 = start(1, 1);
    var c20 = start(2, 0); var c21 = start(2, 1);
    var c30 = start(3, 0); var c31 = start(3, 1);
    var c40 = start(4, 0); var c41 = start(4, 1);
    var c50 = start(5, 0); var c51 = start(5, 1);
    let a0 = gemmARow(src, 0), a1 = gemmARow(src, 1), a2 = gemmARow(src, 2)
    let a3 = gemmARow(src, 3), a4 = gemmARow(src, 4), a5 = gemmARow(src, 5)
    let aK = src.aK, bStep = src.bK * 4
    var off = 0, pb = UnsafeRawPointer(src.b + col)
    for _ in 0..<src.kc {
        let b0 = pb.loadUnaligned(fromByteOffset: 0, as: V.self)
        let b1 = pb.loadUnaligned(fromByteOffset: 32, as: V.self)
        do { let x = V(repeating: a0[off]); c00 = c00.addingProduct(x, b0); c01 = c01.addingProduct(x, b1); }
        do { let x = V(repeating: a1[off]); c10 = c10.addingProduct(x, b0); c11 = c11.addingProduct(x, b1); }
        do { let x = V(repeating: a2[off]); c20 = c20.addingProduct(x, b0); c21 = c21.addingProduct(x, b1); }
        do { let x = V(repeating: a3[off]); c30 = c30.addingProduct(x, b0); c31 = c31.addingProduct(x, b1); }
        do { let x = V(repeating: a4[off]); c40 = c40.addingProduct(x, b0); c41 = c41.addingProduct(x, b1); }
        do { let x = V(repeating: a5[off]); c50 = c50.addingProduct(x, b0); c51 = c51.addingProduct(x, b1); }
        off &+= aK; pb += bStep
    }
    out.row(0, column: col, GEMMVec(lowHalf: c00, highHalf: c01))
    out.row(1, column: col, GEMMVec(lowHalf: c10, highHalf: c11))
    out.row(2, column: col, GEMMVec(lowHalf: c20, highHalf: c21))
    out.row(3, column: col, GEMMVec(lowHalf: c30, highHalf: c31))
    out.row(4, column: col, GEMMVec(lowHalf: c40, highHalf: c41))
    out.row(5, column: col, GEMMVec(lowHalf: c50, highHalf: c51))
}

#endif

/// Runs the micro-kernel for a tile of `src.rows ≤ 8` × `cols ≤ nr` (nr = 32 or 16) of C at
/// `c`. Edge tiles (fewer rows or columns) are written in place by the same kernel, which
/// stores only their valid part (GEMMTileOut): no stack tile to copy through.
@inline(__always)
func gemmMicroTile(_ src: GEMMTileIn, nr: Int, cols: Int, c: UnsafeMutablePointer<Float>, ldc: Int,
                   alpha: Float, beta: Float, bias: UnsafePointer<Float>? = nil) {
    let out = GEMMTileOut(c: c, ldc: ldc, alpha: GEMMVec(repeating: alpha), beta: beta, bias: bias,
                          rows: src.rows, cols: cols)
    if nr == 32 { gemmKernelWide(src, out) } else { gemmKernelNarrow(src, out) }
}
