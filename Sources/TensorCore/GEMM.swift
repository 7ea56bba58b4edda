// GEMM — the public matrix products `gemm` and `gemmBatched`, and the blocked driver.
//
// C = alpha·op(A)·op(B) + beta·C, row-major Float32, either operand transposed. The driver
// follows the Goto/BLIS scheme:
//
//   for each column panel of C (nc ≤ gemmNC = 2048)
//     for each depth block (kc ≤ gemmKC = 1024, equal blocks, in increasing k)
//       pack op(B)[kc, nc] into 32-column slivers (shared, ≤ 8 MB: L3)
//       for each row block of ≈ gemmMC = 96 rows          ← the parallel loop
//         pack op(A)[rows, kc] into MR-row slivers (MR = 8, or 6 on AVX2; ≤ 384 KB: stays in L2)
//         for each B sliver (kc×32, from L2): for each A sliver (MR×kc, from L2)
//           micro-kernel MR×32 (GEMMKernel.swift)
//
// Threads (ThreadPool.shared) split the B packing and the row blocks (and, for very short C,
// column chunks); the depth loop is never split, and every element of C is one FMA chain over
// k (kc blocks in order), so the bytes of C do not depend on the thread count. Very thin
// products (m ≤ 2 or n ≤ 4) take the row/column path in GEMMSmall.swift; small ones (≤ 160³
// multiply-adds, k ≤ gemmKC) skip the packing (GEMMDirect.swift). Not here: the
// kernel (GEMMKernel.swift), packing (GEMMPack.swift), tensor API (GEMMMatmul.swift).

/// Largest depth block. Measured on Zen 4 (1 MB L2): 256 → 1024 lifts 1024³ from 97 to
/// 107 GFLOP/s, because C is read and written once per depth block. k is cut into equal
/// blocks (k = 1100 → 2 × 550), a choice that depends on the shape only.
let gemmKC = 1024
/// Rows of A per compute block (gemmMC × gemmKC × 4 B ≤ 384 KB of packed A in L2).
let gemmMC = 96
/// Columns of B per packed panel (gemmKC × gemmNC × 4 B ≤ 8 MB of packed B in L3).
let gemmNC = 2048

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
/// one thread, summing over k in a fixed order. `parallel: false` keeps the product on the
/// calling thread (for callers that already run one product per task); the bytes are the same.
/// With `bias` (n floats), `C[i, j] += bias[j]` after the product as a separate rounding, in
/// the kernel's epilogue: the same bytes as adding the bias row afterwards, without the pass.
public func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                 a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                 beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, bias: UnsafePointer<Float>? = nil,
                 parallel: Bool = true) {
    checkGEMMArguments(transA: transA, transB: transB, m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc)
    GEMMProblem(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, bias: bias).run(parallel: parallel)
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
    /// Added to every row of C after the product (nil: none).
    var bias: UnsafePointer<Float>? = nil

    /// Picks the path from the shape only (never from the thread count, so the bytes of C
    /// are the same for any number of threads).
    func run(parallel: Bool) {
        if m == 0 || n == 0 { return }
        if k == 0 || alpha == 0 { scaleC(); return }
        if m <= 2 || n <= 4 { runThin(); return }
        let threads = parallel && m * n * k >= 48 * 48 * 48 ? ThreadPool.shared.threadCount : 1
        if fitsDirect { runDirect(threads: threads) } else { runBlocked(threads: threads) }
    }

    /// C ← beta·C (zeros when beta == 0), plus the bias row.
    func scaleC() {
        for i in 0..<m {
            let ci = c + i * ldc
            if beta == 0 { ci.update(repeating: 0, count: n) }
            else if beta != 1 { for j in 0..<n { ci[j] *= beta } }
            if let bias { for j in 0..<n { ci[j] += bias[j] } }
        }
    }

    /// The packed, blocked product; `threads > 1` spreads packing and C blocks over the pool.
    func runBlocked(threads: Int) {
        let kBlocks = (k + gemmKC - 1) / gemmKC, kcStep = (k + kBlocks - 1) / kBlocks
        let maxCols = min(n, gemmNC)
        let bFloats = (maxCols + gemmNR - 1) / gemmNR * gemmNR * kcStep
        GEMMScratchPool.shared.withBuffer(bFloats) { packedB in
            for j0 in stride(from: 0, to: n, by: gemmNC) {
                let nc = min(gemmNC, n - j0)
                for p0 in stride(from: 0, to: k, by: kcStep) {
                    let panel = GEMMPanel(problem: self, j0: j0, nc: nc, p0: p0, kc: min(kcStep, k - p0), packedB: packedB)
                    panel.packB(threads: threads)
                    panel.compute(threads: threads)
                }
            }
        }
    }
}

