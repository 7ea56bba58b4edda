// LayoutOpsTests — the differentiable concat, slice and permute: values and the routing of
// gradients (the kernels are tested in TensorCoreTests/LayoutTests; gradients also in
// GradCheckTests).

import XCTest
import TensorCore
import TestSupport
@testable import Autodiff

final class LayoutOpsTests: XCTestCase {
    func testConcatRoutesGradientsToEachPart() {
        let a = randomVariable([2, 1, 3], seed: 1), b = randomVariable([2, 2, 3], seed: 2)
        let y = concat([a, b], axis: 1)
        XCTAssertTrue(y.value.sliced(axis: 1, 1..<3).bitwiseEqual(b.value))
        y.backward(Tensor(shape: [2, 3, 3], values: (0..<18).map(Float.init)))
        XCTAssertEqual(a.grad!.scalars, [0, 1, 2, 9, 10, 11])
        XCTAssertEqual(b.grad!.scalars, [3, 4, 5, 6, 7, 8, 12, 13, 14, 15, 16, 17])
    }

    func testSliceGradientIsZeroOutsideTheRange() {
        let x = randomVariable([2, 4], seed: 3)
        let y = slice(x, axis: -1, 1..<3)
        XCTAssertEqual(y.value.scalars, [x.value[0, 1], x.value[0, 2], x.value[1, 1], x.value[1, 2]])
        y.backward(Tensor(shape: [2, 2], values: [1, 2, 3, 4]))
        XCTAssertEqual(x.grad!.scalars, [0, 1, 2, 0, 0, 3, 4, 0])
    }

    func testPermuteAndTranspose() {
        let x = randomVariable([2, 3, 4], seed: 4)
        let y = permute(x, [1, 2, 0])
        XCTAssertEqual(y.shape, [3, 4, 2])
        XCTAssertEqual(y.value[2, 1, 0], x.value[0, 2, 1])
        y.backward(y.value)
        XCTAssertTrue(x.grad!.bitwiseEqual(x.value), "the gradient of a permute is permuted back")
        XCTAssertEqual(transpose(x).shape, [2, 4, 3])
        XCTAssertEqual(transpose(x, 0, 2).shape, [4, 3, 2])
    }
}
