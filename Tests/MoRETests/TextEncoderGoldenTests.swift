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
}
