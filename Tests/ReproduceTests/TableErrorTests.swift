import XCTest
import Foundation
import Datasets
import MoRE
import Eval
import TestSupport
@testable import more

/// Issue 5 "done when": evaluating with a checkpoint of another config, or on a dataset without
/// the needed labels or splits, is a clear error naming the file — raised before any ablation
/// run is trained. Also: the ablation budget's bounds and the reuse of the main run.
final class TableErrorTests: XCTestCase {
    func args(_ name: String, data: URL, checkpoint: URL, out: URL, extra: [String] = []) -> [String] {
        [name, "--out", out.path, "--data", data.path, "--checkpoint", checkpoint.path, "--bootstrap", "10",
         "--ablation-runs", out.appendingPathComponent("runs").path] + extra
    }

    /// A copy of the fixture's data folder (symbolic links) with `split` replaced or removed.
    func dataVariant(_ s: TableFixture.Setup, _ name: String, replacing split: String, with edit: ((inout DatasetSplit) -> Void)?) throws -> URL {
        try SmallCohort.variant(of: s.data, in: s.root, name, replacing: split, with: edit)
    }

    func testCheckpointOfAnotherConfigIsAClearError() throws {
        let s = try TableFixture.setup()
        let out = s.root.appendingPathComponent("err-\(UUID().uuidString)")
        XCTAssertThrowsError(try TableFixture.table(args("table-zeroshot-cxr", data: s.data, checkpoint: s.checkpoint, out: out,
                                                         extra: ["--config", "paper"]))) { e in
            guard case EvalError.configMismatch = e else { return XCTFail("expected configMismatch, got \(e)") }
            let m = "\(e)"
            XCTAssertTrue(m.contains(s.checkpoint.path) && m.contains("'micro-table") && m.contains("'paper"), m)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("table-zeroshot-cxr.md").path), "no table on error")
    }

    /// `more pretrain --seed/--epochs` change the stored config; that is still the same config.
    func testSameConfigWithOtherSeedAndEpochsIsAccepted() throws {
        let s = try TableFixture.setup()
        var c = TableFixture.config
        c.optim.seed = 999; c.optim.epochs = 17
        XCTAssertNoThrow(try checkTrainedConfig(c, info: s.info, checkpoint: s.checkpoint.path))
        c.name = "my-file"   // a JSON config is named after its file: the values decide
        XCTAssertNoThrow(try checkTrainedConfig(c, info: s.info, checkpoint: s.checkpoint.path))
        let lr = c.optim.learningRate
        c.optim.learningRate *= 2
        XCTAssertThrowsError(try checkTrainedConfig(c, info: s.info, checkpoint: s.checkpoint.path)) { e in
            let m = "\(e)"
            XCTAssertTrue(m.contains("but config 'my-file' was asked for (they differ in optim.learningRate: \(lr) trained, \(lr * 2) asked)"), m)
        }
    }

    func testDatasetWithoutTheLabelSetIsAClearErrorBeforeTraining() throws {
        let s = try TableFixture.setup()
        let data = try dataVariant(s, "nolabels", replacing: "mimic4label_val") { d in
            d.labels["mimic4"] = nil; d.labelNames["mimic4"] = nil
        }
        let out = s.root.appendingPathComponent("err-\(UUID().uuidString)")
        for table in ["table-mimic-4label", "table-ablation"] {
            XCTAssertThrowsError(try TableFixture.table(args(table, data: data, checkpoint: s.checkpoint, out: out))) { e in
                guard case EvalError.missingLabels(let file, let set, _, _) = e else { return XCTFail("\(table): expected missingLabels, got \(e)") }
                XCTAssertEqual(set, "mimic4")
                XCTAssertTrue(file.hasSuffix("mimic4label_val.h5"), file)
            }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("runs").path), "no ablation run may start on unusable data")
    }

    /// A split without rows (which `data check` accepts) is an error naming the file, for the
    /// tables and for the figures that read it (figure5 used to crash on it).
    func testEmptySplitIsAClearError() throws {
        let s = try TableFixture.setup()
        let empty = try HDF5BatchReader(url: s.data.appendingPathComponent("pretrain_test.h5")).read(rows: 0..<0)
        XCTAssertEqual(empty.count, 0)
        let data = try dataVariant(s, "empty", replacing: "pretrain_test") { d in d = empty }
        let out = s.root.appendingPathComponent("err-\(UUID().uuidString)")
        let commands: [() throws -> Void] = [
            { try TableFixture.table(self.args("table-retrieval", data: data, checkpoint: s.checkpoint, out: out)) },
            { try FigureCommand.parse(["figure5", "--out", out.path, "--data", data.path, "--checkpoint", s.checkpoint.path]).run() },
        ]
        for command in commands {
            XCTAssertThrowsError(try command()) { e in
                guard case TableError.emptySplit(let file, "pretrain_test") = e else { return XCTFail("expected emptySplit, got \(e)") }
                XCTAssertTrue(file.hasSuffix("pretrain_test.h5") && "\(e)".contains("no rows"), "\(e)")
            }
        }
    }

    /// figure5 prints the reports of its query and hits: without them its own code (behind the
    /// command's pre-check) names the missing report instead of indexing an empty array.
    func testFigure5WithoutReportsNamesThem() throws {
        let s = try TableFixture.setup()
        let data = try dataVariant(s, "noreports", replacing: "pretrain_test") { d in d.reportXray = []; d.reportECG = [] }
        let ctx = try EvalContext(data: data, checkpoint: s.checkpoint, seed: 1, bootstrap: 10)
        XCTAssertThrowsError(try ctx.figureXrayToECG()) { e in
            guard case EvalError.missingModality(let file, "report_xray", "figure5") = e else { return XCTFail("expected missingModality, got \(e)") }
            XCTAssertTrue(file.hasSuffix("pretrain_test.h5"), file)
        }
    }

    func testMissingSplitIsAClearError() throws {
        let s = try TableFixture.setup()
        let data = try dataVariant(s, "nosplit", replacing: "chexpert5x200", with: nil)
        let out = s.root.appendingPathComponent("err-\(UUID().uuidString)")
        XCTAssertThrowsError(try TableFixture.table(args("table-ablation", data: data, checkpoint: s.checkpoint, out: out))) { e in
            guard case TableError.missingSplit(let file, "chexpert5x200") = e else { return XCTFail("expected missingSplit, got \(e)") }
            XCTAssertTrue(file.hasSuffix("chexpert5x200.h5"), file)
        }
    }

    func testAblationBudgetMustBePositive() throws {
        let s = try TableFixture.setup()
        let out = s.root.appendingPathComponent("err-\(UUID().uuidString)")
        XCTAssertThrowsError(try TableFixture.table(args("table-ablation", data: s.data, checkpoint: s.checkpoint, out: out,
                                                         extra: ["--ablation-epochs", "0"]))) { e in
            XCTAssertTrue("\(e)".contains("--ablation-epochs"), "\(e)")
        }
    }

    /// Without ablation runs, table-ablation names the options it needs; the probe tables say
    /// in a note that their bi-modal row was not computed.
    func testAblationTableWithoutRunsNamesTheOptions() throws {
        let s = try TableFixture.setup()
        let ctx = try EvalContext(data: s.data, checkpoint: s.checkpoint, seed: 1, bootstrap: 10)
        XCTAssertThrowsError(try ctx.tableAblation()) { e in
            XCTAssertTrue("\(e)".contains("--ablation-runs") && "\(e)".contains("--ablation-epochs"), "\(e)")
        }
    }

    /// At the main run's budget the baseline row is the main run itself: nothing is trained.
    func testBaselineAtTheMainBudgetIsTheMainRun() throws {
        let s = try TableFixture.setup()
        let runs = s.root.appendingPathComponent("same-budget-\(UUID().uuidString)")
        let plan = try AblationPlan(runsDir: runs, epochs: s.info.config.optim.epochs, dataDir: s.data,
                                    mainCheckpoint: s.checkpoint, mainInfo: s.info)
        XCTAssertEqual(try plan.checkpoint(.baseline), s.checkpoint)
        XCTAssertFalse(FileManager.default.fileExists(atPath: runs.path))
        XCTAssertNotEqual(plan.config(.noECG).hash, s.info.config.hash)
        XCTAssertFalse(plan.config(.noECG).useECG)
    }

    /// table-ablation switches one choice off a tri-modal run: a bi-modal checkpoint is a clear
    /// error, raised before any run is trained. (Before, its "no-xray" row of an ECG–text only
    /// run retrained the same config and its "no-ecg" row aligned nothing.)
    func testAblationOfABiModalCheckpointIsAClearError() throws {
        let s = try TableFixture.setup()
        let checkpoint = try TableFixture.ecgTextOnlyCheckpoint()
        let out = s.root.appendingPathComponent("err-\(UUID().uuidString)")
        XCTAssertThrowsError(try TableFixture.table(args("table-ablation", data: s.data, checkpoint: checkpoint, out: out))) { e in
            guard case AblationError.needsTriModal = e else { return XCTFail("expected needsTriModal, got \(e)") }
            XCTAssertTrue("\(e)".contains(checkpoint.path) || "\(e)".contains("ecg-text-only"), "\(e)")
            XCTAssertTrue("\(e)".contains("ECG–text only"), "\(e)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("runs").path), "no ablation run may be trained")
    }

    /// A probe table of a bi-modal checkpoint has no bi-modal rows to add: it says so and trains
    /// no ablation run.
    func testProbeTableOfABiModalCheckpointTrainsNoAblationRun() throws {
        let s = try TableFixture.setup()
        let checkpoint = try TableFixture.ecgTextOnlyCheckpoint()
        let out = s.root.appendingPathComponent("probe-\(UUID().uuidString)")
        try TableFixture.table(args("table-ptbxl-probe", data: s.data, checkpoint: checkpoint, out: out))
        let files = try TableFixture.contents(out)
        let md = String(decoding: files["table-ptbxl-probe.md"] ?? Data(), as: UTF8.self)
        XCTAssertTrue(md.contains("Bi-modal rows: not computed (the checkpoint itself is MoRE (ECG–text only, ours))."), md)
        let labels = Set(TableFixture.csvRows(files["table-ptbxl-probe.csv"]).dropFirst().map { $0[0] })
        XCTAssertEqual(labels, ["MoRE (ECG–text only, ours)", "random init", "raw input", "paper (MoRE)"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("runs").path), "no ablation run may be trained")
    }

    /// The tables built from the configs alone refuse the options only the evaluated tables read
    /// (`--data`, `--checkpoint`, `--seed`, …) instead of ignoring them, and write nothing.
    func testStaticTablesRefuseTheEvaluationOptions() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("static-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        for (name, extra, named) in [("table-params", ["--data", "/d"], "--data"), ("table-params", ["--seed", "3", "--checkpoint", "c"], "--checkpoint and --seed"),
                                     ("table-hparams", ["--ablation-epochs", "2"], "--ablation-epochs"), ("table-hparams", ["--bootstrap", "100"], "--bootstrap")] {
            XCTAssertThrowsError(try TableCommand.parse([name, "--out", out.path] + extra).run(), name) { e in
                XCTAssertTrue("\(e)".hasPrefix("\(name) does not use \(named): "), "\(e)")
            }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
    }

    /// table-params adds a column for `--config` when its values are neither tiny's nor paper's
    /// (a JSON file named after itself but equal to tiny adds none).
    func testTableParamsAddsAnotherConfig() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("params-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let wide = dir.appendingPathComponent("wide.json"), same = dir.appendingPathComponent("same.json")
        try Data(#"{"base": "tiny", "xray": {"depth": 2}}"#.utf8).write(to: wide)
        try Data(#"{"base": "tiny"}"#.utf8).write(to: same)
        func configs(_ config: URL) throws -> Set<String> {
            let out = dir.appendingPathComponent(config.lastPathComponent + "-out")
            try TableCommand.parse(["table-params", "--out", out.path, "--config", config.path, "--quiet"]).run()
            return Set(TableFixture.csvRows(try Data(contentsOf: out.appendingPathComponent("table-params.csv"))).dropFirst().map { $0[0] })
        }
        XCTAssertEqual(try configs(wide), ["tiny", "paper", "wide"])
        XCTAssertEqual(try configs(same), ["tiny", "paper"])
    }
}
