// GEMMDirect — small products without packing A (and without packing B when it can be
// read in place).
//
// For products up to gemmDirectLimit (transposed B) or gemmDirectLimitInPlaceB multiply-adds with a single depth block (64³, the
// attention products [T, 64]·[64, T] of a head, …) copying the operands costs as much as
// multiplying them. Here the micro-kernels read A where it lies, through its strides (8 row
// pointers), and read B in place when it is not transposed and the sliver is a full 32 (or
// 16) columns wide; only transposed or ragged B slivers are packed. Each element is the same
// FMA chain as on the packed path (GEMM.swift), so the choice of path never changes a bit.
// Not here: depth blocking (k ≤ gemmKC is required), large-problem cache blocking.

/// Largest m·n·k that takes the direct path when B must be packed (transposed B).
let gemmDirectLimit = 160 * 160 * 160
/// Largest m·n·k that takes the direct path when B is read in place.
///
/// AVX-512 (8×32 zmm kernel), measured on Zen 4, 1 thread, thread CPU time, direct vs packed:
/// 256³ 116 vs 109 GFLOP/s, 384³ 103 vs 96, 512³ 103 vs 100, 1024³ 96 vs 102 — so in-place B
/// pays up to 512³.
///
/// AVX2, measured on Zen 3 the same way (best of repeated calls) with the 4×16 quarters of
/// before 3 Dec 2026: the quarters read each in-place B row twice (the 6×16 halves still do), and B rows a power-of-two stride apart fall into a few L1
/// sets, so the direct path loses from about 200³ on — 256³ 71 vs 87, 512³ 50 vs 75,
/// 6272×128×128 (a `tiny` tower's projection) 39–46 vs 58–62, 197×768×768 45 vs 68 — and
/// wins only on small products (160³ 84–87 vs 66–81): the same limit as for transposed B.
#if MORE_AVX512
let gemmDirectLimitInPlaceB = 512 * 512 * 512
#else
let gemmDirectLimitInPlaceB = gemmDirectLimit
#endif

extension GEMMProblem {
    /// True when the direct path applies (a function of the shape only, never of the thread
    /// count, so it never changes a bit between 1 and 2 threads).
    var fitsDirect: Bool { k <= gemmKC && m * n * k <= (transB ? gemmDirectLimit : gemmDirectLimitInPlaceB) }

    /// The direct product; `threads > 1` splits the MR-row slivers of C into groups.
    func runDirect(threads: Int) {
        let nB = (n + gemmNR - 1) / gemmNR
        // Slivers that cannot be read in place: all when transB, else only a ragged last one.
        let packed = transB ? nB : (n % gemmNR == 0 || n % gemmNR == 16 ? 0 : 1)
        GEMMScratchPool.shared.withBuffer(packed * gemmNR * k + 64) { buffer in
            for s in (nB - packed)..<nB {
                let c0 = s * gemmNR
                gemmPackBSliver(transB: transB, b: b, ldb: ldb, j0: c0, cols: min(gemmNR, n - c0),
                                width: gemmBSliverWidth(j: c0, nc: n), p0: 0, kc: k,
                                dst: buffer + (s - (nB - packed)) * gemmNR * k)
            }
            let aSlivers = (m + gemmMR - 1) / gemmMR
            let groups = min(aSlivers, threads)
            let task = { (g: Int) in
                for s in 0..<nB {
                    let c0 = s * gemmNR, width = gemmBSliverWidth(j: c0, nc: self.n)
                    let inPlace = s < nB - packed
                    let bs = inPlace ? self.b + c0 : UnsafePointer(buffer + (s - (nB - packed)) * gemmNR * self.k)
                    for t in (aSlivers * g / groups)..<(aSlivers * (g + 1) / groups) {
                        let r0 = t * gemmMR
                        let src = GEMMTileIn(a: self.transA ? self.a + r0 : self.a + r0 * self.lda,
                                             aRow: self.transA ? 1 : self.lda, aK: self.transA ? self.lda : 1,
                                             rows: min(gemmMR, self.m - r0), b: bs, bK: inPlace ? self.ldb : width, kc: self.k)
                        gemmMicroTile(src, nr: width, cols: min(width, self.n - c0), c: self.c + r0 * self.ldc + c0,
                                      ldc: self.ldc, alpha: self.alpha, beta: self.beta, bias: self.bias.map { $0 + c0 })
                    }
                }
            }
            if groups > 1 { ThreadPool.shared.parallelFor(groups, task) } else { task(0) }
        }
    }
}
