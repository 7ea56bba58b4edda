// GEMMTests — the fast GEMM (GEMM*.swift) against the naive oracle `gemmReference`, over all
// transposes, odd sizes (thin, direct and packed paths), alpha/beta, padded leading
// dimensions, batches; bitwise identity for 1, 2 and 3 threads; every element one FMA chain
// over k (any kernel layout); `matmul` shapes and the messages of `Shape.checkMatmul`.

import XCTest
import TensorCore
import TestSupport

final class GEMMTests: XCTestCase {
    /// A random matrix buffer of `count` floats in [-1, 1).
    private func random(_ count: Int, seed: UInt64) -> [Float] {
        var rng = RNG(seed: seed, stream: RNG.stream("gemm-test"))
        return (0..<max(count, 1)).map { _ in rng.uniform(-1, 1) }
    }

    /// Runs `gemm` and `gemmReference` on the same random inputs (leading dimensions padded
    /// by `pad`) and returns both C buffers (padding included).
    private func both(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float, beta: Float,
                      pad: Int = 0, seed: UInt64 = 1) -> (fast: [Float], ref: [Float]) {
        let (ar, ac) = transA ? (k, m) : (m, k)
        let (br, bc) = transB ? (n, k) : (k, n)
        let lda = ac + pad, ldb = bc + pad, ldc = n + pad
        let a = random(ar * lda, seed: seed), b = random(br * ldb, seed: seed + 1)
        var fast = random(m * ldc, seed: seed + 2), ref = fast
        a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in
            fast.withUnsafeMutableBufferPointer { c in
                gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a.baseAddress!, lda: max(lda, 1),
                     b: b.baseAddress!, ldb: max(ldb, 1), beta: beta, c: c.baseAddress!, ldc: max(ldc, 1))
            }
            ref.withUnsafeMutableBufferPointer { c in
                gemmReference(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a.baseAddress!, lda: max(lda, 1),
                              b: b.baseAddress!, ldb: max(ldb, 1), beta: beta, c: c.baseAddress!, ldc: max(ldc, 1))
            }
        } }
        return (fast, ref)
    }

    func testAgreesWithReferenceForAllTransposesAndOddSizes() {
        let sizes = [(1, 1, 1), (7, 13, 5), (33, 65, 129), (8, 32, 256), (17, 40, 300), (100, 70, 513),
                     (2, 50, 20), (1, 77, 33), (50, 3, 20), (40, 1, 9), (9, 17, 1), (12, 48, 16), (5, 5, 5),
                     (65, 65, 64), (65, 64, 65), (20, 48, 9),                 // direct path, ragged/16-wide slivers
                     (171, 190, 150), (520, 530, 500), (45, 75, 1500)]        // packed path (transposed B / > 512³), two depth blocks
        for (m, n, k) in sizes {
            for transA in [false, true] {
                for transB in [false, true] {
                    let r = both(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 1, beta: 0)
                    assertClose(r.fast, r.ref, abs: 4e-6 * Float(k), rel: 1e-5, "m=\(m) n=\(n) k=\(k) tA=\(transA) tB=\(transB)")
                }
            }
        }
    }

    func testAlphaBetaAndPaddedLeadingDimensions() {
        for (alpha, beta) in [(Float(0.5), Float(1)), (-2, 0.25), (1, -1), (3, 0)] {
            for (transA, transB) in [(false, false), (true, false), (false, true), (true, true)] {
                for (m, n, k) in [(19, 37, 70), (3, 5, 7), (130, 33, 260), (2, 40, 9), (30, 3, 9), (180, 100, 300)] {
                    let r = both(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, beta: beta, pad: 3, seed: 7)
                    assertClose(r.fast, r.ref, abs: 1e-5 * Float(k), rel: 1e-5,
                                "alpha=\(alpha) beta=\(beta) m=\(m) n=\(n) k=\(k) tA=\(transA) tB=\(transB)")
                }
            }
        }
    }

    func testOuterBlockingLoops() {
        // n beyond one packed B panel, m beyond one packed A panel, k beyond several depth blocks.
        for (m, n, k) in [(9, 2100, 3), (2100, 5, 3), (20, 30, 1100)] {
            let r = both(transA: false, transB: true, m: m, n: n, k: k, alpha: 1, beta: 0.5, seed: 11)
            assertClose(r.fast, r.ref, abs: 4e-6 * Float(k), rel: 1e-5, "m=\(m) n=\(n) k=\(k)")
        }
    }

    func testBetaZeroOverwritesNaNAndAlphaZeroOrEmptyKScalesC() {
        for (m, n, k, alpha, beta) in [(20, 40, 8, Float(1), Float(0)), (2, 9, 4, 1, 0), (9, 3, 4, 1, 0),
                                        (5, 6, 7, 0, 2), (5, 6, 0, 1, 2), (5, 6, 0, 1, 0)] {
            let a = random(m * max(k, 1), seed: 3), b = random(max(k, 1) * n, seed: 4)
            var c = [Float](repeating: beta == 0 ? .nan : 1.5, count: m * n)
            gemm(transA: false, transB: false, m: m, n: n, k: k, alpha: alpha, a: a, lda: max(k, 1),
                 b: b, ldb: n, beta: beta, c: &c, ldc: n)
            XCTAssertFalse(c.contains { $0.isNaN }, "NaN left in C for m=\(m) n=\(n) k=\(k) beta=\(beta)")
            if alpha == 0 || k == 0 { XCTAssertEqual(c, [Float](repeating: 1.5 * beta, count: m * n)) }
        }
    }

    func testBatchedMatchesOneProductAtATime() {
        for (batch, strideBZero) in [(1, false), (6, false), (5, true)] {
            let (m, n, k) = (13, 35, 21)
            let a = random(batch * k * m, seed: 21), b = random((strideBZero ? 1 : batch) * n * k, seed: 22)
            var c = random(batch * m * n, seed: 23), expected = c
            gemmBatched(transA: true, transB: true, m: m, n: n, k: k, alpha: 0.5, a: a, lda: m, strideA: k * m,
                        b: b, ldb: k, strideB: strideBZero ? 0 : n * k, beta: 2, c: &c, ldc: n, strideC: m * n, batch: batch)
            for i in 0..<batch {
                a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in expected.withUnsafeMutableBufferPointer { e in
                    gemmReference(transA: true, transB: true, m: m, n: n, k: k, alpha: 0.5, a: a.baseAddress! + i * k * m, lda: m,
                                  b: b.baseAddress! + (strideBZero ? 0 : i * n * k), ldb: k, beta: 2,
                                  c: e.baseAddress! + i * m * n, ldc: n)
                } } }
            }
            assertClose(c, expected, abs: 1e-4, rel: 1e-5, "batch=\(batch) strideB0=\(strideBZero)")
        }
    }

    func testBitwiseIdenticalForOneTwoAndThreeThreads() {
        let pool = ThreadPool.shared, saved = pool.threadCount
        defer { pool.setThreadCount(saved) }
        func run(_ threads: Int) -> [[Float]] {
            pool.setThreadCount(threads)
            var outs: [[Float]] = []
            for (tA, tB, m, n, k) in [(false, false, 300, 200, 600), (true, true, 65, 65, 64), (false, true, 517, 97, 300),
                                      (true, false, 64, 64, 64), (false, false, 1, 300, 200), (false, true, 300, 3, 200)] {
                outs.append(both(transA: tA, transB: tB, m: m, n: n, k: k, alpha: 0.7, beta: 0.3, seed: 5).fast)
            }
            let t = Tensor(shape: [6, 33, 40], values: random(6 * 33 * 40, seed: 9))
            let w = Tensor(shape: [6, 40, 70], values: random(6 * 40 * 70, seed: 10))
            outs.append(matmul(t, w).scalars)
            return outs
        }
        let one = run(1), two = run(2), three = run(3)
        for i in 0..<one.count {
            XCTAssertEqual(one[i].map(\.bitPattern), two[i].map(\.bitPattern), "case \(i): 1 vs 2 threads")
            XCTAssertEqual(one[i].map(\.bitPattern), three[i].map(\.bitPattern), "case \(i): 1 vs 3 threads")
        }
    }

    /// For k ≤ gemmKC, every element of C is exactly one Float FMA chain over k in increasing
    /// order (alpha 1, beta 0): the property that makes results independent of tile
    /// boundaries, threads and the kernel's register layout (the AVX2 kernels cut k into
    /// sub-blocks and carry raw accumulators between them; the AVX-512 ones do not). Shapes
    /// cover the direct and packed paths, edge tiles, the narrow 16-column sliver, k below, at
    /// and across the sub-block size (128 + 128 + 44) and up to gemmKC.
    func testEachElementIsOneFMAChainOverK() {
        for (tA, tB, m, n, k) in [(false, false, 13, 45, 300), (true, false, 40, 48, 128), (false, true, 9, 80, 129),
                                  (true, true, 70, 33, 257), (false, false, 200, 112, 1024), (false, true, 130, 200, 700)] {
            let (ar, ac) = tA ? (k, m) : (m, k)
            let (br, bc) = tB ? (n, k) : (k, n)
            let a = random(ar * ac, seed: 21), b = random(br * bc, seed: 22)
            var c = [Float](repeating: .nan, count: m * n)
            a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in c.withUnsafeMutableBufferPointer { c in
                gemm(transA: tA, transB: tB, m: m, n: n, k: k, alpha: 1, a: a.baseAddress!, lda: ac,
                     b: b.baseAddress!, ldb: bc, beta: 0, c: c.baseAddress!, ldc: n)
            } } }
            var mismatches = 0
            for i in 0..<m {
                for j in 0..<n {
                    var acc: Float = 0
                    for p in 0..<k {
                        acc = acc.addingProduct(tA ? a[p * ac + i] : a[i * ac + p], tB ? b[j * bc + p] : b[p * bc + j])
                    }
                    if acc.bitPattern != c[i * n + j].bitPattern { mismatches += 1 }
                }
            }
            XCTAssertEqual(mismatches, 0, "transA \(tA) transB \(tB) m \(m) n \(n) k \(k): elements that are not one FMA chain")
        }
    }

    /// Edge tiles (ragged rows, ragged and 16-wide column slivers) are written in place by the
    /// kernel's epilogue: every element, full tile or edge, is `fma(chain, alpha, beta·C)` (or
    /// `chain·alpha` at beta 0) `+ bias[j]` bit for bit, on the direct and the packed path, and
    /// the padding between rows (ldc > n) is never touched.
    func testEdgeTilesApplyTheFullTileFormulaBitwise() {
        var rng = RNG(seed: 17, stream: RNG.stream("gemm-edge-test"))
        for (m, n, k, transB) in [(13, 45, 30, false), (21, 20, 64, false), (9, 50, 33, true), (300, 41, 20, true),
                                  (5, 3, 7, false), (170, 180, 150, true)] {
            for beta: Float in [0, 1, 0.5] {
                let ldc = n + 3
                let a = (0..<(m * k)).map { _ in rng.uniform(-1, 1) }
                let b = (0..<(k * n)).map { _ in rng.uniform(-1, 1) }
                let bias = (0..<n).map { _ in rng.uniform(-1, 1) }
                let c0 = (0..<(m * ldc)).map { _ in rng.uniform(-1, 1) }
                var c = c0
                a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in bias.withUnsafeBufferPointer { bias in
                    c.withUnsafeMutableBufferPointer { c in
                        gemm(transA: false, transB: transB, m: m, n: n, k: k, alpha: 0.75, a: a.baseAddress!, lda: k,
                             b: b.baseAddress!, ldb: transB ? k : n, beta: beta, c: c.baseAddress!, ldc: ldc,
                             bias: bias.baseAddress!)
                    }
                } } }
                var mismatches = 0
                for i in 0..<m {
                    for j in 0..<ldc {
                        var expected = c0[i * ldc + j]
                        if j < n {
                            var acc: Float = 0
                            for p in 0..<k { acc = acc.addingProduct(a[i * k + p], transB ? b[j * k + p] : b[p * n + j]) }
                            let old = c0[i * ldc + j]
                            expected = (beta == 0 ? acc * 0.75 : (beta == 1 ? old : old * beta).addingProduct(acc, 0.75)) + bias[j]
                        }
                        if expected.bitPattern != c[i * ldc + j].bitPattern { mismatches += 1 }
                    }
                }
                XCTAssertEqual(mismatches, 0, "m \(m) n \(n) k \(k) transB \(transB) beta \(beta)")
            }
        }
    }

    func testMatmulShapesAndBroadcast() {
        let a = Tensor(shape: [3, 4, 5], values: random(60, seed: 31))
        let w = Tensor(shape: [5, 6], values: random(30, seed: 32))
        let y = matmul(a, w)
        XCTAssertEqual(y.shape, [3, 4, 6])
        for bi in 0..<3 {
            let slice = Tensor(shape: [4, 5], values: Array(a.scalars[(bi * 20)..<(bi * 20 + 20)]))
            let expected = matmul(slice, w)
            XCTAssertEqual(Array(y.scalars[(bi * 24)..<(bi * 24 + 24)]), expected.scalars, "batch \(bi)")
        }
        // Transposes apply to the last two axes: (aᵀ)ᵀ·w through transposeA on [3, 5, 4].
        var at = [Float](repeating: 0, count: 60)
        for bi in 0..<3 { for i in 0..<4 { for p in 0..<5 { at[bi * 20 + p * 4 + i] = a[bi, i, p] } } }
        let yt = matmul(Tensor(shape: [3, 5, 4], values: at), w, transposeA: true)
        assertClose(yt.scalars, y.scalars, abs: 1e-6, rel: 1e-6)
        // A rank-2 left operand is broadcast over the right operand's batch.
        let rhs = Tensor(shape: [2, 7, 6], values: random(84, seed: 33))
        let z = matmul(w, rhs, transposeB: true)
        XCTAssertEqual(z.shape, [2, 5, 7])
        for bi in 0..<2 {
            let slice = Tensor(shape: [7, 6], values: Array(rhs.scalars[(bi * 42)..<(bi * 42 + 42)]))
            XCTAssertEqual(Array(z.scalars[(bi * 35)..<(bi * 35 + 35)]), matmul(w, slice, transposeB: true).scalars, "batch \(bi)")
        }
        XCTAssertEqual(try Shape.checkMatmul([2, 3, 4, 5], [2, 3, 5, 7]), [2, 3, 4, 7])
    }

    func testMatmulShapeErrorsNameBothShapes() {
        let bad: [([Int], [Int], Bool, Bool)] = [([3, 4], [5, 6], false, false), ([2, 3, 4], [3, 4, 5], false, false),
                                                 ([4], [4, 2], false, false), ([3, 4], [3, 5], false, true)]
        for (a, b, tA, tB) in bad {
            XCTAssertThrowsError(try Shape.checkMatmul(a, b, transposeA: tA, transposeB: tB)) { error in
                let message = (error as? ShapeError)?.message ?? ""
                XCTAssertTrue(message.contains("\(a)") && message.contains("\(b)"), "message '\(message)' must name \(a) and \(b)")
            }
        }
        XCTAssertEqual(try Shape.checkMatmul([3, 4], [3, 5], transposeA: true), [4, 5])
    }
}
