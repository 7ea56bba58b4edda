// EmbeddingsTests — embedding extraction of a split: shapes per stage, eval mode (batch-size
// invariance, mode restored), determinism, prompt encoding, errors naming file and field.

import XCTest
import TestSupport
import TensorCore
import Autodiff
import Datasets
@testable import MoRE
@testable import Eval

final class EmbeddingsTests: XCTestCase {
    func testShapesPerModalityAndStage() throws {
        let m = MicroModel.model(), s = MicroModel.split(6, seed: 1), tok = try MicroModel.tokenizer()
        for modality in EmbeddingModality.allCases {
            let z = try m.embed(s, modality: modality, file: "micro.h5", tokenizer: tok)
            XCTAssertEqual(z.shape, [6, 128], "\(modality)")
            let f = try m.embed(s, modality: modality, file: "micro.h5", tokenizer: tok, options: EmbeddingOptions(stage: .features))
            XCTAssertEqual(f.shape, [6, 16], "\(modality)")
            XCTAssertTrue(f.scalars.allSatisfy { $0.isFinite })
        }
    }

    func testBatchSizeInvariantInEvalModeAndModeRestored() throws {
        let m = MicroModel.model(), s = MicroModel.split(7, seed: 2), tok = try MicroModel.tokenizer()
        m.train()
        for modality in EmbeddingModality.allCases {
            var calls: [(Int, Int)] = []
            let a = try m.embed(s, modality: modality, file: "f", tokenizer: tok,
                                options: EmbeddingOptions(batchSize: 2, progress: { calls.append(($0, $1)) }))
            let b = try m.embed(s, modality: modality, file: "f", tokenizer: tok, options: EmbeddingOptions(batchSize: 5))
            assertClose(a, b, abs: 1e-5, rel: 1e-5)
            XCTAssertEqual(calls.map(\.0), [2, 4, 6, 7])
            XCTAssertTrue(calls.allSatisfy { $0.1 == 7 })
            // Same call twice: bitwise identical (no dropout, no DropKey, running BN statistics).
            let c = try m.embed(s, modality: modality, file: "f", tokenizer: tok, options: EmbeddingOptions(batchSize: 2))
            XCTAssertEqual(a.scalars, c.scalars, "\(modality)")
        }
        XCTAssertTrue(m.isTraining, "extraction must restore training mode")
    }

    func testRowsDoNotDependOnTheirBatch() throws {
        // In training mode BatchNorm uses batch statistics, so a row's embedding depends on its
        // batch; extraction must not. Row 0 alone equals row 0 in a batch of 6.
        let m = MicroModel.model(), s = MicroModel.split(6, seed: 3)
        let all = try m.embedXrays(s.xray!)
        let one = try m.embedXrays(selectRows(s.xray!, [0]))
        assertClose(Array(all.scalars[0..<128]), one.scalars, abs: 1e-5, rel: 1e-5)
        // The raw training-mode forward does depend on the batch (what extraction avoids).
        m.train()
        let t6 = noGrad { m.embedXray(s.xray!).value }, t3 = noGrad { m.embedXray(selectRows(s.xray!, [0, 1, 2])).value }
        XCTAssertGreaterThan(maxAbsDiff(Array(t6.scalars[0..<128]), Array(t3.scalars[0..<128])), 1e-3)
    }

    func testPromptsAreEncodedAloneAndTruncated() throws {
        let m = MicroModel.model(), tok = try MicroModel.tokenizer()
        let z = try m.embedStrings(["cardiomegaly is severe", "normal"], tokenizer: tok, maxLength: 512)
        XCTAssertEqual(z.shape, [2, 128])
        // maxLength above the config's is clamped, so 512 and 40 (the config's) agree.
        let z40 = try m.embedStrings(["cardiomegaly is severe", "normal"], tokenizer: tok, maxLength: 40)
        XCTAssertEqual(z.scalars, z40.scalars)
        let n = l2NormalizedRows(z)
        let norm = (0..<128).reduce(Float(0)) { $0 + n.scalars[$1] * n.scalars[$1] }
        XCTAssertEqual(norm, 1, accuracy: 1e-5)
    }

    func testMissingModalityNamesFileAndField() throws {
        let m = MicroModel.model()
        var s = MicroModel.split(4, seed: 4)
        s.ecg = nil
        XCTAssertThrowsError(try m.embed(s, modality: .ecg, file: "/data/test.h5")) { e in
            XCTAssertEqual(e as? EvalError, .missingModality(file: "/data/test.h5", modality: "ecg", protocolName: "embedding"))
            XCTAssertTrue("\(e)".contains("/data/test.h5") && "\(e)".contains("ecg"))
        }
        s = MicroModel.split(4, seed: 4)
        s.xray = Tensor(zeros: [4, 8, 8])
        XCTAssertThrowsError(try m.embed(s, modality: .xray, file: "/data/x.h5")) { e in
            XCTAssertTrue("\(e)".contains("/data/x.h5") && "\(e)".contains("xray") && "\(e)".contains("[N, 16, 16]"), "\(e)")
        }
    }

