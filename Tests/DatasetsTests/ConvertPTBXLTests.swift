// Tests for PTBXLConverter on a PTB-XL folder assembled from the ten real records in
// ../shared/data/ptbxl (records500/06000/060NN_hr.*, their ptbxl_database.csv rows, PTB-XL's
// scp_statements.csv) — laid out exactly like the published dataset. Checks splits by fold,
// superclass multi-hot and single labels, reports, the ECG rows against the preprocessing chain,
// the lead-order option, --limit, and one test per bad input (skipped records are counted; file
// and column errors are typed and leave no output).

import Foundation
import XCTest
import TensorCore
import TestSupport
@testable import Datasets

final class ConvertPTBXLTests: XCTestCase {
    var dir: URL!
    var root: URL { dir.appendingPathComponent("ptbxl") }
    var out: URL { dir.appendingPathComponent("out") }

    override func setUpWithError() throws {
        let data = try Fixtures.shared("data/ptbxl")
        dir = try Fixtures.tempDirectory("convert-ptbxl")
        let fm = FileManager.default
        try fm.createDirectory(at: root, withIntermediateDirectories: true)
        try fm.copyItem(at: data.appendingPathComponent("records500"), to: root.appendingPathComponent("records500"))
        try fm.copyItem(at: data.appendingPathComponent("scp_statements.csv"), to: root.appendingPathComponent("scp_statements.csv"))
        // PTB-XL's own file name; record 6003 moved to fold 9 so that all three splits are exercised.
        var db = try String(contentsOf: data.appendingPathComponent("ptbxl_database_rows_6000-6009.csv"), encoding: .utf8)
        db = db.replacingOccurrences(of: ",6,records100/06000/06003_lr", with: ",9,records100/06000/06003_lr")
        try db.write(to: database, atomically: true, encoding: .utf8)
    }
    override func tearDownWithError() throws { if let dir { try? FileManager.default.removeItem(at: dir) } }

    var database: URL { root.appendingPathComponent("ptbxl_database.csv") }

    func editDatabase(_ from: String, _ to: String) throws {
        let s = try String(contentsOf: database, encoding: .utf8)
        XCTAssertTrue(s.contains(from), "fixture edit target \(from) not found")
        try s.replacingOccurrences(of: from, with: to).write(to: database, atomically: true, encoding: .utf8)
    }

    /// Appends a second copy of the database row of `ecgID` (a duplicate id in its split).
    func duplicateDatabaseRow(ecgID: Int) throws {
        let text = try String(contentsOf: database, encoding: .utf8)
        let row = try XCTUnwrap(text.split(separator: "\n").first { $0.hasPrefix("\(ecgID),") })
        try (text + (text.hasSuffix("\n") ? "" : "\n") + row + "\n").write(to: database, atomically: true, encoding: .utf8)
    }

    func convert(_ options: ConvertOptions = ConvertOptions()) throws -> ConvertSummary {
        try PTBXLConverter.convert(root: root, out: out, rate: 500, options: options)
    }

