import XCTest
import Foundation
import TensorCore
import MoRE
import Eval
import TestSupport
@testable import more

/// `more embed --prompts` (Reproduce/Embed.swift): the zero-shot prompts' embeddings, exactly the
/// ones the zero-shot tables score, with a manifest that names every prompt and its class.
final class EmbedTests: XCTestCase {
    func testPromptEmbeddingsAreTheZeroShotTablesOwn() throws {
        let s = try TableFixture.setup()
        let out = s.root.appendingPathComponent("prompts-\(UUID().uuidString).f32")
        try Embed.parse(["--checkpoint", s.checkpoint.path, "--prompts", "chexpert4", "--out", out.path]).run()

        let task = try ZeroShotTask.cheXpert(classes: 4, seed: Prompts.publishedSeed)
        let manifest = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out.path + ".json"))) as? [String: Any])
        XCTAssertEqual(manifest["classes"] as? [String], Prompts.cheXpert4)
        XCTAssertEqual(manifest["prompts"] as? [String], task.prompts.flatMap { $0 })
        XCTAssertEqual(manifest["class_of_row"] as? [Int], [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3])
        XCTAssertEqual(manifest["shape"] as? [Int], [20, s.info.config.projectionDim])

        let (model, _) = try loadEvaluationModel(checkpoint: s.checkpoint)
        let expected = concatenate(try model.promptEmbeddings(task, tokenizer: try textTokenizer(model.config)), axis: 0).scalars
        let bytes = try Data(contentsOf: out)
        let values = bytes.withUnsafeBytes { raw in (0..<bytes.count / 4).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) } }
        XCTAssertEqual(values, expected)
    }

    /// An --out that is an input (the checkpoint, the data file) is refused before any work, and
    /// the input is left as it was; a missing --out folder is found before the embedding pass.
    func testAnOutputThatIsAnInputOrCannotBeWrittenIsRefusedFirst() throws {
        let s = try TableFixture.setup()
        let before = try Data(contentsOf: s.checkpoint)
        XCTAssertThrowsError(try Embed.parse(["--checkpoint", s.checkpoint.path, "--prompts", "ptbxl", "--out", s.checkpoint.path]).run()) { e in
            XCTAssertTrue("\(e)".contains("it is an input of this command"), "\(e)")
        }
        XCTAssertEqual(try Data(contentsOf: s.checkpoint), before)
        let data = s.data.appendingPathComponent("pretrain_test.h5")
        if FileManager.default.fileExists(atPath: data.path) {
            XCTAssertThrowsError(try Embed.parse(["--checkpoint", s.checkpoint.path, "--data", data.path, "--modality", "xray",
                                                  "--out", data.path]).run()) { e in
                XCTAssertTrue("\(e)".contains("it is an input of this command"), "\(e)")
            }
        }
        let missing = s.root.appendingPathComponent("no-such-folder/x.f32")
        XCTAssertThrowsError(try Embed.parse(["--checkpoint", "/nonexistent.safetensors", "--prompts", "ptbxl", "--out", missing.path]).run()) { e in
            XCTAssertTrue("\(e)".contains("does not exist") && "\(e)".contains("no-such-folder"), "the folder is checked before the checkpoint is read: \(e)")
        }
    }

    func testPromptsExcludeADataset() throws {
        XCTAssertThrowsError(try Embed.parse(["--checkpoint", "c", "--prompts", "chexpert4", "--data", "d.h5", "--out", "o"]).run()) { e in
            XCTAssertTrue("\(e)".contains("--prompts embeds prompts only"), "\(e)")
        }
        XCTAssertThrowsError(try Embed.parse(["--checkpoint", "c", "--prompts", "mimic", "--out", "o"]).run()) { e in
            XCTAssertTrue("\(e)".contains("chexpert4, chexpert5 or ptbxl"), "\(e)")
        }
        XCTAssertThrowsError(try Embed.parse(["--checkpoint", "c", "--out", "o"]).run()) { e in
            XCTAssertTrue("\(e)".contains("--data FILE and --modality"), "\(e)")
        }
        // The prompt options would be silently ignored with a dataset.
        for extra in [["--prompt-seed", "5"], ["--prompt-form", "report"]] {
            XCTAssertThrowsError(try Embed.parse(["--checkpoint", "c", "--data", "d.h5", "--modality", "xray", "--out", "o"] + extra).run()) { e in
                XCTAssertTrue("\(e)".contains("go with --prompts only"), "\(e)")
            }
        }
    }

    /// Counts below 1 are usage errors (exit 64) before any work, not errors of the evaluation.
    func testBatchSizeAndBootstrapMustBePositive() {
        XCTAssertThrowsError(try Embed.parse(["--checkpoint", "c", "--data", "d.h5", "--modality", "ecg", "--out", "o",
                                              "--batch-size", "0"])) { e in
            XCTAssertEqual(Embed.message(for: e), "--batch-size must be at least 1, got 0")
            XCTAssertEqual(Embed.exitCode(for: e).rawValue, 64)
        }
        for n in ["0", "9", "100001", "99999999999"] {
            XCTAssertThrowsError(try TableCommand.parse(["table-zeroshot-ecg", "--bootstrap", n]), n) { e in
                XCTAssertTrue(TableCommand.message(for: e).hasPrefix("--bootstrap must be between 10 and 100000 resamples, got \(n) "),
                              TableCommand.message(for: e))
            }
        }
        XCTAssertNoThrow(try TableCommand.parse(["table-zeroshot-ecg", "--bootstrap", "10"]))
    }
}
