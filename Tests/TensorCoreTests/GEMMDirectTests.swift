// GEMMDirectTests — the direct path (GEMMDirect.swift: A and, when possible, B read in place)
// and the packed, blocked path give the same bytes for the same product, so the shape rule
// that picks one (`fitsDirect`) never changes a result; and that rule's limits.

import XCTest
import TestSupport
@testable import TensorCore

final class GEMMDirectTests: XCTestCase {
    func testDirectAndBlockedPathsGiveTheSameBytes() {
        var rng = RNG(seed: 3, stream: RNG.stream("gemm-direct-test"))
        for (m, n, k) in [(8, 32, 16), (37, 70, 45), (64, 48, 200), (130, 96, 257), (256, 256, 256)] {
            for transA in [false, true] { for transB in [false, true] { for beta: Float in [0, 0.5] {
                let a = Tensor(shape: [m * k]) { p in for i in p.indices { p[i] = rng.uniform(-1, 1) } }
                let b = Tensor(shape: [k * n]) { p in for i in p.indices { p[i] = rng.uniform(-1, 1) } }
                let bias = Tensor(shape: [n]) { p in for i in p.indices { p[i] = rng.uniform(-1, 1) } }
                let c0 = Tensor(shape: [m * n]) { p in for i in p.indices { p[i] = rng.uniform(-1, 1) } }
                let direct = c0.copy(), blocked = c0.copy()
                for (c, useDirect) in [(direct, true), (blocked, false)] {
                    let problem = GEMMProblem(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 0.75,
                                              a: a.pointer, lda: transA ? m : k, b: b.pointer, ldb: transB ? k : n,
                                              beta: beta, c: c.pointer, ldc: n, bias: bias.pointer)
                    if useDirect { problem.runDirect(threads: 2) } else { problem.runBlocked(threads: 2) }
                }
                XCTAssertTrue(direct.bitwiseEqual(blocked), "\(m)×\(n)×\(k) tA=\(transA) tB=\(transB) β=\(beta)")
            } } }
        }
    }

    func testPathRule() {
        func problem(_ m: Int, _ n: Int, _ k: Int, transB: Bool) -> GEMMProblem {
            let p = UnsafeMutablePointer<Float>(bitPattern: 64)!
            return GEMMProblem(transA: false, transB: transB, m: m, n: n, k: k, alpha: 1, a: p, lda: k, b: p,
                               ldb: transB ? k : n, beta: 0, c: p, ldc: n)
        }
        // In-place B: up to 512³ with the AVX-512 kernels, 160³ with the AVX2 kernels.
        #if MORE_AVX512
        let edge = 512
        #else
        let edge = 160
        #endif
        XCTAssertTrue(problem(edge, edge, edge, transB: false).fitsDirect)
        XCTAssertFalse(problem(edge + 1, edge, edge, transB: false).fitsDirect)
        XCTAssertFalse(problem(256, 256, 256, transB: true).fitsDirect)     // transposed B is packed: 160³
        XCTAssertTrue(problem(160, 160, 160, transB: true).fitsDirect)
        XCTAssertFalse(problem(8, 8, gemmKC + 1, transB: false).fitsDirect)  // one depth block only
    }
}
