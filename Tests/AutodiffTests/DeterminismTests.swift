// DeterminismTests — a forward + backward pass of a small MLP gives the same bytes with 1 and
// 2 threads, and on a second run.
//
// MLP: Linear(48→192) → GELU → Linear(192→64) → LayerNorm → cross-entropy, batch 1024, built
// from the Autodiff ops. The sizes are chosen so the elementwise, softmax and LayerNorm
// kernels split into several tasks (asserted below against `parallelGrain`). A second pass
// covers the other ops with thread-split kernels: embedding, DropKey attention, Conv1d +
// BatchNorm, dropout, L2-normalise.

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
        let one = compareThreadCounts(runMLP)
        XCTAssertTrue(one.loss.item.isFinite && one.loss.item > 0, "loss \(one.loss.item)")
        XCTAssertEqual(one.grads.count, 6)
    }

    /// Runs `pass` with 1 thread, then twice with 2, and asserts all three give the same
    /// bytes; returns the 1-thread result. Restores the thread count.
    func compareThreadCounts(_ pass: () -> Pass, file: StaticString = #filePath, line: UInt = #line) -> Pass {
        let saved = ThreadPool.shared.threadCount
        defer { ThreadPool.shared.setThreadCount(saved) }
        ThreadPool.shared.setThreadCount(1)
        let one = pass()
        ThreadPool.shared.setThreadCount(2)
        let two = pass()
        let again = pass()
        XCTAssertTrue(one.grads.allSatisfy { $0.count > 0 && !$0.hasNonFinite }, file: file, line: line)
        assertIdentical(one, two, "1 vs 2 threads")
        assertIdentical(two, again, "two runs with 2 threads")
        return one
    }

    /// Embedding → attention with DropKey → dropout, and Conv1d → BatchNorm → L2-normalise;
    /// the loss is a fixed random projection of both outputs.
    func runOtherOps() -> Pass {
        let table = randomVariable([50, 32], seed: 31)
        let ids = (0..<(4 * 65)).map { ($0 * 13) % 50 }
        let wq = randomVariable([32, 32], seed: 32, -0.3, 0.3), wk = randomVariable([32, 32], seed: 33, -0.3, 0.3)
        let tokens = embedding(table, ids: ids, shape: [4, 65])                       // [4, 65, 32]
        let heads = { (w: Variable) in permute(reshape(matmul(tokens, w), [4, 65, 4, 8]), [0, 2, 1, 3]) }
        let q = heads(wq), k = heads(wk)                                                 // [4, 4, 65, 8]
        let mask = dropKeyMask(shape: [4, 4, 65, 65], p: 0.3, seed: 1, stream: RNG.stream("dropkey", 0))
        let att = dropout(scaledDotProductAttention(q, k, q, mask: mask), p: 0.1, seed: 1, stream: 2)
        let ecg = randomVariable([16, 12, 1000], seed: 34, requiresGrad: false)
        let w1 = randomVariable([32, 12, 5], seed: 35, -0.3, 0.3), b1 = randomVariable([32], seed: 36)
        let gamma = randomVariable([32], seed: 37, 0.5, 1.5), beta = randomVariable([32], seed: 38)
        let stem = batchNormTrain(relu(conv1d(ecg, weight: w1, bias: b1, stride: 5)), gamma: gamma, beta: beta).y
        let z = l2Normalize(stem)                                                        // [16, 32, 200]
        let pa = randomVariable(att.shape, seed: 39, requiresGrad: false), pz = randomVariable(z.shape, seed: 40, requiresGrad: false)
        let loss = sum(att * pa) + sum(z * pz)
        loss.backward()
        return Pass(loss: loss.value, grads: [table, wq, wk, w1, b1, gamma, beta].map { $0.grad ?? Tensor(zeros: [0]) })
    }

    func testOtherOpsAreBitwiseIdenticalForOneAndTwoThreads() {
        XCTAssertGreaterThanOrEqual(4 * 4 * 65 * 65, 2 * parallelGrain)
        XCTAssertGreaterThanOrEqual(16 * 32 * 200, 2 * parallelGrain)
        XCTAssertEqual(compareThreadCounts(runOtherOps).grads.count, 7)
    }
}
