import XCTest
import Foundation
import Datasets
import Eval
import TensorCore
import TestSupport
@testable import more

/// What each table and figure needs from the dataset folder (Reproduce/Tables/DataRequirements.swift):
/// one list covering every table and figure, the gaps it finds in a folder, and the check `more
/// table` / `more figure` make with it before the model is loaded.
final class DataRequirementsTests: XCTestCase {
    /// Every table and figure is either listed or known to read no split file, once; a name added
    /// to a command without a line here fails.
    func testEveryTableAndFigureIsListedOrNeedsNoSplit() {
        let listed = DataRequirements.all.map(\.name)
        XCTAssertEqual(Set(listed).count, listed.count, "a name listed twice: \(listed)")
        XCTAssertTrue(Set(listed).isDisjoint(with: DataRequirements.needNoSplit))
        let commands = TableCommand.names + FigureCommand.names
        XCTAssertEqual(listed, commands.filter(listed.contains), "not in the commands' order")
        XCTAssertEqual(Set(listed + DataRequirements.needNoSplit), Set(commands))
    }

    /// The figures' provenance names the splits they read; these were the lists before they came
    /// from the requirements (FigureProvenance.swift), so no provenance file changes.
    func testFigureProvenanceSplitsAreTheFiguresRequirements() {
        let before: [String: [String]] = [
            "figure2": ["chexpert5x200", "mimic4label_test"], "figure3": ["mimic4label_test"], "figure4": ["mimic4label_test"],
            "figure5": ["pretrain_test"], "figure-roc": ["mimic4label_train", "mimic4label_val", "mimic4label_test"],
            "figure-attention-xray": ["pretrain_test"], "figure-attention-ecg": ["pretrain_test"],
        ]
        for name in FigureCommand.names {
            XCTAssertEqual(DataRequirements.named(name)?.evaluatedSplits ?? [], before[name] ?? [], name)
        }
    }

    /// A few entries spelled out, as read from the code that makes them.
    func testWhatSomeTablesNeed() throws {
        let edema = try XCTUnwrap(DataRequirements.named("table-edema-severity"))
        XCTAssertEqual(edema.evaluatedSplits, ["edema_train", "edema_val", "edema_test"])
        XCTAssertEqual(Set(edema.splits.filter { !$0.forAblationRuns }.flatMap(\.labelSets)), ["edema_severity"])
        XCTAssertEqual(edema.splits.filter(\.forAblationRuns).map(\.split), ["pretrain_train", "pretrain_val"])
        let ecg = try XCTUnwrap(DataRequirements.named("table-zeroshot-ecg")?.splits.first)
        XCTAssertEqual(ecg, SplitRequirement(split: "ptbxl_test", fields: [DatasetSchema.ecg], labelSets: ["ptbxl_super_single", "ptbxl_super"]))
        XCTAssertEqual(Set(try XCTUnwrap(DataRequirements.named("table-ablation")).evaluatedSplits),
                       ["mimic4label_train", "mimic4label_val", "mimic4label_test", "ptbxl_train", "ptbxl_val", "ptbxl_test", "chexpert5x200", "pretrain_test"])
    }

    /// The label reads of each table and figure read only splits it lists, and every one that
    /// needs a label set reads its content.
    func testLabelReadsMatchTheSplits() {
        for r in DataRequirements.all {
            XCTAssertTrue(Set(r.labels.flatMap(\.splits)).isSubset(of: r.evaluatedSplits), r.name)
            let needsLabels = r.splits.contains { !$0.forAblationRuns && !$0.labelSets.isEmpty }
            XCTAssertEqual(!r.labels.isEmpty, needsLabels || r.name.hasPrefix("figure-attention"), r.name)
        }
    }

    /// Each kind of gap, each file's gaps once, in the order of the requirements; the ablation
    /// runs' splits only when asked for.
    func testGapsOfAFolder() throws {
        let ablation = try XCTUnwrap(DataRequirements.named("table-ablation"))
        var folder: [String: SplitContents] = [:]
        for r in ablation.splits { folder[r.split] = .present(rows: 5, fields: Set(r.fields + r.labelSets.map { "/labels/" + $0 })) }
        XCTAssertEqual(ablation.missing(in: folder), [])
        folder["ptbxl_val"] = nil
        folder["chexpert5x200"] = .present(rows: 0, fields: [DatasetSchema.xray, "/labels/chexpert5_class"])
        folder["pretrain_test"] = .present(rows: 5, fields: [DatasetSchema.xray, DatasetSchema.reportXray, DatasetSchema.reportECG, "/labels/chexpert13"])
        folder["mimic4label_test"] = .unusable("invalid")
        folder["pretrain_val"] = nil
        let gaps = ablation.missing(in: folder)
        XCTAssertEqual(gaps, [
            MissingData(split: "mimic4label_test", problem: .unusable("invalid")),
            MissingData(split: "ptbxl_val", problem: .file),
            MissingData(split: "chexpert5x200", problem: .noRows),
            MissingData(split: "pretrain_test", problem: .field(DatasetSchema.ecg)),
            MissingData(split: "pretrain_test", problem: .labelSet("mimic4", available: ["chexpert13"])),
            MissingData(split: "pretrain_val", problem: .file, forAblationRuns: true),
        ])
        XCTAssertEqual(ablation.missing(in: folder, ablationRuns: false), Array(gaps.dropLast()))
        XCTAssertEqual(DataRequirements.lines(gaps), [
            "ptbxl_val.h5: missing",
            "mimic4label_test.h5: invalid",
            "chexpert5x200.h5: no rows",
            "pretrain_test.h5: no 'ecg', no label set 'mimic4'",
            "pretrain_val.h5: missing (to pre-train the ablation runs)",
        ])
        XCTAssertEqual("\(gaps[4].error(folder: URL(fileURLWithPath: "/d"), neededBy: "table-ablation"))",
                       "/d/pretrain_test.h5: dataset has no label set '/labels/mimic4', needed by table-ablation (label sets present: chexpert13)")
    }

