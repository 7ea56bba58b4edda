// EmbeddingTests — lookup layout and the scatter-add of repeated ids; gradients in GradCheckTests.

import XCTest
import TensorCore
import TestSupport
@testable import Autodiff

final class EmbeddingTests: XCTestCase {
    func testLookupAndGradientOfRepeatedIds() {
        let table = Variable(Tensor(shape: [4, 2], values: [0, 1, 10, 11, 20, 21, 30, 31]), requiresGrad: true)
        let y = embedding(table, ids: [3, 1, 3, 0, 3, 2], shape: [2, 3])
        XCTAssertEqual(y.shape, [2, 3, 2])
        XCTAssertEqual(y.value.scalars, [30, 31, 10, 11, 30, 31, 0, 1, 30, 31, 20, 21])
        y.backward(Tensor(shape: [2, 3, 2], values: (1...12).map(Float.init)))
        // Row 3 collects positions 0, 2, 4: (1,2) + (5,6) + (9,10).
        XCTAssertEqual(table.grad!.scalars, [7, 8, 3, 4, 11, 12, 15, 18])
    }
}
