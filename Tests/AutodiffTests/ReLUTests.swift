// ReLUTests — the special values against PyTorch 2.13 (`torch.relu` and its backward); the
// gradient of ordinary values is in GradCheckTests.

import XCTest
import TensorCore
import TestSupport
@testable import Autodiff

final class ReLUTests: XCTestCase {
    /// x = [NaN, −1, 0, 2, +∞, −∞]: PyTorch gives y = [NaN, 0, 0, 2, +∞, 0] and, with an upstream
    /// gradient of ones, ∂x = [1, 0, 0, 1, 1, 0]. A NaN must pass (the trainer stops on a NaN
    /// loss; a ReLU that maps NaN to 0 hid it: one NaN ECG sample only nudged its embedding).
    func testSpecialValuesAsPyTorch() {
        let x = Variable(Tensor(shape: [6], values: [.nan, -1, 0, 2, .infinity, -.infinity]), requiresGrad: true)
        let y = relu(x)
        let v = y.value.scalars
        XCTAssertTrue(v[0].isNaN, "relu(NaN) = NaN, found \(v[0])")
        XCTAssertEqual(Array(v[1...]), [0, 0, 2, .infinity, 0])
        y.backward(Tensor(shape: [6], repeating: 1))
        XCTAssertEqual(x.grad?.scalars, [1, 0, 0, 1, 1, 0])
    }

    /// −0 maps to +0 (PyTorch keeps −0; ours gives +0 as it always has, so no earlier result
    /// changes a bit).
    func testNegativeZeroGivesZero() {
        XCTAssertEqual(Tensor(shape: [1], values: [-0.0]).relu().scalars[0].sign, .plus)
    }
}
