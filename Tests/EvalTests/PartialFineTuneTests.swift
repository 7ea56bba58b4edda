// PartialFineTuneTests — the authors' partial fine-tune: only qkv of the last blocks, the
// projector and the new head change; an easy signal (bright vs dark X-rays) is learnt; the
// result is deterministic; a single-label set is rejected.

import XCTest
import TestSupport
import TensorCore
import Datasets
import MoRE
@testable import Eval

final class PartialFineTuneTests: XCTestCase {
    /// n X-rays, label 1 = bright (values in [0.5, 1]), label 0 = dark ([0, 0.5]).
    func brightness(_ n: Int, seed: UInt64) -> EvalSplit {
        var s = MicroModel.split(n, seed: seed)
        var rng = RNG(seed: seed, stream: 9)
        let h = MicroModel.config.xrayImageSize
        var x: [Float] = [], y: [Float] = []
        for i in 0..<n {
            let bright = i % 2 == 0
            x += (0..<(h * h)).map { _ in (bright ? 0.5 : 0) + 0.5 * rng.uniform() }
            y.append(bright ? 1 : 0)
        }
        s.xray = Tensor(shape: [n, h, h], values: x)
        s.labels["bright"] = Tensor(shape: [n, 1], values: y)
        s.labelNames["bright"] = ["Bright"]
        return EvalSplit(s, file: "bright-\(seed).h5")
    }

    /// The micro model with the authors' fixed X-ray normalisation: the test's signal is image
    /// brightness, which `tiny`'s per-image standardisation removes by design.
    func model() -> MoREModel {
        var c = MicroModel.config
        c.xrayNormalization = .dataset
        return MoREModel(config: c, seed: 7)
    }

    func options() -> PartialFineTuneOptions {
        var o = PartialFineTuneOptions(modality: .xray, labelSet: "bright")
        o.learningRate = 1e-2; o.minLearningRate = 1e-3; o.epochs = 6; o.batchSize = 16; o.patience = 6
        return o
    }

    func testOnlyTheIntendedParametersChangeAndTheSignalIsLearnt() throws {
        let m = model()
        let before = Dictionary(uniqueKeysWithValues: m.namedParameters().map { ($0.0, $0.1.value.scalars) })
        let r = try m.partialFineTune(options(), train: brightness(64, seed: 1), validation: brightness(24, seed: 2),
                                      test: brightness(32, seed: 3))
        var changed: Set<String> = []
        for (name, p) in m.namedParameters() where p.value.scalars != before[name]! { changed.insert(name) }
        let expected = Set(["xray_model.vit_model.blocks.0.attn.qkv.weight"] +
                           m.projectorXray.namedParameters(prefix: "projector_xray_text").map(\.0))
        XCTAssertTrue(changed.contains("xray_model.vit_model.blocks.0.attn.qkv.weight"))
        XCTAssertTrue(changed.isSubset(of: expected), "unexpected changes: \(changed.subtracting(expected).sorted())")
        XCTAssertGreaterThan(r.test.aurocMacro, 0.9)
        XCTAssertEqual(r.validationAUROC[r.bestEpoch], r.validationAUROC.max())
        XCTAssertGreaterThan(r.trainableParameters, 0)
    }

    func testDeterministicAndRejectsSingleLabelSets() throws {
        var o = options()
        o.epochs = 2
        let a = try model().partialFineTune(o, train: brightness(32, seed: 1), validation: brightness(16, seed: 2),
                                                       test: brightness(16, seed: 3))
        let b = try model().partialFineTune(o, train: brightness(32, seed: 1), validation: brightness(16, seed: 2),
                                                       test: brightness(16, seed: 3))
        XCTAssertEqual(a.testScores, b.testScores)
        XCTAssertEqual(a.validationLoss, b.validationLoss)
        o.labelSet = "grade"
        let s = brightness(16, seed: 4)
        XCTAssertThrowsError(try model().partialFineTune(o, train: s, validation: s, test: s)) {
            XCTAssertTrue("\($0)".contains("grade"), "\($0)")
        }
    }

    /// Each optimiser step is reported (steps done of the epochs' steps), from 0, and the reports
    /// change no number. 33 rows at batch 16: starts 0, 16, 32 → two batches (a last row alone is
    /// skipped: BatchNorm needs 2).
    func testEveryStepIsReported() throws {
        var o = options()
        o.epochs = 2
        let silent = try model().partialFineTune(o, train: brightness(33, seed: 1), validation: brightness(16, seed: 2),
                                                 test: brightness(16, seed: 3))
        var reports: [String] = []
        EvaluationProgress.report = { kind, label, done, total in if kind == .training { reports.append("\(label) \(done)/\(total)") } }
        defer { EvaluationProgress.report = nil }
        let observed = try model().partialFineTune(o, train: brightness(33, seed: 1), validation: brightness(16, seed: 2),
                                                   test: brightness(16, seed: 3))
        XCTAssertEqual(reports, (0...4).map { "bright-1.h5 partial fine-tune \($0)/4" })
        XCTAssertEqual(observed.testScores, silent.testScores)
    }
}
