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

    func testNoGradRecordsNothing() {
        let y = noGrad { layerNorm(randomVariable([2, 3], seed: 5), gamma: randomVariable([3], seed: 6), beta: nil) }
        XCTAssertNil(y.node)
    }
}
