// GEMM — the public matrix products `gemm` and `gemmBatched`, and the blocked driver.
//
// C = alpha·op(A)·op(B) + beta·C, row-major Float32, either operand transposed. The driver
// follows the Goto/BLIS scheme:
//
//   for each column panel of C (nc ≤ gemmNC)        B panel: kc×nc, packed once, in L2/L3
//     for each row panel of C (≤ gemmMBig rows)
//       for each depth block kc ≤ gemmKC (in order)
//         pack op(A)[rows, kc] into 8-row slivers and op(B)[kc, cols] into 32-column slivers
//         for each (row block of gemmMC rows × chunk of B slivers)   ← the parallel loop
//           for each B sliver (kc×32, reused from L1) : for each A sliver (8×kc, from L2)
//             micro-kernel 8×32 (GEMMKernel.swift)
//
// Threads (ThreadPool.shared) split the packing and the grid of C blocks; the depth loop is
// never split, and every element of C is one FMA chain over k (in kc blocks, in order), so the
// bytes of C do not depend on the thread count. Very thin products (m ≤ 2 or n ≤ 4) take the
// row/column path in GEMMSmall.swift. Not here: the kernel, packing, tensor API (matmul).

/// Depth of a packed block: an 8×32 tile's slivers (8 KB of A, 32 KB of B) stay in L1/L2.
let gemmKC = 256
/// Rows of A per compute block (gemmMC × gemmKC × 4 B = 128 KB of packed A in L2).
let gemmMC = 128
/// Columns of B per packed panel (gemmKC × gemmNC × 4 B = 2 MB of packed B in L2/L3).
let gemmNC = 2048
/// Rows of A packed at once (bounds the packed-A buffer to gemmMBig × gemmKC floats).
let gemmMBig = 2048

/// `C = alpha * op(A) * op(B) + beta * C`, row-major.
///
/// op(A) is m×k, op(B) is k×n, C is m×n. A is stored m×k (lda ≥ k) when `!transA`, k×m
/// (lda ≥ m) when `transA`; B is stored k×n (ldb ≥ n) when `!transB`, n×k (ldb ≥ k) when
/// `transB`. When `beta == 0`, C is overwritten (NaNs in C are ignored), as in BLAS; when
/// `alpha == 0` or `k == 0`, A and B are not read.
///
///     // C[2×4] = A[2×3] · B[3×4]
///     gemm(transA: false, transB: false, m: 2, n: 4, k: 3, alpha: 1,
///          a: a, lda: 3, b: b, ldb: 4, beta: 0, c: c, ldc: 4)
///
/// Results are bitwise identical for any thread count: each element of C is computed by
/// one thread, summing over k in a fixed order.
public func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                 a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                 beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
    checkGEMMArguments(transA: transA, transB: transB, m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc)
    GEMMProblem(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                b: b, ldb: ldb, beta: beta, c: c, ldc: ldc).run(parallel: true)
}

/// `batch` independent products `C_i = alpha * op(A_i) * op(B_i) + beta * C_i`, where
/// `A_i = a + i * strideA`, `B_i = b + i * strideB`, `C_i = c + i * strideC` (element
/// strides). A stride of 0 for A or B broadcasts one matrix over the batch; the C matrices
/// must not overlap. Large batches run one product per thread at a time; small ones run the
/// products in turn, each multithreaded. Bitwise identical for any thread count.
public func gemmBatched(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                        a: UnsafePointer<Float>, lda: Int, strideA: Int,
                        b: UnsafePointer<Float>, ldb: Int, strideB: Int,
                        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, strideC: Int, batch: Int) {
    checkGEMMArguments(transA: transA, transB: transB, m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc)
    precondition(batch >= 0, "gemmBatched: negative batch \(batch)")
    func item(_ i: Int) -> GEMMProblem {
        GEMMProblem(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                    a: a + i * strideA, lda: lda, b: b + i * strideB, ldb: ldb,
                    beta: beta, c: c + i * strideC, ldc: ldc)
    }
    let pool = ThreadPool.shared
    if pool.threadCount > 1 && batch >= 2 * pool.threadCount {
        pool.parallelFor(batch) { i in item(i).run(parallel: false) }
    } else {
        for i in 0..<batch { item(i).run(parallel: true) }
    }
}

/// One GEMM call's arguments (already checked).
struct GEMMProblem {
    let transA: Bool, transB: Bool
    let m: Int, n: Int, k: Int
    let alpha: Float
    let a: UnsafePointer<Float>, lda: Int
    let b: UnsafePointer<Float>, ldb: Int
    let beta: Float
    let c: UnsafeMutablePointer<Float>, ldc: Int

    /// Picks the path from the shape only (never from the thread count, so the bytes of C
    /// are the same for any number of threads).
    func run(parallel: Bool) {
        if m == 0 || n == 0 { return }
        if k == 0 || alpha == 0 { scaleC(); return }
        if m <= 2 || n <= 4 { runThin(); return }
        let threads = parallel && m * n * k >= 48 * 48 * 48 ? ThreadPool.shared.threadCount : 1
        runBlocked(threads: threads)
    }