    func outputFiles() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []).sorted()
    }

    func testSplitsLabelsReportsAndValidity() throws {
        let s = try convert()
        XCTAssertTrue(s.skipped.isEmpty, s.text)
        XCTAssertEqual(s.written.map(\.file), ["ptbxl_train.h5", "ptbxl_val.h5", "ptbxl_test.h5"])
        XCTAssertEqual(s.written.map(\.rows), [7, 1, 2])
        for w in s.written { XCTAssertTrue(try validateDataset(out.appendingPathComponent(w.file)).isValid, w.file) }

        let test = try readHDF5(out.appendingPathComponent("ptbxl_test.h5"))
        XCTAssertEqual(test.ids, ["ptbxl-6000", "ptbxl-6004"])
        XCTAssertEqual(test.reportECG[0], "sinus rhythm. minor non-specific t wave flattening in v3,4.")
        let val = try readHDF5(out.appendingPathComponent("ptbxl_val.h5"))
        XCTAssertEqual(val.ids, ["ptbxl-6003"])

        let train = try readHDF5(out.appendingPathComponent("ptbxl_train.h5"))
        XCTAssertEqual(train.ids, ["ptbxl-6001", "ptbxl-6002", "ptbxl-6005", "ptbxl-6006", "ptbxl-6007", "ptbxl-6008", "ptbxl-6009"])
        XCTAssertEqual(train.labelNames["ptbxl_super"], CohortLabels.ptbxlNames)
        XCTAssertEqual(train.labelNames["ptbxl_super_single"], CohortLabels.ptbxlNames)
        let multi = try XCTUnwrap(train.labels["ptbxl_super"]).scalars
        let single = try XCTUnwrap(train.labels["ptbxl_super_single"]).scalars
        // 6001: NST_ → STTC only; 6002: NORM + IRBBB → NORM and CD, single NORM (priority).
        XCTAssertEqual(Array(multi[0..<5]), [0, 0, 1, 0, 0])
        XCTAssertEqual(Array(multi[5..<10]), [1, 0, 0, 0, 1])
        XCTAssertEqual(Array(single[0..<2]), [2, 0])
        XCTAssertEqual(train.attributes["ecg_lead_order"], "I,II,III,AVR,AVL,AVF,V1,V2,V3,V4,V5,V6")
        XCTAssertEqual(train.attributes["ecg_model_ready"], "yes", "the loader must not run the chain twice")
    }

    /// The record reading reports its progress per split (ConvertEach.swift): each stage starts
    /// at 0, never goes back, and ends at its total; the output does not depend on it.
    func testProgressIsReportedPerSplitAndChangesNothing() throws {
        final class Calls: @unchecked Sendable {
            var list: [(String, Int, Int)] = []
            let lock = NSLock()
        }
        let calls = Calls()
        _ = try convert()
        let quiet = try outputFiles().map { try Data(contentsOf: out.appendingPathComponent($0)) }
        var options = ConvertOptions()
        options.progress = { stage, done, total in calls.lock.lock(); calls.list.append((stage, done, total)); calls.lock.unlock() }
        _ = try convert(options)
        XCTAssertEqual(try outputFiles().map { try Data(contentsOf: out.appendingPathComponent($0)) }, quiet)

        let stages = ["ptbxl_train ECG records", "ptbxl_val ECG records", "ptbxl_test ECG records"]
        var seen: [String] = []
        for c in calls.list where seen.last != c.0 { seen.append(c.0) }
        XCTAssertEqual(seen, stages, "one stage per split, in order")
        for (stage, total) in zip(stages, [7, 1, 2]) {
            let mine = calls.list.filter { $0.0 == stage }
            XCTAssertEqual(mine.first.map { [$0.1, $0.2] }, [0, total], stage)
            XCTAssertEqual(mine.last.map { [$0.1, $0.2] }, [total, total], stage)
            XCTAssertEqual(mine.map(\.1), mine.map(\.1).sorted(), "\(stage): counts go back")
        }
    }

    func testECGRowEqualsTheAuthorsChainOnTheRecord() throws {
        _ = try convert()
        let test = try readHDF5(out.appendingPathComponent("ptbxl_test.h5"))
        let ecg = try XCTUnwrap(test.ecg)
        XCTAssertEqual(ecg.shape, [2, 12, 1000])
        let rec = try WFDBRecord(record: root.appendingPathComponent("records500/06000/06000_hr"))
        let expected = try preprocessECG(rec.physical(), leads: 12, samplingRate: 500)
        XCTAssertEqual(Array(ecg.scalars[0..<12_000]), expected)
        XCTAssertEqual(ecg.scalars.max(), 1)
        XCTAssertEqual(ecg.scalars.min(), -1)
    }

    func testLeadOrderMimicSwapsAVLandAVF() throws {
        _ = try convert(ConvertOptions(leadOrder: .mimicToStandard))
        let swapped = try readHDF5(out.appendingPathComponent("ptbxl_test.h5"))
        XCTAssertEqual(swapped.attributes["ecg_lead_order"], "I,II,III,AVR,AVF,AVL,V1,V2,V3,V4,V5,V6")
        let rec = try WFDBRecord(record: root.appendingPathComponent("records500/06000/06000_hr"))
        let plain = try preprocessECG(rec.physical(), leads: 12, samplingRate: 500)
        let e = try XCTUnwrap(swapped.ecg).scalars
        XCTAssertEqual(Array(e[4000..<5000]), Array(plain[5000..<6000]))
        XCTAssertEqual(Array(e[5000..<6000]), Array(plain[4000..<5000]))
    }

    func testLimitConvertsOnlyTheFirstRows() throws {
        let s = try convert(ConvertOptions(limit: 3))
        XCTAssertEqual(s.rowsWritten, 3)
        XCTAssertEqual(s.written.map(\.file), ["ptbxl_train.h5", "ptbxl_test.h5"])
    }

    func testRecordWithoutSuperclassIsSkippedAndCounted() throws {
        try editDatabase("\"{'NORM': 100.0, 'SR': 0.0}\",,,,0.0,False,False,True,,,,,,,10,records100/06000/06004_lr",
                         "\"{'SR': 0.0}\",,,,0.0,False,False,True,,,,,,,10,records100/06000/06004_lr")
        let s = try convert()
        XCTAssertEqual(s.skipped.map(\.record), ["ptbxl-6004"])
        XCTAssertEqual(s.skipCounts.first?.reason, "no diagnostic superclass in scp_codes")
        XCTAssertEqual(s.rowsWritten, 9)
        XCTAssertTrue(s.text.contains("1 × no diagnostic superclass"), s.text)
    }

    func testTruncatedDatIsSkippedWithItsFile() throws {
        let dat = root.appendingPathComponent("records500/06000/06001_hr.dat")
        let bytes = try Data(contentsOf: dat)
        try bytes.prefix(bytes.count - 7).write(to: dat)
        let s = try convert()
        XCTAssertEqual(s.skipped.count, 1)
        XCTAssertEqual(s.skipped[0].record, "ptbxl-6001")
        XCTAssertEqual(s.skipped[0].reason, "unreadable ECG record")
        XCTAssertTrue(s.skipped[0].detail.contains("06001_hr.dat") && s.skipped[0].detail.contains("truncated"), s.skipped[0].detail)
        XCTAssertEqual(s.rowsWritten, 9)
    }

    func testHeaderSampleCountDisagreeingWithFileIsSkipped() throws {
        let hea = root.appendingPathComponent("records500/06000/06002_hr.hea")
        let text = try String(contentsOf: hea, encoding: .utf8)
        try text.replacingOccurrences(of: "06002_hr 12 500 5000", with: "06002_hr 12 500 4000").write(to: hea, atomically: true, encoding: .utf8)
        let s = try convert()
        XCTAssertEqual(s.skipped.map(\.record), ["ptbxl-6002"])
        XCTAssertTrue(s.skipped[0].detail.contains("06002_hr.hea") && s.skipped[0].detail.contains("samples per signal"), s.skipped[0].detail)
    }

    func testMissingRecordsFolderIsATypedErrorAndWritesNothing() throws {
        XCTAssertThrowsError(try PTBXLConverter.convert(root: root, out: out, rate: 100)) {
            XCTAssertEqual($0 as? DataError, .missingFile(root.appendingPathComponent("records100").path))
        }
        XCTAssertEqual(outputFiles(), [])
    }

    func testMissingColumnIsATypedError() throws {
        try editDatabase("strat_fold,filename_lr", "fold,filename_lr")
        XCTAssertThrowsError(try convert()) {
            XCTAssertEqual($0 as? DataError, .missingField(file: database.path, field: "column strat_fold"))
        }
        XCTAssertEqual(outputFiles(), [])
    }

    func testMalformedRowIsATypedErrorNamingTheLine() throws {
        try editDatabase("8:08,sinus rhythm. normal ecg.,", "8:08,sinus rhythm. \"normal ecg.,")
        XCTAssertThrowsError(try convert()) { error in
            guard case DataError.malformed(let f, let field, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(f, database.path)
            XCTAssertEqual(field, "line 6, column report")
        }
        XCTAssertEqual(outputFiles(), [])
    }

    func testNonUTF8ReportIsATypedError() throws {
        var bytes = [UInt8](try Data(contentsOf: database))
        let needle = Array("sinus rhythm. normal ecg.".utf8)
        let at = try XCTUnwrap((0...(bytes.count - needle.count)).first { Array(bytes[$0..<$0 + needle.count]) == needle })
        bytes[at] = 0xFF
        try Data(bytes).write(to: database)
        XCTAssertThrowsError(try convert()) { error in
            guard case DataError.malformed(let f, let field, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(f, database.path)
            XCTAssertTrue(field.hasSuffix("column report"), field)
            XCTAssertEqual(reason, "not valid UTF-8 text")
        }
        XCTAssertEqual(outputFiles(), [])
    }

    func testUnwritableOutputIsATypedError() throws {
        try Data("x".utf8).write(to: out)  // a file where the output folder should be
        XCTAssertThrowsError(try convert()) { error in
            guard case DataError.writeFailed(let f, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(f, out.path)
        }
    }

    /// A root from which no record converts (every .dat missing) is an error naming the root, with
    /// the skip reasons; no file is written.
    func testNoConvertibleRecordIsATypedErrorAndWritesNothing() throws {
        let records = root.appendingPathComponent("records500/06000")
        for f in try FileManager.default.contentsOfDirectory(atPath: records.path) where f.hasSuffix(".dat") {
            try FileManager.default.removeItem(at: records.appendingPathComponent(f))
        }
        XCTAssertThrowsError(try convert()) { error in
            guard case DataError.malformed(let f, let field, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(f, root.path); XCTAssertEqual(field, "records")
            XCTAssertTrue(reason.hasPrefix("nothing converted from the 10 rows of ptbxl_database.csv (10 × unreadable ECG record)"), reason)
        }
        XCTAssertEqual(outputFiles(), [])
    }

    /// A database holding only its header is an error naming the CSV.
    func testHeaderOnlyDatabaseIsATypedError() throws {
        let header = try String(contentsOf: database, encoding: .utf8).split(separator: "\n")[0]
        try (header + "\n").write(to: database, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try convert()) {
            XCTAssertEqual($0 as? DataError, .malformed(file: database.path, field: "rows", reason: "no data rows to convert; no file written"))
        }
        XCTAssertEqual(outputFiles(), [])
    }

    /// A split that fails validation (here a duplicate ecg_id) is checked before it is renamed into
    /// place: the error names the final file and /ids, and no such file (nor a temporary) is left.
    func testDuplicateIDIsRefusedBeforeTheFileIsWritten() throws {
        try duplicateDatabaseRow(ecgID: 6009)
        XCTAssertThrowsError(try convert()) { error in
            XCTAssertEqual((error as? DataError)?.file, out.appendingPathComponent("ptbxl_train.h5").path, "\(error)")
            XCTAssertEqual((error as? DataError)?.field, "/ids", "\(error)")
            XCTAssertTrue("\(error)".contains("duplicate id \"ptbxl-6009\""), "\(error)")
        }
        XCTAssertEqual(outputFiles(), [])
    }

    /// The splits of one conversion are renamed into place together: when the last one (test)
    /// fails its check, the earlier ones of this conversion are dropped too, and the folder keeps
    /// the previous conversion whole — same bytes, no stale file removed, no temporary left.
    func testALaterSplitFailingKeepsThePreviousConversionWhole() throws {
        _ = try convert()
        let before = try outputFiles().map { ($0, try Data(contentsOf: out.appendingPathComponent($0))) }
        XCTAssertEqual(before.map(\.0), ["ptbxl_test.h5", "ptbxl_train.h5", "ptbxl_val.h5"])
        try editDatabase(",9,records100/06000/06003_lr", ",6,records100/06000/06003_lr")   // train changes, val empties
        try duplicateDatabaseRow(ecgID: 6004)   // fold 10: the test split
        XCTAssertThrowsError(try convert()) { error in
            XCTAssertEqual((error as? DataError)?.file, out.appendingPathComponent("ptbxl_test.h5").path, "\(error)")
            XCTAssertEqual((error as? DataError)?.field, "/ids", "\(error)")
        }
        XCTAssertEqual(outputFiles(), before.map(\.0))
        for (name, bytes) in before {
            XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent(name)), bytes, "\(name) changed")
        }
    }

    /// A split file of an earlier conversion that this one has no rows for is removed and listed,
    /// so the folder never mixes two conversions; files of other datasets stay.
    func testStaleSplitOfAnEarlierConversionIsRemoved() throws {
        _ = try convert()
        try Data("other".utf8).write(to: out.appendingPathComponent("chexpert5x200.h5"))
        try editDatabase(",9,records100/06000/06003_lr", ",6,records100/06000/06003_lr")   // no fold-9 record now
        let s = try convert()
        XCTAssertEqual(s.written.map(\.file), ["ptbxl_train.h5", "ptbxl_test.h5"])
        XCTAssertEqual(s.removedStale, ["ptbxl_val.h5"])
        XCTAssertTrue(s.text.contains("removed stale ptbxl_val.h5"), s.text)
        XCTAssertEqual(outputFiles(), ["chexpert5x200.h5", "ptbxl_test.h5", "ptbxl_train.h5"])
    }

    func testSCPCodeParsing() {
        let c = PTBXLConverter.parseSCPCodes("{'NORM': 100.0, 'IRBBB': 100.0, 'SBRAD': 0.0}")
        XCTAssertEqual(c?.map(\.code), ["NORM", "IRBBB", "SBRAD"])
        XCTAssertEqual(c?.map(\.likelihood), [100, 100, 0])
        XCTAssertEqual(PTBXLConverter.parseSCPCodes("{}")?.count, 0)
        XCTAssertNil(PTBXLConverter.parseSCPCodes("NORM 100"))
        XCTAssertNil(PTBXLConverter.parseSCPCodes("{'NORM': high}"))
    }
}
