// DeterminismTests — a forward + backward pass of a small MLP gives the same bytes with 1 and
// 2 threads, and on a second run.
//
// MLP: Linear(48→192) → GELU → Linear(192→64) → LayerNorm → cross-entropy, batch 1024, built
// from the Autodiff ops. The sizes are chosen so the elementwise, softmax and LayerNorm
// kernels split into several tasks (asserted below against `parallelGrain`).

import XCTest
import TensorCore
import TestSupport
@testable import Autodiff

final class DeterminismTests: XCTestCase {
    let batch = 1024, inputs = 48, hidden = 192, classes = 64

    struct Pass { let loss: Tensor; let grads: [Tensor] }

    func runMLP() -> Pass {
        let x = randomVariable([batch, inputs], seed: 21, requiresGrad: false)
        let w1 = randomVariable([inputs, hidden], seed: 22, -0.2, 0.2)
        let b1 = randomVariable([hidden], seed: 23, -0.1, 0.1)
        let w2 = randomVariable([hidden, classes], seed: 24, -0.2, 0.2)
        let b2 = randomVariable([classes], seed: 25, -0.1, 0.1)
        let gamma = randomVariable([classes], seed: 26, 0.5, 1.5)
        let beta = randomVariable([classes], seed: 27, -0.1, 0.1)
        let targets = (0..<batch).map { ($0 * 37) % classes }
        let h = gelu(matmul(x, w1) + b1)
        let z = layerNorm(matmul(h, w2) + b2, gamma: gamma, beta: beta)
        let loss = crossEntropy(z, targets: targets)
        loss.backward()
        let params = [w1, b1, w2, b2, gamma, beta]
        return Pass(loss: loss.value, grads: params.map { $0.grad ?? Tensor(zeros: [0]) })
    }

    func assertIdentical(_ a: Pass, _ b: Pass, _ what: String) {
        XCTAssertTrue(a.loss.bitwiseEqual(b.loss), "\(what): loss \(a.loss.item) vs \(b.loss.item)")
        for (i, (ga, gb)) in zip(a.grads, b.grads).enumerated() {
            XCTAssertTrue(ga.bitwiseEqual(gb), "\(what): gradient of parameter \(i) (shape \(ga.shape)) differs, max |Δ| \(maxAbsDiff(ga.scalars, gb.scalars))")
        }
    }

    func testMLPIsBitwiseIdenticalForOneAndTwoThreads() {
        // The kernels must actually split: more than two grains of work per elementwise op,
        // and several rows per softmax/LayerNorm task.
        XCTAssertGreaterThanOrEqual(batch * hidden, 2 * parallelGrain)
        XCTAssertGreaterThanOrEqual(batch, 2 * (parallelGrain / classes))
        let saved = ThreadPool.shared.threadCount
        defer { ThreadPool.shared.setThreadCount(saved) }
        ThreadPool.shared.setThreadCount(1)
        let one = runMLP()
        ThreadPool.shared.setThreadCount(2)
        let two = runMLP()
        let again = runMLP()
        XCTAssertTrue(one.loss.item.isFinite && one.loss.item > 0, "loss \(one.loss.item)")
        XCTAssertEqual(one.grads.count, 6)
        XCTAssertTrue(one.grads.allSatisfy { $0.count > 0 && !$0.hasNonFinite })
        assertIdentical(one, two, "1 vs 2 threads")
        assertIdentical(two, again, "two runs with 2 threads")
    }
}
