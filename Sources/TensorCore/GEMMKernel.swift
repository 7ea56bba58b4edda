// GEMMKernel — the register-tiled micro-kernels of the GEMM: an 8×32 and an 8×16 tile of C.
//
// A micro-kernel multiplies a sliver of A (8 rows × kc; packed: the 8 values of each k side
// by side, or read in place through strides) by a sliver of B (kc rows of NR = 32 or 16
// contiguous columns; packed, or in place with the row stride) and folds the product into
// C. The MR×NR accumulators live in SIMD16<Float> registers (8×2 = 16 zmm for the 8×32 tile,
// of the 32 AVX-512 has); each k step loads NR/16 vectors of B, broadcasts MR scalars of A,
// and issues MR·NR/16 independent FMAs (`addingProduct`), enough to cover the 4-cycle FMA
// latency on Zen 4. Each element of C is one FMA chain over k in increasing order, the same
// chain in every lane and tile position — so a result never depends on where the tile
// boundaries fall (the root of the thread-count independence).
//
// Packing, blocking and threads are not here (GEMMPack.swift, GEMM.swift). Edge tiles
// (fewer than MR rows or NR columns of C) go through a small stack tile.

/// Rows of A per micro-tile.
let gemmMR = 8
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

/// Where a micro-kernel writes: `C = beta·C + alpha·acc` on an MR×NR tile, row stride `ldc`,
/// then `+ bias[j]` when a bias row (of the tile's columns) is given. `beta == 0` overwrites
/// (NaNs in C ignored). The same formula, `fma(acc, alpha, beta·C)` (+ bias), is applied lane
/// by lane to full tiles and element by element to edge tiles.
struct GEMMTileOut {
    let c: UnsafeMutablePointer<Float>
    let ldc: Int
    let alpha: GEMMVec
    let beta: Float
    var bias: UnsafePointer<Float>? = nil

    @inline(__always)
    func row(_ r: Int, _ acc0: GEMMVec) {
        update(c + r * ldc, acc0, 0)
    }

    @inline(__always)
    func row(_ r: Int, _ acc0: GEMMVec, _ acc1: GEMMVec) {
        update(c + r * ldc, acc0, 0)
        update(c + r * ldc + 16, acc1, 16)
    }

    @inline(__always)
    private func update(_ p: UnsafeMutablePointer<Float>, _ acc: GEMMVec, _ column: Int) {
        let raw = UnsafeMutableRawPointer(p)
        var result: GEMMVec
        if beta == 0 {
            result = acc * alpha
        } else {
            let old = raw.loadUnaligned(as: GEMMVec.self)
            result = (beta == 1 ? old : old * beta).addingProduct(acc, alpha)
        }
        if let bias { result += UnsafeRawPointer(bias + column).loadUnaligned(as: GEMMVec.self) }
        raw.storeBytes(of: result, as: GEMMVec.self)
    }
}

/// 8×32 micro-kernel: `out ← beta·out + alpha · A(8×kc) · B(kc×32)`.
@inline(never)
func gemmKernel8x32(_ src: GEMMTileIn, _ out: GEMMTileOut) {
    let z = GEMMVec()
    var c00 = z; var c01 = z;
    var c10 = z; var c11 = z;
    var c20 = z; var c21 = z;
    var c30 = z; var c31 = z;
    var c40 = z; var c41 = z;
    var c50 = z; var c51 = z;
    var c60 = z; var c61 = z;
    var c70 = z; var c71 = z;
    let a0 = src.a, a1 = src.rows > 1 ? src.a + 1 * src.aRow : src.a, a2 = src.rows > 2 ? src.a + 2 * src.aRow : src.a, a3 = src.rows > 3 ? src.a + 3 * src.aRow : src.a, a4 = src.rows > 4 ? src.a + 4 * src.aRow : src.a, a5 = src.rows > 5 ? src.a + 5 * src.aRow : src.a, a6 = src.rows > 6 ? src.a + 6 * src.aRow : src.a, a7 = src.rows > 7 ? src.a + 7 * src.aRow : src.a
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
func gemmKernel8x16(_ src: GEMMTileIn, _ out: GEMMTileOut) {
    let z = GEMMVec()
    var c00 = z;
    var c10 = z;
    var c20 = z;
    var c30 = z;
    var c40 = z;
    var c50 = z;
    var c60 = z;
    var c70 = z;
    let a0 = src.a, a1 = src.rows > 1 ? src.a + 1 * src.aRow : src.a, a2 = src.rows > 2 ? src.a + 2 * src.aRow : src.a, a3 = src.rows > 3 ? src.a + 3 * src.aRow : src.a, a4 = src.rows > 4 ? src.a + 4 * src.aRow : src.a, a5 = src.rows > 5 ? src.a + 5 * src.aRow : src.a, a6 = src.rows > 6 ? src.a + 6 * src.aRow : src.a, a7 = src.rows > 7 ? src.a + 7 * src.aRow : src.a
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

/// Runs the micro-kernel for a tile of `src.rows ≤ 8` × `cols ≤ nr` (nr = 32 or 16) of C at
/// `c`. Full tiles write C directly; edge tiles go through `scratch` (≥ 8·32 floats) and only
/// the valid part of C is touched, with the same per-element formula.
@inline(__always)
func gemmMicroTile(_ src: GEMMTileIn, nr: Int, cols: Int, c: UnsafeMutablePointer<Float>, ldc: Int,
                   alpha: Float, beta: Float, bias: UnsafePointer<Float>? = nil, scratch: UnsafeMutablePointer<Float>) {
    let rows = src.rows
    if rows == gemmMR && cols == nr {
        let out = GEMMTileOut(c: c, ldc: ldc, alpha: GEMMVec(repeating: alpha), beta: beta, bias: bias)
        if nr == 32 { gemmKernel8x32(src, out) } else { gemmKernel8x16(src, out) }
        return
    }
    // Edge: compute the raw product (alpha 1, beta 0) into the stack tile, then combine.
    let tile = GEMMTileOut(c: scratch, ldc: nr, alpha: GEMMVec(repeating: 1), beta: 0)
    if nr == 32 { gemmKernel8x32(src, tile) } else { gemmKernel8x16(src, tile) }
    for r in 0..<rows {
        let cr = c + r * ldc, sr = scratch + r * nr
        for j in 0..<cols {
            let r = beta == 0 ? sr[j] * alpha : (beta == 1 ? cr[j] : cr[j] * beta).addingProduct(sr[j], alpha)
            cr[j] = bias.map { r + $0[j] } ?? r
        }
    }
}
