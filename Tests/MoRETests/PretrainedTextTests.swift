import XCTest
import TestSupport
import TensorCore
import NN
@testable import MoRE

/// `MoREModel.withPretrainedText` skips drawing the text weights that the pretrained checkpoint
/// replaces; the model must be the one that drawing them first and then loading gives.
final class PretrainedTextTests: XCTestCase {
    func testWithPretrainedTextIsDrawThenLoadBitwise() throws {
        var c = MoREConfig.tiny
        c.textModel = try Fixtures.miniLM().path
        let drawn = MoREModel(config: c, seed: 3)
        try drawn.textModel.loadPretrained(folder: try Fixtures.miniLM())
        let fast = try MoREModel.withPretrainedText(config: c, seed: 3)
        let a = drawn.stateDict(), b = fast.stateDict()
        XCTAssertEqual(a.map(\.0), b.map(\.0))
        for (x, y) in zip(a, b) { XCTAssertTrue(x.1.bitwiseEqual(y.1), "\(x.0) differs") }
        XCTAssertEqual(fast.trainableParameters().map(\.0), drawn.trainableParameters().map(\.0))
        let loraA = try XCTUnwrap(b.first { $0.0.hasSuffix("query.lora_A.weight") }, "tiny tunes the text model with LoRA")
        XCTAssertTrue(loraA.1.scalars.contains { $0 != 0 }, "LoRA adapters are still drawn")
    }

    /// A missing text model is reported before any weight is drawn.
    func testMissingTextModelIsNamed() {
        var c = MoREConfig.tiny
        c.textModel = "/nonexistent/text-model"
        XCTAssertThrowsError(try MoREModel.withPretrainedText(config: c, seed: 3)) { e in
            XCTAssertTrue("\(e)".contains("/nonexistent/text-model"), "\(e)")
        }
    }

    /// A relative `textModel` is found from any current folder: in the checkout that holds the
    /// executable (an ancestor of `.build/release/`), or under MORE_ROOT; the error lists where
    /// it looked.
    func testRelativeTextModelIsFoundAboveTheExecutable() throws {
        let fm = FileManager.default
        let checkout = fm.temporaryDirectory.appendingPathComponent("textmodel-\(UUID().uuidString)")
        addTeardownBlock { try? fm.removeItem(at: checkout) }
        let model = checkout.appendingPathComponent(".cache/models/m"), exe = checkout.appendingPathComponent(".build/release")
        for d in [model, exe] { try fm.createDirectory(at: d, withIntermediateDirectories: true) }
        try Data().write(to: model.appendingPathComponent("model.safetensors"))
        let found = try resolveTextModelFolder(".cache/models/m", executableFolder: exe, root: nil)
        XCTAssertEqual(found.standardizedFileURL.path, model.standardizedFileURL.path)
        XCTAssertEqual(try resolveTextModelFolder(".cache/models/m", executableFolder: nil, root: checkout.path).standardizedFileURL.path,
                       model.standardizedFileURL.path)
        XCTAssertThrowsError(try resolveTextModelFolder(".cache/models/other", executableFolder: exe, root: "/r")) { e in
            let text = "\(e)"
            XCTAssertTrue(text.contains("/r/.cache/models/other") && text.contains(exe.path) && text.contains("MORE_ROOT"), text)
        }
    }
}
