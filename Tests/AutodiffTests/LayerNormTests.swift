// LayerNormTests — forward values against a Double-precision definition; gradients are in
// GradCheckTests.

import XCTest
import TensorCore
import TestSupport
@testable import Autodiff

final class LayerNormTests: XCTestCase {
    func testMatchesTheDefinition() {
        let x = randomVariable([4, 7], seed: 1, -3, 3), g = randomVariable([7], seed: 2), b = randomVariable([7], seed: 3)
        let eps: Float = 1e-6
        let y = layerNorm(x, gamma: g, beta: b, eps: eps).value
        var expected = [Float]()
        for r in 0..<4 {
            let row = (0..<7).map { Double(x.value[r, $0]) }
            let mu = row.reduce(0, +) / 7
            let v = row.map { ($0 - mu) * ($0 - mu) }.reduce(0, +) / 7
            for j in 0..<7 {
                expected.append(Float((row[j] - mu) / (v + Double(eps)).squareRoot() * Double(g.value[j]) + Double(b.value[j])))
            }
        }
        assertClose(y.scalars, expected, abs: 1e-5, rel: 1e-5)
    }

    func testWithoutAffineRowsHaveZeroMeanAndUnitVariance() {
        let y = layerNorm(randomVariable([3, 64], seed: 4, -5, 10), gamma: nil, beta: nil).value
        for r in 0..<3 {
            let row = (0..<64).map { Double(y[r, $0]) }
            let mu = row.reduce(0, +) / 64
            XCTAssertEqual(mu, 0, accuracy: 1e-6)
            XCTAssertEqual(row.map { $0 * $0 }.reduce(0, +) / 64, 1, accuracy: 1e-3)
        }
    }

    /// A batch computes eight rows at a time in SIMD lanes, a single row alone: every row of a
    /// [19, 37] batch (two groups and a tail) must be bitwise that row normalised on its own, in
    /// the forward and in ∂L/∂x (each sum keeps its row's order).
    func testRowsInLanesAreBitwiseTheRowAlone() {
        let rows = 19, d = 37
        let x = randomVariable([rows, d], seed: 8, -3, 3), g = randomVariable([d], seed: 9), b = randomVariable([d], seed: 10)
        let w = randomVariable([rows, d], seed: 11, requiresGrad: false).value
        let y = layerNorm(x, gamma: g, beta: b, eps: 1e-6)
        y.backward(w)
        for r in 0..<rows {
            let xr = Variable(Tensor(shape: [1, d], values: Array(x.value.scalars[(r * d)..<((r + 1) * d)])), requiresGrad: true)
            let yr = layerNorm(xr, gamma: g, beta: b, eps: 1e-6)
            yr.backward(Tensor(shape: [1, d], values: Array(w.scalars[(r * d)..<((r + 1) * d)])))
            XCTAssertEqual(yr.value.scalars.map(\.bitPattern), y.value.scalars[(r * d)..<((r + 1) * d)].map(\.bitPattern), "row \(r)")
            XCTAssertEqual(xr.grad!.scalars.map(\.bitPattern), x.grad!.scalars[(r * d)..<((r + 1) * d)].map(\.bitPattern),
                           "∂L/∂x row \(r)")
        }
    }

    func testNoGradRecordsNothing() {
        let y = noGrad { layerNorm(randomVariable([2, 3], seed: 5), gamma: randomVariable([3], seed: 6), beta: nil) }
        XCTAssertNil(y.node)
    }
}