    /// C ← beta·C (zeros when beta == 0).
    func scaleC() {
        for i in 0..<m {
            let ci = c + i * ldc
            if beta == 0 { ci.update(repeating: 0, count: n) }
            else if beta != 1 { for j in 0..<n { ci[j] *= beta } }
        }
    }

    /// The packed, blocked product; `threads > 1` spreads packing and C blocks over the pool.
    func runBlocked(threads: Int) {
        let maxKC = min(k, gemmKC), maxRows = min(m, gemmMBig), maxCols = min(n, gemmNC)
        let aFloats = (maxRows + gemmMR - 1) / gemmMR * gemmMR * maxKC
        let bFloats = (maxCols + gemmNR - 1) / gemmNR * gemmNR * maxKC
        GEMMScratchPool.shared.withBuffer(aFloats + bFloats) { buffer in
            let packedA = buffer, packedB = buffer + aFloats
            for j0 in stride(from: 0, to: n, by: gemmNC) {
                let nc = min(gemmNC, n - j0)
                for i0 in stride(from: 0, to: m, by: gemmMBig) {
                    let mb = min(gemmMBig, m - i0)
                    for p0 in stride(from: 0, to: k, by: gemmKC) {
                        let kc = min(gemmKC, k - p0)
                        let block = GEMMBlock(problem: self, i0: i0, mb: mb, j0: j0, nc: nc, p0: p0, kc: kc,
                                              packedA: packedA, packedB: packedB)
                        block.pack(threads: threads)
                        block.compute(threads: threads)
                    }
                }
            }
        }
    }
}

/// One (row panel, column panel, depth block) step of the blocked driver.
struct GEMMBlock {
    let problem: GEMMProblem
    let i0: Int, mb: Int, j0: Int, nc: Int, p0: Int, kc: Int
    let packedA: UnsafeMutablePointer<Float>, packedB: UnsafeMutablePointer<Float>

    var aSlivers: Int { (mb + gemmMR - 1) / gemmMR }
    var bSlivers: Int { (nc + gemmNR - 1) / gemmNR }

    /// Packs every A and B sliver of this block (one sliver per task).
    func pack(threads: Int) {
        let p = problem, nA = aSlivers, nB = bSlivers
        let task = { (s: Int) in
            if s < nA {
                let r0 = s * gemmMR
                gemmPackASliver(transA: p.transA, a: p.a, lda: p.lda, i0: self.i0 + r0,
                                rows: min(gemmMR, self.mb - r0), p0: self.p0, kc: self.kc,
                                dst: self.packedA + s * gemmMR * self.kc)
            } else {
                let t = s - nA, c0 = t * gemmNR
                gemmPackBSliver(transB: p.transB, b: p.b, ldb: p.ldb, j0: self.j0 + c0,
                                cols: min(gemmNR, self.nc - c0), width: gemmBSliverWidth(j: c0, nc: self.nc),
                                p0: self.p0, kc: self.kc, dst: self.packedB + gemmBSliverOffset(t, kc: self.kc))
            }
        }
        if threads > 1 { ThreadPool.shared.parallelFor(nA + nB, task) } else { for s in 0..<(nA + nB) { task(s) } }
    }

    /// Runs the micro-kernels over the block, split into a grid of (row block × sliver chunk).
    func compute(threads: Int) {
        let nA = aSlivers, nB = bSlivers
        let slPerRowBlock = gemmMC / gemmMR
        let rowBlocks = (nA + slPerRowBlock - 1) / slPerRowBlock
        let colChunks = threads > 1 ? min(nB, max(1, (4 * threads + rowBlocks - 1) / rowBlocks)) : 1
        let p = problem
        let beta = p0 == 0 ? p.beta : 1
        let task = { (item: Int) in
            let rb = item / colChunks, cb = item % colChunks
            let t0 = rb * slPerRowBlock, t1 = min(nA, t0 + slPerRowBlock)
            let s0 = nB * cb / colChunks, s1 = nB * (cb + 1) / colChunks
            withUnsafeTemporaryAllocation(of: Float.self, capacity: gemmMR * gemmNR) { edge in
                for s in s0..<s1 {
                    let c0 = s * gemmNR, width = gemmBSliverWidth(j: c0, nc: self.nc)
                    let bs = self.packedB + gemmBSliverOffset(s, kc: self.kc)
                    for t in t0..<t1 {
                        let r0 = t * gemmMR
                        gemmMicroTile(kc: self.kc, a: self.packedA + t * gemmMR * self.kc, b: bs, nr: width,
                                      rows: min(gemmMR, self.mb - r0), cols: min(width, self.nc - c0),
                                      c: p.c + (self.i0 + r0) * p.ldc + self.j0 + c0, ldc: p.ldc,
                                      alpha: p.alpha, beta: beta, scratch: edge.baseAddress!)
                    }
                }
            }
        }
        let items = rowBlocks * colChunks
        if threads > 1 { ThreadPool.shared.parallelFor(items, task) } else { for i in 0..<items { task(i) } }
    }
}
