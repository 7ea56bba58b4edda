// ScaledDotProductAttentionTests — the fused op against the composed ops (values and
// gradients), and the tap: A and ∂L/∂A against an independent computation.

import XCTest
import TensorCore
import TestSupport
@testable import Autodiff

final class ScaledDotProductAttentionTests: XCTestCase {
    let shape = [2, 3, 5, 4]

    func inputs() -> [Variable] { (0..<3).map { randomVariable(shape, seed: UInt64(40 + $0)) } }

    func testFusedMatchesComposedValuesAndGradients() {
        let mask = dropKeyMask(shape: [2, 3, 5, 5], p: 0.3, seed: 1, stream: 2)
        let w = randomVariable(shape, seed: 9, requiresGrad: false).value
        let fused = inputs(), composed = inputs()
        let of = scaledDotProductAttention(fused[0], fused[1], fused[2], mask: mask)
        let oc = attentionComposed(composed[0], composed[1], composed[2], mask: mask).output
        assertClose(of.value, oc.value, abs: 1e-6, rel: 1e-5)
        of.backward(w); oc.backward(w)
        for i in 0..<3 {
            assertClose(fused[i].grad!, composed[i].grad!, abs: 1e-5, rel: 1e-4, "input \(i)")
        }
        XCTAssertEqual(opsOnTape(of), [.scaledDotProductAttention])
    }

    func testTapGivesProbabilitiesAndTheirGradient() {
        let v = inputs()
        let tap = AttentionTap()
        let o = scaledDotProductAttention(v[0], v[1], v[2], tap: tap)
        let w = randomVariable(o.shape, seed: 10, requiresGrad: false).value
        o.backward(w)
        let composed = attentionComposed(v[0].detached(), v[1].detached(), v[2].detached())
        assertClose(tap.probabilities!, composed.probabilities.value, abs: 1e-6, rel: 1e-5)
        // ∂L/∂A from a graph in which A is a leaf: L = ⟨w, A v⟩.
        let aLeaf = Variable(composed.probabilities.value, requiresGrad: true)
        matmul(aLeaf, v[2].detached()).backward(w)
        assertClose(tap.gradient!, aLeaf.grad!, abs: 1e-6, rel: 1e-5)
    }

    func testRowsOfTheProbabilitiesSumToOne() {
        let v = inputs()
        let tap = AttentionTap()
        _ = noGrad { scaledDotProductAttention(v[0], v[1], v[2], tap: tap) }
        let a = tap.probabilities!
        XCTAssertEqual(a.shape, [2, 3, 5, 5])
        for r in 0..<(a.count / 5) {
            XCTAssertEqual((0..<5).map { Double(a.pointer[r * 5 + $0]) }.reduce(0, +), 1, accuracy: 1e-6)
        }
        XCTAssertNil(tap.gradient)
    }

    func testFusedDropoutMatchesComposedDropout() {
        // A padding mask [B, 1, 1, Tk] and attention-probability dropout, as in BERT training.
        let pad = Tensor(shape: [2, 1, 1, 5], values: [0, 0, 0, -1e30, -1e30, 0, 0, 0, 0, 0])
        let drop = AttentionDropout(p: 0.3, seed: 7, stream: 11)
        let w = randomVariable(shape, seed: 9, requiresGrad: false).value
        let fused = inputs(), composed = inputs()
        let s = 1 / Float(shape[3]).squareRoot()
        let of = scaledDotProductAttention(fused[0], fused[1], fused[2], mask: pad, scale: s, dropout: drop)
        let a = softmax(attentionMask(s * matmul(composed[0], composed[1], transposeB: true), pad))
        let oc = matmul(dropout(a, p: drop.p, seed: drop.seed, stream: drop.stream), composed[2])
        XCTAssertTrue(of.value.bitwiseEqual(oc.value), "the forward is the composed computation, op for op")
        of.backward(w); oc.backward(w)
        for i in 0..<3 {
            assertClose(fused[i].grad!, composed[i].grad!, abs: 1e-5, rel: 1e-4, "input \(i)")
        }
        // Some probabilities are dropped, so the test sees the mask.
        XCTAssertFalse(of.value.bitwiseEqual(scaledDotProductAttention(fused[0], fused[1], fused[2], mask: pad, scale: s).value))
    }
}