    /// The content of the label sets is checked with the evaluation's own code on the labels
    /// alone, before the model loads (the checkpoint here does not exist) and before any ablation
    /// run is trained: a class a task selects, a label value, a class without a positive row
    /// where the evaluation cannot use one. Before, these surfaced after the embeddings — for
    /// table-ablation after pre-training its runs.
    func testLabelContentIsCheckedBeforeTheModel() throws {
        let cohort = try SmallCohort.folder()
        let root = try Fixtures.tempDirectory("requirements-content")
        defer { try? FileManager.default.removeItem(at: root) }
        let checkpoint = root.appendingPathComponent("no-run/best.safetensors").path, out = root.appendingPathComponent("out").path
        let runs = root.appendingPathComponent("runs")
        func make(_ name: String, _ data: URL) throws {
            if name.hasPrefix("table-") {
                try TableCommand.parse([name, "--data", data.path, "--checkpoint", checkpoint, "--out", out, "--quiet", "--ablation-runs", runs.path]).run()
            } else {
                try FigureCommand.parse([name, "--data", data.path, "--checkpoint", checkpoint, "--out", out, "--quiet"]).run()
            }
        }
        func column(_ d: inout DatasetSplit, _ set: String, _ name: String, _ value: Float) {
            let t = d.labels[set]!, names = d.labelNames[set]!, j = names.firstIndex(of: name)!
            d.labels[set] = Tensor(shape: t.shape, values: t.scalars.enumerated().map { $0.offset % names.count == j ? value : $0.element })
        }
        func file(_ data: URL, _ split: String) -> String { data.appendingPathComponent(split + ".h5").path }

        // chexpert5x200 names its classes without 'Edema': both zero-shot tables' tasks select it.
        let noEdema = try SmallCohort.variant(of: cohort, in: root, "no-edema-class", replacing: "chexpert5x200") { d in
            d.attributes[DatasetSchema.classesAttribute("chexpert5_class")] = "Atelectasis,Cardiomegaly,Consolidation,Oedema,Pleural Effusion"
        }
        for name in ["table-ablation", "table-zeroshot-cxr"] {
            XCTAssertThrowsError(try make(name, noEdema)) { e in
                guard case EvalError.unknownClass(let f, "chexpert5_class", "Edema", let available) = e else { return XCTFail("\(name): expected unknownClass, got \(e)") }
                XCTAssertEqual(f, file(noEdema, "chexpert5x200"))
                XCTAssertTrue(available.contains("Oedema"), "\(available)")
            }
        }
        XCTAssertNoThrow(try XCTUnwrap(DataRequirements.named("figure2")).check(folder: noEdema), "figure2 colours by whatever classes there are")

        // A single usable row: figure2's t-SNE cannot place one point.
        let oneRow = try SmallCohort.variant(of: cohort, in: root, "one-row", replacing: "chexpert5x200") { d in
            let t = d.labels["chexpert5_class"]!
            d.labels["chexpert5_class"] = Tensor(shape: t.shape, values: t.scalars.enumerated().map { $0.offset == 0 ? $0.element : -1 })
        }
        XCTAssertThrowsError(try make("figure2", oneRow)) { e in
            XCTAssertEqual(e as? EvalError, .noUsableRows(file: file(oneRow, "chexpert5x200"), labelSet: "chexpert5_class",
                                                          reason: "figure2's t-SNE needs at least 2 rows with a usable label, found 1"))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: runs.path), "no ablation run may be trained on unusable labels")

        // A severity grade that is no class index (7 of grades 0–3).
        let badGrade = try SmallCohort.variant(of: cohort, in: root, "bad-grade", replacing: "edema_val") { d in
            var v = d.labels["edema_severity"]!.scalars
            v[2] = 7
            d.labels["edema_severity"] = Tensor(shape: [v.count], values: v)
        }
        XCTAssertThrowsError(try make("table-edema-severity", badGrade)) { e in
            XCTAssertEqual(e as? EvalError, .invalidLabel(file: file(badGrade, "edema_val"), labelSet: "edema_severity", row: 2, value: 7))
        }

