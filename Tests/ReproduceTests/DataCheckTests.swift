import XCTest
import Foundation
import Datasets
import TensorCore
import TestSupport
@testable import more

/// `more data check` (Reproduce/DataCheck.swift): a dataset folder stands for its `.h5` files,
/// in name order; a folder without any is an error saying so; a check ends with a summary line,
/// and for a folder, before it, with what the folder can make (`--for` makes a gap an error).
final class DataCheckTests: XCTestCase {
    /// `more data check args…` as a user runs it: exit status and stdout + stderr.
    /// `--structure-only` unless `values`.
    func check(_ args: [String], values: Bool = false, expect status: Int32, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let (code, text) = try ConvertedEndToEndTests.runMore(["data", "check"] + (values ? [] : ["--structure-only"]) + args,
                                                              in: FileManager.default.temporaryDirectory)
        XCTAssertEqual(code, status, "more data check \(args.joined(separator: " ")):\n\(text)", file: file, line: line)
        return text
    }

    /// The section's line of table or figure `name`, without its leading spaces ("" when absent).
    func line(_ output: String, _ name: String) -> String {
        output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.first { $0.hasPrefix(name + " ") } ?? ""
    }

    func testAFolderStandsForItsSplitFiles() throws {
        let dir = try Fixtures.tempDirectory("data-check")
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["b.h5", "a.h5", "notes.txt", ".a.h5.tmp-1-X"] { try Data().write(to: dir.appendingPathComponent(name)) }
        let check = try DataCheck.parse([dir.path, "/other/c.h5"])
        XCTAssertEqual(try check.expandedFiles(), [dir.appendingPathComponent("a.h5").path, dir.appendingPathComponent("b.h5").path, "/other/c.h5"])

        let empty = dir.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: false)
        // Before: "…/empty/*.h5: no such file".
        XCTAssertThrowsError(try DataCheck.parse([empty.path]).expandedFiles()) { e in
            XCTAssertEqual("\(e)", "\(empty.path): no .h5 files in this folder")
        }
    }

    /// Before: no summary when every file was valid, and "2 of 13 files invalid" only when
    /// more than one file was checked.
    func testTheSummaryLine() {
        XCTAssertEqual(DataCheck.summaryLine(failed: 0, of: 13), "13 files, all valid")
        XCTAssertEqual(DataCheck.summaryLine(failed: 0, of: 1), "1 file, valid")
        XCTAssertEqual(DataCheck.summaryLine(failed: 2, of: 13), "2 of 13 files invalid")
        XCTAssertEqual(DataCheck.summaryLine(failed: 1, of: 1), "1 file, invalid")
    }

    /// The synthetic cohort can make every table and figure; `--for all` agrees. A lone file gets
    /// no section.
    func testTheSyntheticCohortCanMakeEverything() throws {
        let cohort = try SmallCohort.folder()
        let out = try check([cohort.path, "--for", "all"], expect: 0)
        XCTAssertTrue(out.contains("tables and figures from \(cohort.path):"), out)
        for r in DataRequirements.all {
            XCTAssertEqual(line(out, r.name).split(separator: " ", omittingEmptySubsequences: true).map(String.init), [r.name, "ok"], out)
        }
        XCTAssertTrue(out.hasSuffix("13 files, all valid\n"), out)
        let one = try check([cohort.appendingPathComponent("edema_test.h5").path], expect: 0)
        XCTAssertFalse(one.contains("tables and figures"), one)
    }

    /// A folder without a split: the tables that read it say so, the others are ok, and the exit
    /// status stays 0 until `--for` names one of them.
    func testAMissingSplitIsReportedAndForMakesItAnError() throws {
        let root = try Fixtures.tempDirectory("data-check-needs")
        defer { try? FileManager.default.removeItem(at: root) }
        let data = try SmallCohort.variant(of: try SmallCohort.folder(), in: root, "no-edema-test", replacing: "edema_test", with: nil)
        let out = try check([data.path], expect: 0)
        XCTAssertEqual(line(out, "table-edema-severity"), "table-edema-severity    edema_test.h5: missing", out)
        XCTAssertEqual(line(out, "table-mimic-4label"), "table-mimic-4label      ok", out)
        XCTAssertTrue(out.contains("12 files, all valid"), out)
        let failed = try check([data.path, "--for", "table-zeroshot-cxr,table-edema-severity"], expect: 1)
        XCTAssertTrue(failed.hasSuffix("12 files, all valid\nError: table-edema-severity cannot be made from \(data.path): edema_test.h5: missing\n"),
                      "the error comes last, also through a pipe: \(failed)")
        XCTAssertFalse(failed.contains("Error: table-zeroshot-cxr"), failed)
        _ = try check([data.path, "--for", "table-zeroshot-cxr", "--for", "figure2"], expect: 0)
    }

    /// A file without a label set a table needs is named with the label set; an invalid file
    /// counts as unusable.
    func testAFileWithoutALabelSetIsReported() throws {
        let root = try Fixtures.tempDirectory("data-check-labels")
        defer { try? FileManager.default.removeItem(at: root) }
        let data = try SmallCohort.variant(of: try SmallCohort.folder(), in: root, "no-severity", replacing: "edema_val") { d in
            d.labels["edema_severity"] = nil; d.labelNames["edema_severity"] = nil
        }
        let out = try check([data.path], expect: 0)
        XCTAssertTrue(line(out, "table-edema-severity").hasSuffix("edema_val.h5: no label set 'edema_severity'"), out)
        XCTAssertEqual(line(out, "figure2"), "figure2                 ok", out)
        let failed = try check([data.path, "--for", "all"], expect: 1)
        XCTAssertTrue(failed.contains("Error: table-edema-severity cannot be made from \(data.path): edema_val.h5: no label set 'edema_severity'"), failed)

        // An invalid file (a class index beyond the classes; the values are checked) and one that
        // cannot be opened (cut in half) are not usable either.
        let invalid = try SmallCohort.variant(of: data, in: root, "invalid", replacing: "chexpert5x200") { d in
            d.labels["chexpert5_class"] = Tensor(shape: [d.count], values: [Float](repeating: 9, count: d.count))
        }
        let bad = try check([invalid.path], values: true, expect: 1)
        XCTAssertTrue(line(bad, "table-zeroshot-cxr").hasSuffix("chexpert5x200.h5: invalid (its problems are listed above)"), bad)
        let bytes = try Data(contentsOf: invalid.appendingPathComponent("chexpert5x200.h5"))
        try FileManager.default.removeItem(at: invalid.appendingPathComponent("chexpert5x200.h5"))
        try bytes.prefix(bytes.count / 2).write(to: invalid.appendingPathComponent("chexpert5x200.h5"))
        let cut = try check([invalid.path], expect: 1)
        XCTAssertTrue(line(cut, "figure2").hasSuffix("chexpert5x200.h5: cannot be opened (the error is above)"), cut)
        // The error of a file that cannot be opened comes after the reports of the files before
        // it, also through a pipe (stdout is flushed before stderr is written).
        let ptbxlVal = invalid.appendingPathComponent("ptbxl_val.h5")
        let valBytes = try Data(contentsOf: ptbxlVal)
        try FileManager.default.removeItem(at: ptbxlVal)
        try valBytes.prefix(valBytes.count / 2).write(to: ptbxlVal)
        let ordered = try check([invalid.path], expect: 1)
        let error = try XCTUnwrap(ordered.range(of: "Error: \(ptbxlVal.path)"), ordered)
        let before = try XCTUnwrap(ordered.range(of: "split = ptbxl_train"), ordered)
        XCTAssertLessThan(before.lowerBound, error.lowerBound, ordered)
    }

    /// What a label set holds is checked too, with the evaluation's code on the labels alone: a
    /// chexpert5x200 whose classes lack 'Edema' cannot make the zero-shot table (its 4- and
    /// 5-class tasks select it) nor table-ablation, figure2 (any classes) can; `--for` makes it an
    /// error. Before: "ok", and the table failed after embedding the X-rays.
    func testALabelSetWithoutAClassIsReported() throws {
        let root = try Fixtures.tempDirectory("data-check-content")
        defer { try? FileManager.default.removeItem(at: root) }
        let data = try SmallCohort.variant(of: try SmallCohort.folder(), in: root, "no-edema-class", replacing: "chexpert5x200") { d in
            d.attributes[DatasetSchema.classesAttribute("chexpert5_class")] = "Atelectasis,Cardiomegaly,Consolidation,Oedema,Pleural Effusion"
        }
        let gap = "chexpert5x200.h5: label set 'chexpert5_class' has no class 'Edema' (classes: Atelectasis, Cardiomegaly, Consolidation, Oedema, Pleural Effusion)"
        let out = try check([data.path], expect: 0)
        XCTAssertEqual(line(out, "table-zeroshot-cxr"), "table-zeroshot-cxr      " + gap, out)
        XCTAssertEqual(line(out, "table-ablation"), "table-ablation          " + gap, out)
        XCTAssertEqual(line(out, "figure2"), "figure2                 ok", out)
        XCTAssertTrue(out.contains("13 files, all valid"), out)
        let failed = try check([data.path, "--for", "table-zeroshot-cxr"], expect: 1)
        XCTAssertTrue(failed.hasSuffix("Error: table-zeroshot-cxr cannot be made from \(data.path): \(gap)\n"), failed)
        _ = try check([data.path, "--for", "figure2,table-retrieval"], expect: 0)
    }

    /// `--for` takes the names of the tables and figures that read split files, comma-separated
    /// or repeated, or `all`; anything else is a usage error listing them.
    func testForTakesTheNamesOfTablesAndFigures() throws {
        let names = DataRequirements.all.map(\.name)
        XCTAssertEqual(try DataCheck.targets(["all"]), names)
        XCTAssertEqual(try DataCheck.targets(["figure2,table-retrieval", " figure2 "]), ["table-retrieval", "figure2"])
        XCTAssertEqual(try DataCheck.targets([]), [])
        for (value, reason) in [("table-nope", "unknown table or figure 'table-nope'"), ("table-params", "table-params reads no split file")] {
            XCTAssertThrowsError(try DataCheck.parse(["/tmp", "--for", value])) { e in
                let m = DataCheck.message(for: e)
                XCTAssertTrue(m.contains(reason) && m.contains("use all or any of " + names.joined(separator: ", ")), m)
            }
        }
        XCTAssertThrowsError(try DataCheck.parse(["/tmp/a.h5", "--for", "all"])) { e in
            XCTAssertTrue(DataCheck.message(for: e).contains("--for needs a dataset folder"), DataCheck.message(for: e))
        }
    }

    /// The section's columns line up under the longest name; further gaps of a name go on lines
    /// of their own in the same column.
    func testTheSectionIsAligned() {
        let text = DataCheck.section(folder: "data/real", gaps: [
            ("figure2", []),
            ("table-edema-severity", [MissingData(split: "edema_test", problem: .labelSet("edema_severity", available: [])),
                                      MissingData(split: "pretrain_val", problem: .file, forAblationRuns: true)]),
        ])
        XCTAssertEqual(text, """
            tables and figures from data/real:
              figure2                ok
              table-edema-severity   edema_test.h5: no label set 'edema_severity'
                                     pretrain_val.h5: missing (to pre-train the ablation runs)
              (table-params, table-hparams, figure-cohort and figure-training read no split file.)
            """)
    }
}
