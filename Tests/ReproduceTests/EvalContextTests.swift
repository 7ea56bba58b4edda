import XCTest
import Foundation
import MoRE
import TestSupport
@testable import more

/// The tables' row label names what the checkpoint was trained to align: a bi-modal ablation
/// run evaluated with `more table --checkpoint` must not be called tri-modal.
final class EvalContextTests: XCTestCase {
    func testLabelNamesTheModalitiesOfThePreTraining() {
        var c = TableFixture.config
        XCTAssertEqual(EvalContext.modelLabel(c), "MoRE (tri-modal, ours)")
        c.useECG = false
        XCTAssertEqual(EvalContext.modelLabel(c), "MoRE (X-ray–text only, ours)")
        c.useECG = true
        c.useXray = false
        XCTAssertEqual(EvalContext.modelLabel(c), "MoRE (ECG–text only, ours)")
    }

    /// End to end: a table made from an ECG–text only run labels its row so, in the CSV and in
    /// the zero-shot table's discussion line (which looks the row up by its label).
    func testTableOfAnECGTextOnlyRunSaysSo() throws {
        let s = try TableFixture.setup()
        let checkpoint = try TableFixture.ecgTextOnlyCheckpoint()
        let out = s.root.appendingPathComponent("label-\(UUID().uuidString)")
        try TableFixture.table(["table-zeroshot-cxr", "--out", out.path, "--data", s.data.path,
                                "--checkpoint", checkpoint.path, "--bootstrap", "10"])
        let files = try TableFixture.contents(out)
        let labels = TableFixture.csvRows(files["table-zeroshot-cxr-4class.csv"]).dropFirst().map { $0[0] }
        XCTAssertEqual(Set(labels), ["MoRE (ECG–text only, ours)", "random init", "paper (MoRE)"])
        let md = String(decoding: files["table-zeroshot-cxr.md"] ?? Data(), as: UTF8.self)
        XCTAssertTrue(md.contains("Macro AUROC (4 classes, authors' scoring): MoRE "), "the discussion line must find the row")
        XCTAssertFalse(md.contains("tri-modal"), md)
    }
}
