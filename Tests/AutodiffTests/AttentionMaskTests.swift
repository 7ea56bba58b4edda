// AttentionMaskTests — y = x + M with broadcasting, and DropKey masks: values, rate, effect on
// the softmax; gradients in GradCheckTests.

import XCTest
import TensorCore
import TestSupport
@testable import Autodiff

final class AttentionMaskTests: XCTestCase {
    func testAddsTheBroadcastMask() {
        let x = randomVariable([2, 3], seed: 1)
        let m = Tensor(shape: [3], values: [0, -1, 5])
        let y = attentionMask(x, m).value
        for i in 0..<2 { for j in 0..<3 { XCTAssertEqual(y[i, j], x.value[i, j] + m[j]) } }
    }

    func testDropKeyMaskValuesAndRate() {
        let m = dropKeyMask(shape: [4, 3, 20, 20], p: 0.3, seed: 7, stream: RNG.stream("dropkey", 0)).scalars
        XCTAssertTrue(m.allSatisfy { $0 == 0 || $0 == dropKeyMaskedValue })
        let rate = Double(m.filter { $0 != 0 }.count) / Double(m.count)
        XCTAssertEqual(rate, 0.3, accuracy: 0.03)   // 4800 draws: σ ≈ 0.007
        XCTAssertTrue(dropKeyMask(shape: [2, 5], p: 0, seed: 1, stream: 1).scalars.allSatisfy { $0 == 0 })
    }

    func testDroppedKeysGetZeroWeight() {
        let logits = randomVariable([1, 1, 4, 6], seed: 2, -3, 3)
        let mask = dropKeyMask(shape: [1, 1, 4, 6], p: 0.5, seed: 3, stream: 1)
        let a = softmax(attentionMask(logits, mask)).value
        for i in 0..<24 where mask.pointer[i] != 0 { XCTAssertEqual(a.pointer[i], 0) }
        for r in 0..<4 where (0..<6).contains(where: { mask[0, 0, r, $0] == 0 }) {
            XCTAssertEqual((0..<6).map { a[0, 0, r, $0] }.reduce(0, +), 1, accuracy: 1e-6)
        }
    }
}
