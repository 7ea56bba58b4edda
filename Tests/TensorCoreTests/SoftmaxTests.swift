// SoftmaxTests — `expFloat` (the exponential of every softmax and of the GELU derivative)
// against the exact exponential, its edges, and a softmax row against a Double reference.

import XCTest
import Foundation
@testable import TensorCore

final class SoftmaxTests: XCTestCase {
    func testExpFloatIsWithinTwoUlpOnTheNormalRange() {
        var worst = 0.0
        var x: Float = -87.3
        while x < 88.7 {
            let exact = Foundation.exp(Double(x))
            let got = Double(expFloat(x))
            let ulp = Double(Float(exact).ulp)
            let e = abs(got - exact) / ulp
            worst = e.isNaN ? .nan : max(worst, e)   // a NaN stays (max alone would drop it)
            x += 0.0137
        }
        for x: Float in [0, -0.0, 1e-8, -1e-8, 0.5, -0.5, 1, -1, 88.72, -87.33] {
            let exact = Foundation.exp(Double(x))
            let e = abs(Double(expFloat(x)) - exact) / Double(Float(exact).ulp)
            worst = e.isNaN ? .nan : max(worst, e)
        }
        XCTAssertLessThanOrEqual(worst, 2, "largest error in ulp")
        XCTAssertEqual(expFloat(0), 1)
    }

    func testExpFloatEdges() {
        XCTAssertEqual(expFloat(-88), 0)
        XCTAssertEqual(expFloat(-1e12), 0)                       // DropKey's masked logit
        XCTAssertEqual(expFloat(-Float.greatestFiniteMagnitude), 0)   // BERT's padding mask
        XCTAssertEqual(expFloat(-.infinity), 0)
        XCTAssertEqual(expFloat(89), .infinity)
        XCTAssertEqual(expFloat(.infinity), .infinity)
        XCTAssertTrue(expFloat(.nan).isNaN)
    }

    func testSoftmaxRowAgainstDouble() {
        let values: [Float] = [0.3, -2, 5, 1e-3, -Float.greatestFiniteMagnitude, 4.5, -30]
        let y = softmaxLastAxis(Tensor(shape: [1, values.count], values: values)).scalars
        let m = Double(values.max()!)
        let e = values.map { Foundation.exp(Double($0) - m) }
        let s = e.reduce(0, +)
        for j in values.indices { XCTAssertEqual(Double(y[j]), e[j] / s, accuracy: 1e-7) }
        XCTAssertEqual(y[4], 0)
    }
}
