import XCTest
import TestSupport
import TensorCore
import Autodiff
import NN
import Datasets
@testable import MoRE

/// Our BERT forward pass with the all-MiniLM-L6-v2 weights against the PyTorch/transformers
/// goldens in ../shared/reference/minilm.json (sentence embeddings and hidden-state slices).
final class TextEncoderGoldenTests: XCTestCase {
    func loadEncoder() throws -> (TextEncoder, TextTokenizer, [String: Any]) {
        let folder = try Fixtures.miniLM()
        let golden = try Fixtures.json(Fixtures.shared("reference/minilm.json")) as! [String: Any]
        let enc = TextEncoder(config: .miniLM, pooling: .maskedMean, seed: 0, name: "")
        enc.assignPaths()
        try enc.loadPretrained(folder: folder)
        enc.eval()
        return (enc, try loadTokenizer(folder: folder), golden)
    }

    func embed(_ enc: TextEncoder, _ e: Encoding) -> (pooled: [Float], hidden: Tensor) {
        let t = TokenBatch(ids: e.ids.map(Int.init), typeIds: e.typeIds.map(Int.init), mask: e.attentionMask.map(Int.init),
                           batch: 1, length: e.count)
        return noGrad {
            let h = enc.hiddenStates(t).value
            let pooled = enc(t).value.scalars
            let norm = pooled.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return (pooled.map { $0 / norm }, h)
        }
    }

    func testSentenceEmbeddingsMatchTransformers() throws {
        let (enc, tok, golden) = try loadEncoder()
        for s in golden["sentences"] as! [[String: Any]] {
            let text = s["text"] as! String
            let e = try tok.encode(text)
            XCTAssertEqual(e.ids.map(Int.init), s["ids"] as! [Int], text)
            let (z, h) = embed(enc, e)
            let expected = (s["embedding"] as! [Double]).map(Float.init)
            XCTAssertGreaterThanOrEqual(cosine(z, expected), 0.9999, text)
            XCTAssertLessThanOrEqual(maxAbsDiff(z, expected), 1e-4, text)
            if let first8 = s["last_hidden_state_token0_first8"] as? [Double] {
                assertClose(Array(h.scalars.prefix(8)), first8.map(Float.init), abs: 1e-4, rel: 0, "hidden token 0")
            }
        }
    }

    func testSentencePairUsesTokenTypes() throws {
        let (enc, tok, golden) = try loadEncoder()
        let pair = golden["pair"] as! [String: Any]
        let e = try tok.encode(pair["text_a"] as! String, pair["text_b"] as? String)
        XCTAssertEqual(e.ids.map(Int.init), pair["ids"] as! [Int])
        XCTAssertEqual(e.typeIds.map(Int.init), pair["type_ids"] as! [Int])
        let (z, _) = embed(enc, e)
        let expected = (pair["embedding"] as! [Double]).map(Float.init)
        XCTAssertGreaterThanOrEqual(cosine(z, expected), 0.9999)
        XCTAssertLessThanOrEqual(maxAbsDiff(z, expected), 1e-4)
    }

    func testPaddingDoesNotChangeMaskedMean() throws {
        let (enc, tok, _) = try loadEncoder()
        let plain = try tok.encode("Small left pleural effusion.")
        let padded = try tok.encode("Small left pleural effusion.", maxLength: 32, padToMaxLength: true)
        let (a, _) = embed(enc, plain)
        let (b, _) = embed(enc, padded)
        XCTAssertLessThanOrEqual(maxAbsDiff(a, b), 1e-5)
        // The authors' unmasked mean over the padded length differs.
        enc.pooling = .paddedMean
        let (c, _) = embed(enc, padded)
        XCTAssertGreaterThan(maxAbsDiff(a, c), 1e-3)
    }

    /// The packed path (real tokens only) against the padded one, on a padded batch of three
    /// reports of different lengths: the same pooled embeddings, and with LoRA in training mode
    /// (dropouts 0) the same loss gradients for every trainable parameter.
    func testPackedTokensEqualThePaddedPath() throws {
        let (_, tok, _) = try loadEncoder()
        var c = TextEncoderConfig.miniLM
        c.hiddenDropout = 0; c.attentionDropout = 0      // no random masks: both paths compute the same function
        let enc = TextEncoder(config: c, pooling: .maskedMean, seed: 0, name: "")
        enc.assignPaths()
        try enc.loadPretrained(folder: try Fixtures.miniLM())
        enc.eval()
        let e = try tok.encodeBatch(["Small left pleural effusion.", "Heart size is normal. No focal consolidation.", "Edema."],
                                    ["Sinus rhythm.", "Vent. rate 76 BPM. Left bundle branch block. Abnormal ECG.", "Normal ECG."],
                                    maxLength: 40, padToMaxLength: true)
        let t = TokenBatch(ids: e.ids.map(Int.init), typeIds: e.typeIds.map(Int.init), mask: e.attentionMask.map(Int.init),
                           batch: 3, length: e.length)
        XCTAssertEqual(TextEncoder.prefixLengths(t)?.count, 3)
        func pooled(_ pack: Bool) -> [Float] { enc.packTokens = pack; return noGrad { enc(t).value.scalars } }
        XCTAssertLessThanOrEqual(maxAbsDiff(pooled(true), pooled(false)), 1e-5, "eval-mode pooled embeddings")

        enc.applyLoRA(rank: 4, alpha: 8, dropout: 0, seed: 3)
        enc.assignPaths()
        for (name, p) in enc.namedParameters() where name.contains("lora_B") {
            for i in 0..<p.value.count { p.value.pointer[i] = 0.01 * Float(i % 7) - 0.03 }   // B = 0 would hide A's gradient
        }
        enc.train()
        func grads(_ pack: Bool) -> [String: [Float]] {
            enc.packTokens = pack
            enc.zeroGrad()
            let y = enc(t)
            sum(y * y).backward()
            return Dictionary(uniqueKeysWithValues: enc.namedParameters().compactMap { n, p in p.grad.map { (n, $0.scalars) } })
        }
        let a = grads(true), b = grads(false)
        XCTAssertEqual(Set(a.keys), Set(b.keys))
        XCTAssertFalse(a.isEmpty)
        // The oracle's rule: within max(1e-5, 1e-4·max|g|) (the key biases' gradient is zero up
        // to rounding: a constant added to every logit of a row does not change the softmax).
        for (name, ga) in a {
            XCTAssertLessThanOrEqual(maxAbsDiff(ga, b[name]!), max(1e-5, 1e-4 * (ga.map(abs).max() ?? 0)), name)
        }
    }
}