    /// `project(features)` is the projected embedding bit for bit, for every modality, whatever
    /// the batch sizes (table-ablation extracts ECG features once and projects them).
    func testProjectionOfFeaturesIsTheProjectedEmbedding() throws {
        let m = MicroModel.model(), s = MicroModel.split(7, seed: 6), tok = try MicroModel.tokenizer()
        for modality in EmbeddingModality.allCases {
            let f = try m.embed(s, modality: modality, file: "f.h5", tokenizer: tok, options: EmbeddingOptions(stage: .features, batchSize: 3))
            let z = try m.embed(s, modality: modality, file: "f.h5", tokenizer: tok, options: EmbeddingOptions(stage: .projected, batchSize: 4))
            XCTAssertTrue(try m.project(f, modality: modality, batchSize: 5).bitwiseEqual(z), modality.rawValue)
        }
        XCTAssertThrowsError(try m.project(Tensor(zeros: [2, 3]), modality: .ecg))
    }

    /// A NaN born inside the model (here a weight set to NaN behind the loader's back) is an
    /// error naming the file and the first row, not an embedding that some protocol scores.
    func testNonFiniteEmbeddingNamesFileAndRow() throws {
        let m = MicroModel.model(), s = MicroModel.split(4, seed: 5)
        XCTAssertNoThrow(try m.embed(s, modality: .ecg, file: "/data/e.h5"))
        let (name, w) = try XCTUnwrap(m.stateDict().first { $0.0.hasPrefix("ecg_model.") && $0.1.count > 1 })
        w.pointer[0] = .nan
        XCTAssertThrowsError(try m.embed(s, modality: .ecg, file: "/data/e.h5"), name) { e in
            XCTAssertEqual(e as? EvalError, .nonFiniteEmbedding(file: "/data/e.h5", modality: "ecg", row: 0))
        }
        XCTAssertNoThrow(try m.embed(s, modality: .xray, file: "/data/e.h5"), "the X-ray tower is untouched")
    }

    /// The same for `project`: a NaN in the head (behind the loader's back) is an error naming the
    /// features' file and the first row, not a projected embedding that table-ablation scores.
    func testNonFiniteProjectionNamesFileAndRow() throws {
        let m = MicroModel.model(), s = MicroModel.split(4, seed: 5)
        let f = try m.embed(s, modality: .ecg, file: "/data/e.h5", options: EmbeddingOptions(stage: .features))
        XCTAssertNoThrow(try m.project(f, modality: .ecg, file: "/data/e.h5"))
        let (name, w) = try XCTUnwrap(m.stateDict().first { $0.0.hasPrefix("projector_ecg") && $0.0.hasSuffix("weight") && $0.1.count > 1 })
        w.pointer[0] = .nan
        XCTAssertThrowsError(try m.project(f, modality: .ecg, file: "/data/e.h5"), name) { e in
            XCTAssertEqual(e as? EvalError, .nonFiniteEmbedding(file: "/data/e.h5", modality: "ecg", row: 0))
        }
        XCTAssertNoThrow(try m.project(try m.embed(s, modality: .xray, file: "/data/e.h5", options: EmbeddingOptions(stage: .features)),
                                       modality: .xray), "the X-ray head is untouched")
    }

    /// A loaded model is the saved one, bit for bit, in every parameter and buffer: nothing
    /// keeps the zeros it is built with (`MoREModel.load` does not draw weights the file replaces).
    func testLoadedModelIsTheSavedOneBitwise() throws {
        let dir = try Fixtures.tempDirectory("evalproto-load")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("micro.safetensors")
        let m = MicroModel.model()
        try saveCheckpoint(m, info: CheckpointInfo(config: m.config, seed: 7, step: 0, dataHash: "x", commit: "test", trainerState: "{}"),
                           to: url)
        let (loaded, _) = try loadEvaluationModel(checkpoint: url)
        let a = m.stateDict(), b = loaded.stateDict()
        XCTAssertEqual(a.map(\.0), b.map(\.0))
        for (x, y) in zip(a, b) { XCTAssertTrue(x.1.bitwiseEqual(y.1), "\(x.0) differs after loading") }
    }

    func testCheckpointOfAnotherConfigIsRejected() throws {
        let dir = try Fixtures.tempDirectory("evalproto-ckpt")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("micro.safetensors")
        let m = MicroModel.model()
        try saveCheckpoint(m, info: CheckpointInfo(config: m.config, seed: 7, step: 0, dataHash: "x", commit: "test", trainerState: "{}"),
                           to: url)
        let (loaded, _) = try loadEvaluationModel(checkpoint: url, expect: MicroModel.config)
        XCTAssertFalse(loaded.isTraining)
        XCTAssertThrowsError(try loadEvaluationModel(checkpoint: url, expect: .tiny)) { e in
            XCTAssertEqual(e as? EvalError, .configMismatch(checkpoint: url.path, expected: "tiny", found: "micro-eval"))
        }
    }
}
