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
        EvaluationProgress.report = { reports.append("\($0) \($1)/\($2)") }
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
}
