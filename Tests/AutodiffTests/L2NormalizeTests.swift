// L2NormalizeTests — unit rows, the ε clamp for (near-)zero rows; gradients in GradCheckTests.

import XCTest
import TensorCore
import TestSupport
@testable import Autodiff

final class L2NormalizeTests: XCTestCase {
    func testRowsHaveUnitNorm() {
        let x = randomVariable([5, 9], seed: 1, -3, 3)
        let y = l2Normalize(x).value
        for r in 0..<5 {
            let n = (0..<9).map { Double(y[r, $0]) * Double(y[r, $0]) }.reduce(0, +)
            XCTAssertEqual(n, 1, accuracy: 1e-6)
            XCTAssertEqual(Double(y[r, 0]) * (0..<9).map { Double(x.value[r, $0] * x.value[r, $0]) }.reduce(0, +).squareRoot(),
                           Double(x.value[r, 0]), accuracy: 1e-5)
        }
    }

    func testZeroRowStaysZeroWithAFiniteGradient() {
        let x = Variable(Tensor(shape: [2, 3], values: [0, 0, 0, 3, 0, 4]), requiresGrad: true)
        let y = l2Normalize(x)
        XCTAssertEqual(y.value.scalars, [0, 0, 0, 0.6, 0, 0.8])
        y.backward(Tensor(shape: [2, 3], repeating: 1))
        XCTAssertFalse(x.grad?.hasNonFinite ?? true)
    }
}
