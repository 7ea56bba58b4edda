// EvaluationProgressTests — Sources/Eval/EvaluationProgress.swift: every embedding of a dataset
// file reports (label, rows done, rows total) to the process-wide hook after each batch, besides
// its own progress callback, and the hook never changes a number.

import XCTest
import TestSupport
import TensorCore
@testable import MoRE
@testable import Eval

final class EvaluationProgressTests: XCTestCase {
    override func tearDown() { EvaluationProgress.report = nil }

    func testEveryEmbeddingPassReportsItsRowsAndLabel() throws {
        let m = MicroModel.model(), s = MicroModel.split(5, seed: 3), tok = try MicroModel.tokenizer()
        let silent = try m.embed(s, modality: .ecg, file: "/data/ptbxl_test.h5", tokenizer: tok, options: EmbeddingOptions(batchSize: 2))
        var reports: [String] = [], own: [Int] = []
        EvaluationProgress.report = { kind, label, done, total in if kind == .embedding { reports.append("\(label) \(done)/\(total)") } }
        let observed = try m.embed(s, modality: .ecg, file: "/data/ptbxl_test.h5", tokenizer: tok,
                                   options: EmbeddingOptions(batchSize: 2, progress: { done, _ in own.append(done) }))
        XCTAssertEqual(reports, ["ptbxl_test.h5 ECGs 2/5", "ptbxl_test.h5 ECGs 4/5", "ptbxl_test.h5 ECGs 5/5"])
        XCTAssertEqual(own, [2, 4, 5], "the pass's own callback still runs")
        XCTAssertEqual(observed.scalars, silent.scalars)

        reports = []
        _ = try m.embed(s, modality: .text, file: "pretrain_test.h5", tokenizer: tok, options: EmbeddingOptions(stage: .features, batchSize: 8))
        _ = try m.embed(s, modality: .xray, file: "pretrain_test.h5", tokenizer: tok, options: EmbeddingOptions(batchSize: 8))
        XCTAssertEqual(reports, ["pretrain_test.h5 reports (features) 5/5", "pretrain_test.h5 X-rays 5/5"])
    }

    /// A linear probe reports its fits (every fraction × every C) as one pass, from 0 to the
    /// total, and the reports change no number.
    func testAProbeReportsEachFitOfItsGrid() throws {
        let m = MicroModel.model()
        let tr = EvalSplit(MicroModel.split(24, seed: 1), file: "/d/train.h5")
        let va = EvalSplit(MicroModel.split(12, seed: 2), file: "val.h5"), te = EvalSplit(MicroModel.split(12, seed: 3), file: "test.h5")
        let o = LinearProbeOptions(modality: .xray, labelSet: "findings", fractions: [0.1, 1.0], cGrid: [0.1, 1, 10])
        let silent = try m.linearProbe(o, train: tr, validation: va, test: te)
        var reports: [String] = []
        EvaluationProgress.report = { kind, label, done, total in if kind == .fitting { reports.append("\(label) \(done)/\(total)") } }
        let observed = try m.linearProbe(o, train: tr, validation: va, test: te)
        XCTAssertEqual(reports, (0...6).map { "train.h5 findings probe \($0)/6" })
        XCTAssertEqual(observed.map(\.testScores), silent.map(\.testScores))
        reports = []
        _ = try linearProbe(train: try ProbeData(allRows: try rawInputFeatures(tr, modality: .ecg), targets: probeTargets(tr, o)),
                            validation: try ProbeData(allRows: try rawInputFeatures(va, modality: .ecg), targets: probeTargets(va, o)),
                            test: try ProbeData(allRows: try rawInputFeatures(te, modality: .ecg), targets: probeTargets(te, o)),
                            fraction: 1, seed: 1, cGrid: [1])
        XCTAssertEqual(reports, [], "a fit outside a counted probe reports nothing")
    }
}
