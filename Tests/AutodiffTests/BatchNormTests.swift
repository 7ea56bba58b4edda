// BatchNormTests — batch statistics (biased for normalising, unbiased returned), eval mode with
// running statistics, both input layouts; gradients are in GradCheckTests.

import XCTest
import TensorCore
import TestSupport
@testable import Autodiff

final class BatchNormTests: XCTestCase {
    /// Per-channel values of x: [N, C, L] (or [N, C]) in (n, l) order.
    func channel(_ x: Tensor, _ c: Int) -> [Double] {
        let n = x.shape[0], cs = x.shape[1], l = x.rank == 3 ? x.shape[2] : 1
        return (0..<n).flatMap { i in (0..<l).map { t in Double(x.pointer[(i * cs + c) * l + t]) } }
    }

    func testTrainStatisticsAndOutput() {
        let x = randomVariable([3, 2, 5], seed: 1, -2, 4), g = randomVariable([2], seed: 2), b = randomVariable([2], seed: 3)
        let out = batchNormTrain(x, gamma: g, beta: b)
        for c in 0..<2 {
            let v = channel(x.value, c), m = Double(v.count)
            let mu = v.reduce(0, +) / m
            let ss = v.map { ($0 - mu) * ($0 - mu) }.reduce(0, +)
            XCTAssertEqual(Double(out.mean[c]), mu, accuracy: 1e-5)
            XCTAssertEqual(Double(out.unbiasedVariance[c]), ss / (m - 1), accuracy: 1e-4)
            let y = channel(out.y.value, c)
            for (yi, xi) in zip(y, v) {
                let expected = (xi - mu) / (ss / m + 1e-5).squareRoot() * Double(g.value[c]) + Double(b.value[c])
                XCTAssertEqual(yi, expected, accuracy: 1e-4)
            }
        }
    }

    func testTwoDimensionalInputNormalisesEachColumn() {
        let out = batchNormTrain(randomVariable([16, 3], seed: 4, 2, 9), gamma: nil, beta: nil)
        for c in 0..<3 {
            let y = channel(out.y.value, c)
            XCTAssertEqual(y.reduce(0, +) / 16, 0, accuracy: 1e-5)
            XCTAssertEqual(y.map { $0 * $0 }.reduce(0, +) / 16, 1, accuracy: 1e-3)
        }
    }

    func testEvalUsesTheRunningStatistics() {
        let x = randomVariable([4, 2], seed: 5)
        let mean = Tensor(shape: [2], values: [0.5, -1]), variance = Tensor(shape: [2], values: [4, 0.25])
        let g = Variable(Tensor(shape: [2], values: [2, 3])), b = Variable(Tensor(shape: [2], values: [0.1, 0.2]))
        let y = batchNormEval(x, runningMean: mean, runningVariance: variance, gamma: g, beta: b).value
        for i in 0..<4 { for c in 0..<2 {
            let expected = (x.value[i, c] - mean[c]) / (variance[c] + 1e-5).squareRoot() * g.value[c] + b.value[c]
            XCTAssertEqual(y[i, c], expected, accuracy: 1e-5)
        } }
    }
}