        // No positive Cardiomegaly in a validation split: the probe cannot choose its C. In a test
        // split the probe tables tolerate it (AUROC nan, left out of the macro mean), figure-roc
        // cannot draw the class's curve.
        let noPositiveVal = try SmallCohort.variant(of: cohort, in: root, "no-positive-val", replacing: "mimic4label_val") { d in
            column(&d, "mimic4", "Cardiomegaly", 0)
        }
        for name in ["table-mimic-4label", "table-ablation", "figure-roc"] {
            XCTAssertThrowsError(try make(name, noPositiveVal)) { e in
                guard case EvalError.noUsableRows(let f, "mimic4", let reason) = e else { return XCTFail("\(name): expected noUsableRows, got \(e)") }
                XCTAssertEqual(f, file(noPositiveVal, "mimic4label_val"))
                XCTAssertTrue(reason.hasPrefix("class 'Cardiomegaly' has no positive row"), reason)
            }
        }
        let noPositiveTest = try SmallCohort.variant(of: cohort, in: root, "no-positive-test", replacing: "mimic4label_test") { d in
            column(&d, "mimic4", "Edema", 0)
        }
        XCTAssertNoThrow(try XCTUnwrap(DataRequirements.named("table-mimic-4label")).check(folder: noPositiveTest))
        XCTAssertThrowsError(try make("figure-roc", noPositiveTest)) { e in
            guard case EvalError.noUsableRows(_, "mimic4", let reason) = e else { return XCTFail("expected noUsableRows, got \(e)") }
            XCTAssertTrue(reason.hasPrefix("class 'Edema' has no positive row"), reason)
        }

        // The attention figures explain patients with the finding; retrieval does not need one.
        let noCardiomegaly = try SmallCohort.variant(of: cohort, in: root, "no-cardiomegaly", replacing: "pretrain_test") { d in
            column(&d, "mimic4", "Cardiomegaly", 0)
        }
        XCTAssertThrowsError(try make("figure-attention-xray", noCardiomegaly)) { e in
            XCTAssertEqual(e as? EvalError, .noUsableRows(file: file(noCardiomegaly, "pretrain_test"), labelSet: "mimic4",
                                                          reason: "no patient with Cardiomegaly = 1"))
        }
        XCTAssertNoThrow(try XCTUnwrap(DataRequirements.named("table-retrieval")).check(folder: noCardiomegaly))
    }

    /// `more table` and `more figure` stop at a missing file or label set before they load the
    /// model: here the checkpoint does not even exist, and the error is still the data's. With
    /// the whole folder the same command gets as far as the checkpoint.
    func testTablesAndFiguresCheckTheFolderBeforeTheModel() throws {
        let cohort = try SmallCohort.folder()
        let root = try Fixtures.tempDirectory("requirements")
        defer { try? FileManager.default.removeItem(at: root) }
        let checkpoint = root.appendingPathComponent("no-run/best.safetensors").path, out = root.appendingPathComponent("out").path
        func table(_ name: String, _ data: URL) throws { try TableCommand.parse([name, "--data", data.path, "--checkpoint", checkpoint, "--out", out, "--quiet"]).run() }
        func figure(_ name: String, _ data: URL) throws { try FigureCommand.parse([name, "--data", data.path, "--checkpoint", checkpoint, "--out", out, "--quiet"]).run() }

        let noSplit = try SmallCohort.variant(of: cohort, in: root, "no-edema-test", replacing: "edema_test", with: nil)
        XCTAssertThrowsError(try table("table-edema-severity", noSplit)) { e in
            guard case TableError.missingSplit(let file, "edema_test") = e else { return XCTFail("expected missingSplit, got \(e)") }
            XCTAssertEqual(file, noSplit.appendingPathComponent("edema_test.h5").path)
        }
        let noLabels = try SmallCohort.variant(of: cohort, in: root, "no-mimic4", replacing: "mimic4label_test") { d in
            d.labels["mimic4"] = nil; d.labelNames["mimic4"] = nil
        }
        XCTAssertThrowsError(try figure("figure3", noLabels)) { e in
            guard case EvalError.missingLabels(let file, "mimic4", "figure3", let available) = e else { return XCTFail("expected missingLabels, got \(e)") }
            XCTAssertTrue(file.hasSuffix("mimic4label_test.h5") && !available.isEmpty, "\(e)")
        }
        for command in [{ try table("table-edema-severity", cohort) }, { try figure("figure3", noSplit) }] {
            XCTAssertThrowsError(try command()) { e in
                XCTAssertFalse(e is TableError || e is EvalError, "the folder has what it needs, got \(e)")
                XCTAssertTrue("\(e)".contains(checkpoint), "\(e)")
            }
        }
    }
}
