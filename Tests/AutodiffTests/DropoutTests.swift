// DropoutTests — the mask is a pure function of (seed, stream, index): reproducible, thread-count
// independent, with the right drop rate and scale; gradients in GradCheckTests.

import XCTest
import TensorCore
import TestSupport
@testable import Autodiff

final class DropoutTests: XCTestCase {
    func testMaskElementsFollowTheCounterRNG() {
        let m = bernoulliMask(shape: [7, 5], p: 0.4, seed: 9, stream: 3, hit: -1, miss: 1)
        for i in 0..<35 {
            let u = RNG.unit(RNG.maskWord(seed: 9, stream: 3, index: UInt64(i)))
            XCTAssertEqual(m.pointer[i], u < 0.4 ? -1 : 1, "element \(i)")
        }
    }

    func testMaskIsThreadCountIndependentAndReproducible() {
        let shape = [300, 500]   // 150 000 elements: several tasks
        let saved = ThreadPool.shared.threadCount
        defer { ThreadPool.shared.setThreadCount(saved) }
        ThreadPool.shared.setThreadCount(1)
        let a = bernoulliMask(shape: shape, p: 0.1, seed: 1, stream: 2, hit: 0, miss: 1)
        ThreadPool.shared.setThreadCount(2)
        let b = bernoulliMask(shape: shape, p: 0.1, seed: 1, stream: 2, hit: 0, miss: 1)
        XCTAssertTrue(a.bitwiseEqual(b))
        let other = bernoulliMask(shape: shape, p: 0.1, seed: 1, stream: 3, hit: 0, miss: 1)
        XCTAssertFalse(a.bitwiseEqual(other), "another stream must give another mask")
    }

    func testDropRateAndScale() {
        let x = Variable(Tensor(shape: [200, 250], repeating: 2), requiresGrad: true)
        let p: Float = 0.3
        let y = dropout(x, p: p, seed: 4, stream: 5).value.scalars
        let dropped = y.filter { $0 == 0 }.count
        let rate = Double(dropped) / Double(y.count)
        XCTAssertEqual(rate, 0.3, accuracy: 0.01)   // 50 000 draws: σ ≈ 0.002
        XCTAssertTrue(y.allSatisfy { $0 == 0 || abs($0 - 2 / (1 - p)) < 1e-6 })
    }

    func testEdgeProbabilities() {
        let x = randomVariable([3, 4], seed: 1)
        XCTAssertTrue(dropout(x, p: 0, seed: 1, stream: 1) === x)
        XCTAssertEqual(dropout(x, p: 1, seed: 1, stream: 1).value.scalars, [Float](repeating: 0, count: 12))
    }

    func testDropoutAddIsBitwiseDropoutThenAdd() {
        let xf = randomVariable([37, 41], seed: 8), rf = randomVariable([37, 41], seed: 9)
        let xc = randomVariable([37, 41], seed: 8), rc = randomVariable([37, 41], seed: 9)
        let w = randomVariable([37, 41], seed: 10, requiresGrad: false).value
        let fused = dropoutAdd(xf, rf, p: 0.3, seed: 2, stream: 6)
        let composed = dropout(xc, p: 0.3, seed: 2, stream: 6) + rc
        XCTAssertTrue(fused.value.bitwiseEqual(composed.value))
        fused.backward(w); composed.backward(w)
        XCTAssertTrue(xf.grad!.bitwiseEqual(xc.grad!))
        XCTAssertTrue(rf.grad!.bitwiseEqual(rc.grad!))
        // The stored-mask formulation: x ⊙ bernoulliMask.
        let mask = bernoulliMask(shape: [37, 41], p: 0.3, seed: 2, stream: 6, hit: 0, miss: 1 / 0.7)
        XCTAssertTrue(dropout(xc, p: 0.3, seed: 2, stream: 6).value.bitwiseEqual(xc.value * mask))
    }
}
