import XCTest
import TestSupport
import NN
@testable import MoRE

/// `more describe --config paper` must give the parameter figures of MoRE-reference §2.9.
final class DescribeTests: XCTestCase {
    func testPaperConfigParameterCounts() {
        let model = Init.$placeholdersOnly.withValue(true) { MoREModel(config: .paper, seed: 1) }
        let byName = Dictionary(uniqueKeysWithValues: model.componentSummary.map { ($0.name, $0) })
        XCTAssertEqual(byName["X-ray ViT"]?.total, 85_771_008)
        XCTAssertEqual(byName["ECG ViT"]?.total, 86_181_888)
        for head in ["projector_xray_text", "projector_ecg_text", "projector_text"] {
            XCTAssertEqual(byName[head]?.total, 689_920, head)
        }
        XCTAssertEqual(byName["text + LoRA"]?.total, 125_235_456)
        let total = byName["total"]!.total
        XCTAssertEqual(Double(total) / 1e6, 299.3, accuracy: 0.05)
        let text = byName["text + LoRA"]!
        XCTAssertEqual(text.trainable, 692_736, "LoRA 589,824 + biases 102,912")
        XCTAssertEqual(100 * text.fraction, 0.55, accuracy: 0.005)
    }

    /// The printed tree names its columns, and each row's numbers sit under them.
    func testTreeHasColumnHeaders() {
        let model = Init.$placeholdersOnly.withValue(true) { MoREModel(config: .tiny, seed: 1) }
        let lines = model.describe(depth: 1).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[0], "MoRE config 'tiny'")
        XCTAssertTrue(lines[1].hasPrefix("module ") && lines[1].hasSuffix("parameters    trainable  trainable %"), lines[1])
        let row = lines[3]
        XCTAssertTrue(row.hasPrefix("(model)"), row)
        let end = { (s: String, word: String) in s.distance(from: s.startIndex, to: s.range(of: word)!.upperBound) }
        XCTAssertEqual(end(lines[1], "parameters"), 58, "the parameters column ends at 44 + 14")
        XCTAssertEqual(row.count, lines[1].count - 2, "the percentage ends under 'trainable %'")
    }

    /// Building without drawing the weights (as `more describe` and `table-params` do) gives the
    /// same parameters — names, shapes, trainable flags — as building with them, all zero; and the
    /// mode ends with its scope.
    func testCountingOnlyBuildsTheSameParametersUndrawn() {
        let drawn = MoREModel(config: .tiny, seed: 1)
        let counted = Init.$placeholdersOnly.withValue(true) { MoREModel(config: .tiny, seed: 1) }
        XCTAssertEqual(counted.namedParameters().map(\.0), drawn.namedParameters().map(\.0))
        XCTAssertEqual(counted.namedParameters().map(\.1.value.shape), drawn.namedParameters().map(\.1.value.shape))
        XCTAssertEqual(counted.trainableParameters().map(\.0), drawn.trainableParameters().map(\.0))
        XCTAssertEqual(counted.componentSummary.map(\.total), drawn.componentSummary.map(\.total))
        let qkv = "xray_model.vit_model.blocks.0.attn.qkv.weight"
        XCTAssertTrue(counted.namedParameters().first { $0.0 == qkv }!.1.value.scalars.allSatisfy { $0 == 0 })
        XCTAssertTrue(drawn.namedParameters().first { $0.0 == qkv }!.1.value.scalars.contains { $0 != 0 })
        XCTAssertFalse(Init.placeholdersOnly)
        XCTAssertTrue(MoREModel(config: .tiny, seed: 1).namedParameters().first { $0.0 == qkv }!.1.value
                      .bitwiseEqual(drawn.namedParameters().first { $0.0 == qkv }!.1.value), "draws again after the scope")
    }

    func testTinyConfigKeepsEveryElement() {
        let model = MoREModel(config: .tiny, seed: 1)
        let names = Set(model.namedParameters().map(\.0))
        XCTAssertTrue(names.contains("xray_model.vit_model.blocks.3.attn.qkv.weight"))
        XCTAssertFalse(names.contains("xray_model.vit_model.blocks.3.attn.qkv.bias"), "qkv has no bias")
        XCTAssertTrue(names.contains("ecg_model.vit_model.patch_embed.conv1.weight"))
        XCTAssertTrue(names.contains("text_model.encoder.layer.5.attention.self.query.lora_A.weight"))
        XCTAssertTrue(names.contains("projector_text.4.weight"))
        // LoRA: base weights frozen, LoRA and biases trainable.
        let trainable = Set(model.trainableParameters().map(\.0))
        XCTAssertFalse(trainable.contains("text_model.encoder.layer.0.attention.self.query.base_layer.weight"))
        XCTAssertTrue(trainable.contains("text_model.encoder.layer.0.attention.self.query.lora_B.weight"))
        XCTAssertTrue(trainable.contains("text_model.encoder.layer.0.attention.self.key.bias"))
        XCTAssertFalse(trainable.contains("text_model.encoder.layer.0.attention.self.key.weight"))
        XCTAssertEqual(model.config.ecgTokens, 196)
    }
}