/// One (column panel, depth block) step of the blocked driver: a packed B panel
/// `[kc, nc]` and the product of every row of op(A) with it.
struct GEMMPanel {
    let problem: GEMMProblem
    let j0: Int, nc: Int, p0: Int, kc: Int
    let packedB: UnsafeMutablePointer<Float>

    var bSlivers: Int { (nc + gemmNR - 1) / gemmNR }

    /// Packs the B panel, one sliver per task.
    func packB(threads: Int) {
        let p = problem
        let task = { (s: Int) in
            let c0 = s * gemmNR
            gemmPackBSliver(transB: p.transB, b: p.b, ldb: p.ldb, j0: self.j0 + c0,
                            cols: min(gemmNR, self.nc - c0), width: gemmBSliverWidth(j: c0, nc: self.nc),
                            p0: self.p0, kc: self.kc, dst: self.packedB + gemmBSliverOffset(s, kc: self.kc))
        }
        if threads > 1 { ThreadPool.shared.parallelFor(bSlivers, task) } else { for s in 0..<bSlivers { task(s) } }
    }

    /// Splits the rows into blocks of about gemmMC (a multiple of MR rows, as many blocks as
    /// a multiple of the thread count, for balance) — and, when there are fewer row blocks
    /// than threads, the columns into chunks. Each task packs its own A block (hot in L2)
    /// and runs the micro-kernels over its part of C.
    func compute(threads: Int) {
        let m = problem.m, nB = bSlivers
        let aSlivers = (m + gemmMR - 1) / gemmMR
        var rowBlocks = (m + gemmMC - 1) / gemmMC
        rowBlocks = min(aSlivers, (rowBlocks + threads - 1) / threads * threads)
        let slivPerBlock = (aSlivers + rowBlocks - 1) / rowBlocks
        rowBlocks = (aSlivers + slivPerBlock - 1) / slivPerBlock
        let colChunks = rowBlocks < threads ? min(nB, (threads + rowBlocks - 1) / rowBlocks) : 1
        let task = { (item: Int) in
            let rb = item / colChunks, cb = item % colChunks
            let t0 = rb * slivPerBlock, t1 = min(aSlivers, t0 + slivPerBlock)
            self.block(rows: (t0 * gemmMR)..<min(m, t1 * gemmMR),
                       slivers: (nB * cb / colChunks)..<(nB * (cb + 1) / colChunks))
        }
        let items = rowBlocks * colChunks
        if threads > 1 { ThreadPool.shared.parallelFor(items, task) } else { for i in 0..<items { task(i) } }
    }

    /// Packs op(A)[rows, p0..<p0+kc] and multiplies it with B slivers `slivers`: for each B
    /// sliver (kc×32, stays in L1), for each A sliver (MR×kc, from L2), one micro-tile.
    func block(rows: Range<Int>, slivers: Range<Int>) {
        let p = problem, kc = self.kc
        let aSlivers = (rows.count + gemmMR - 1) / gemmMR
        let beta = p0 == 0 ? p.beta : 1
        let bias = p0 + kc == p.k ? p.bias : nil   // the epilogue runs on the last depth block
        GEMMScratchPool.shared.withBuffer(aSlivers * gemmMR * kc) { buffer in
            let packedA = buffer
            for t in 0..<aSlivers {
                let r0 = rows.lowerBound + t * gemmMR
                gemmPackASliver(transA: p.transA, a: p.a, lda: p.lda, i0: r0, rows: min(gemmMR, rows.upperBound - r0),
                                p0: p0, kc: kc, dst: packedA + t * gemmMR * kc)
            }
            for s in slivers {
                let c0 = s * gemmNR, width = gemmBSliverWidth(j: c0, nc: nc)
                let bs = packedB + gemmBSliverOffset(s, kc: kc)
                for t in 0..<aSlivers {
                    let r0 = rows.lowerBound + t * gemmMR
                    let src = GEMMTileIn(a: packedA + t * gemmMR * kc, aRow: 1, aK: gemmMR,
                                         rows: min(gemmMR, rows.upperBound - r0), b: bs, bK: width, kc: kc)
                    gemmMicroTile(src, nr: width, cols: min(width, nc - c0), c: p.c + r0 * p.ldc + j0 + c0,
                                  ldc: p.ldc, alpha: p.alpha, beta: beta, bias: bias.map { $0 + self.j0 + c0 })
                }
            }
        }
    }
}
