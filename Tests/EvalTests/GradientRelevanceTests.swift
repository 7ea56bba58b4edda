// GradientRelevanceTests — Chefer et al.'s layer map on hand values and on one attention layer
// whose ∂s/∂A is computed by hand; the model-level explainer on a miniature MoRE (chunking
// does not change the result, the explained score is the cosine, the model state is restored).

import Foundation
import XCTest
import TestSupport
import TensorCore
import Autodiff
import Datasets
@testable import MoRE
@testable import Eval

final class GradientRelevanceTests: XCTestCase {
    func testLayerMapClampsAndAveragesHeads() {
        // 1 input, 2 heads, 2 tokens.
        let a = Tensor(shape: [1, 2, 2, 2], values: [0.5, 0.5, 0.2, 0.8, 1, 0, 0.25, 0.75])
        let g = Tensor(shape: [1, 2, 2, 2], values: [2, -1, 1, 1, 3, 5, -4, 4])
        // head 0: max(0, [1, -0.5, 0.2, 0.8]) ; head 1: max(0, [3, 0, -1, 3]) ; mean.
        assertClose(gradientWeightedAttention(attention: a, gradient: g),
                    Tensor(shape: [1, 2, 2], values: [2, 0, 0.1, 1.9]))
    }

    func testOneLayerMatchesHandComputation() {
        // One attention layer, 2 heads, T = 3 tokens, width 2; s = Σ w ⊙ (A v), so ∂s/∂A = w vᵀ.
        var rng = RNG(seed: 11, stream: 0)
        func rand(_ shape: [Int]) -> Tensor { Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in rng.uniform(-1, 1) }) }
        let q = rand([1, 2, 3, 2]), k = rand([1, 2, 3, 2]), v = rand([1, 2, 3, 2]), w = rand([1, 2, 3, 2])
        let tap = AttentionTap()
        let qv = Variable(q, requiresGrad: true), kv = Variable(k, requiresGrad: true), vv = Variable(v, requiresGrad: true)
        sum(scaledDotProductAttention(qv, kv, vv, tap: tap) * Variable(w)).backward()
        let rel = tokenRelevance(method: .chefer, attention: [tap.probabilities!], gradient: [tap.gradient!]).scalars

        // By hand: A = softmax(q kᵀ/√2), G = w vᵀ, cam = mean_h max(0, G ⊙ A), relevance = cam[0, 1...].
        var expected: [Float] = [0, 0]
        for h in 0..<2 {
            func at(_ t: Tensor, _ i: Int, _ d: Int) -> Float { t.scalars[(h * 3 + i) * 2 + d] }
            var logits = (0..<3).map { j in (at(q, 0, 0) * at(k, j, 0) + at(q, 0, 1) * at(k, j, 1)) / Float(2).squareRoot() }
            let m = logits.max()!
            logits = logits.map { Foundation.exp($0 - m) }
            let z = logits.reduce(0, +)
            for j in 1..<3 {
                let aj = logits[j] / z
                let gj = at(w, 0, 0) * at(v, j, 0) + at(w, 0, 1) * at(v, j, 1)
                expected[j - 1] += max(0, gj * aj) / 2
            }
        }
        assertClose(rel, expected, abs: 1e-6)
        XCTAssertTrue(expected.contains { $0 > 0 }, "the hand example should have a positive relevance")
    }

    func testExplainerIsChunkInvariantAndExplainsTheCosine() throws {
        let c = ExplainMicroModel.config(depth: 2)
        let model = MoREModel(config: c, seed: 5)
        let data = ExplainMicroModel.split(5, seed: 1, config: c)
        let tok = try ExplainMicroModel.tokenizer()
        let p = try promptEmbedding(model, tokenizer: tok, prompt: "cardiomegaly")
        XCTAssertEqual(p.count, c.projectionDim)
        let whole = explainTower(model, tower: .xray, inputs: data.xray!, target: .promptCosine(p), chunk: 5)
        let pieces = explainTower(model, tower: .xray, inputs: data.xray!, target: .promptCosine(p), chunk: 2)
        XCTAssertEqual(whole.chefer.shape, [5, 4])
        assertClose(pieces.chefer, whole.chefer, abs: 1e-6, rel: 1e-4)
        assertClose(pieces.rollout, whole.rollout, abs: 1e-6, rel: 1e-4)
        XCTAssertTrue(whole.chefer.scalars.allSatisfy { $0 >= 0 } && whole.chefer.scalars.contains { $0 > 0 })

        // The explained score is cos(z_x, p).
        model.eval()
        let z = l2NormalizedRows(noGrad { model.embedXray(data.xray!) }.value).scalars
        for i in 0..<5 {
            let cosine = (0..<p.count).reduce(Float(0)) { $0 + z[i * p.count + $1] * p[$1] }
            XCTAssertEqual(whole.score[i], cosine, accuracy: 1e-4)
        }
        // State restored: no capture, no gradients left on parameters.
        XCTAssertTrue(model.xrayModel.blocks.items.allSatisfy { !$0.attn.captureAttention })
        XCTAssertTrue(model.namedParameters().allSatisfy { $0.1.grad == nil })
    }

    func testOneBlockECGTowerRelevanceIsTheCLSRowOfTheLayerMap() {
        // Depth 1: R = I + cam, so the relevance is cam[0, 1...] read from the block's tap.
        let c = ExplainMicroModel.config(depth: 1)
        let model = MoREModel(config: c, seed: 9)
        let data = ExplainMicroModel.split(2, seed: 2, config: c)
        let w = (0..<c.ecg.dim).map { Float($0 % 3) - 1 }
        let e = explainTower(model, tower: .ecg, inputs: data.ecg!, target: .featureLogit(weights: w, bias: 0.5))
        XCTAssertEqual(e.chefer.shape, [2, 36])

        model.eval()
        let attn = model.ecgModel.blocks.items[0].attn
        attn.captureAttention = true
        defer { attn.captureAttention = false }
        let h = model.ecgFeatures(data.ecg!)
        let hv = h.value.scalars
        for i in 0..<2 {
            let logit = (0..<w.count).reduce(Float(0.5)) { $0 + w[$1] * hv[i * w.count + $1] }
            XCTAssertEqual(e.score[i], logit, accuracy: 1e-4)
        }
        sum(matmul(h, Variable(Tensor(shape: [1, w.count], values: w)), transposeB: true)).backward()
        let cam = gradientWeightedAttention(attention: attn.tap!.probabilities!, gradient: attn.tap!.gradient!)
        let t = 37
        let expected = (0..<2).flatMap { b in (1..<t).map { j in cam.scalars[b * t * t + j] } }
        assertClose(e.chefer.scalars, expected, abs: 1e-6, rel: 1e-4)
    }
}
