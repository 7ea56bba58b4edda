// ConvertPathsTests — the path checks of Convert/ConvertPaths.swift: every converter refuses an
// --out that is a file (or lies under one) before it reads a record, a --root that is a file is
// named as a file, a folder given for an input file is named as a folder, and Foundation's file
// errors read as plain words (never "NSCocoaErrorDomain error 512"). Also the summary's plurals.

import Foundation
import XCTest
import TestSupport
@testable import Datasets

final class ConvertPathsTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws { dir = try Fixtures.tempDirectory("convert-paths") }
    override func tearDownWithError() throws { if let dir { try? FileManager.default.removeItem(at: dir) } }

    /// An empty folder (the converters read nothing from it before checking --out) and a file.
    func folderAndFile() throws -> (folder: URL, file: URL) {
        let folder = dir.appendingPathComponent("root"), file = dir.appendingPathComponent("afile")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: file)
        return (folder, file)
    }

    /// Each converter run on empty roots with `out`, recording whether it reported progress.
    func conversions(root: URL, labels: URL, out: URL) -> [(String, () throws -> ConvertSummary)] {
        let options = ConvertOptions(progress: { _, _, _ in XCTFail("a record was read before --out was checked") })
        return [
            ("ptbxl", { try PTBXLConverter.convert(root: root, out: out, options: options) }),
            ("mimic", { try MIMICConverter.convert(cxrRoot: root, ecgRoot: root, out: out, options: options) }),
            ("chexpert", { try CheXpertConverter.convert(root: root, out: out, options: options) }),
            ("edema", { try EdemaConverter.convert(cxrRoot: root, labels: labels, out: out, options: options) }),
        ]
    }

    /// Before: each converter read its tables (and, on real data, every record) and failed only
    /// when it created --out ("cannot create the output folder: …"); on empty roots it failed on
    /// the missing CSV instead. Now --out is checked first.
    func testEveryConverterRefusesAnOutputThatIsAFileBeforeReading() throws {
        let (root, file) = try folderAndFile()
        try FileManager.default.createDirectory(at: root.appendingPathComponent("records100"), withIntermediateDirectories: true)
        for (name, convert) in conversions(root: root, labels: file, out: file) {
            XCTAssertThrowsError(try convert(), name) {
                XCTAssertEqual($0 as? DataError, .writeFailed(file: file.path, reason: "it is a file, expected a folder"), name)
            }
        }
        let under = file.appendingPathComponent("sub")
        for (name, convert) in conversions(root: root, labels: file, out: under) {
            XCTAssertThrowsError(try convert(), name) {
                XCTAssertEqual($0 as? DataError, .writeFailed(file: under.path, reason: "\(file.path) is a file, not a folder"), name)
            }
        }
    }

    /// Before: `--root …/train.csv` was "train.csv: no such file".
    func testARootThatIsAFileIsNamedAsAFile() throws {
        let (_, file) = try folderAndFile()
        let out = dir.appendingPathComponent("out")
        for (name, convert) in conversions(root: file, labels: file, out: out) {
            XCTAssertThrowsError(try convert(), name) { error in
                guard case DataError.notADirectory(let path, let expected) = error else { return XCTFail("\(name): \(error)") }
                XCTAssertEqual(path, file.path, name)
                XCTAssertTrue(expected.hasPrefix("folder") && expected.contains("--root"), "\(name): \(expected)")
            }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "a refused conversion created --out")
        let missing = dir.appendingPathComponent("missing")
        XCTAssertThrowsError(try CheXpertConverter.convert(root: missing, out: out)) { XCTAssertEqual($0 as? DataError, .missingFile(missing.path)) }
    }

    /// `--ecg-root` and `--reports` that are files are named too, as the options they are.
    func testECGRootAndReportsThatAreFilesAreNamed() throws {
        let (root, file) = try folderAndFile()
        let out = dir.appendingPathComponent("out")
        XCTAssertThrowsError(try MIMICConverter.convert(cxrRoot: root, ecgRoot: file, out: out)) { error in
            guard case DataError.notADirectory(file.path, let expected) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(expected.contains("--ecg-root"), expected)
        }
        XCTAssertThrowsError(try EdemaConverter.convert(cxrRoot: root, labels: file, reportsRoot: file, out: out)) { error in
            guard case DataError.notADirectory(file.path, let expected) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(expected.contains("--reports"), expected)
        }
    }

    /// Before: a folder given for a CSV (`--labels DIR`) was "not a readable CSV file (The
    /// operation could not be completed. (NSCocoaErrorDomain error 256.))".
    func testAFolderGivenForAnInputFileIsNamedAsAFolder() throws {
        let (root, _) = try folderAndFile()
        XCTAssertThrowsError(try CSVTable(contentsOf: root)) { XCTAssertEqual($0 as? DataError, .isDirectory(root.path, expected: "CSV file")) }
        XCTAssertThrowsError(try readUTF8Text(root)) { XCTAssertEqual($0 as? DataError, .isDirectory(root.path, expected: "text file")) }
        XCTAssertThrowsError(try EdemaConverter.convert(cxrRoot: root, labels: root, out: dir.appendingPathComponent("out"))) {
            XCTAssertEqual($0 as? DataError, .isDirectory(root.path, expected: "CSV file"))
        }
    }

    func testFoundationFileErrorsReadAsPlainWords() throws {
        let (folder, file) = try folderAndFile()
        var reasons: [String] = []
        do { _ = try Data(contentsOf: folder) } catch { reasons.append(plainReason(error)) }
        do { try Data().write(to: file.appendingPathComponent("sub")) } catch { reasons.append(plainReason(error)) }
        do { try FileManager.default.createDirectory(at: file.appendingPathComponent("sub"), withIntermediateDirectories: true) } catch {
            reasons.append(plainReason(error))
        }
        XCTAssertEqual(reasons, ["Is a directory", "Not a directory", "Not a directory"])
        XCTAssertEqual(plainReason(CocoaError(.fileWriteOutOfSpace)), "no space left on the device")
        XCTAssertEqual(plainReason(DataError.missingFile("x")), "x: no such file")
    }

    func testOutputFileChecks() throws {
        let (folder, file) = try folderAndFile()
        XCTAssertNoThrow(try requireWritableOutputFile(folder.appendingPathComponent("x.f32")))
        XCTAssertNoThrow(try requireWritableOutputFile(file), "an existing file is replaced")
        let cases: [(URL, String)] = [
            (folder, "it is a folder, expected a file name"),
            (file.appendingPathComponent("x.f32"), "\(file.path) is a file, not a folder"),
            (folder.appendingPathComponent("missing/x.f32"), "folder \(folder.path)/missing does not exist"),
        ]
        for (url, reason) in cases {
            XCTAssertThrowsError(try requireWritableOutputFile(url)) { XCTAssertEqual($0 as? DataError, .writeFailed(file: url.path, reason: reason)) }
        }
        XCTAssertNoThrow(try requireWritableOutputFolder(folder.appendingPathComponent("a/b/c")), "missing folders are created later")
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("a").path), "the check creates nothing")
    }

    /// Before: "chexpert: 1 rows in 1 files", "only 1 candidates".
    func testTheSummaryCountsInTheRightNumber() {
        var s = ConvertSummary(dataset: "chexpert")
        s.written = [("chexpert5x200.h5", 1)]
        s.skip("a", "unreadable X-ray image")
        XCTAssertEqual(s.text.split(separator: "\n").map(String.init),
                       ["chexpert: 1 row in 1 file", "  chexpert5x200.h5: 1 row", "  skipped: 1 record", "    1 × unreadable X-ray image",
                        "      e.g. a"])
        s.written.append(("other.h5", 2))
        XCTAssertTrue(s.text.hasPrefix("chexpert: 3 rows in 2 files\n"), s.text)
        XCTAssertEqual([0, 1, 2].map { counted($0, "file") }, ["0 files", "1 file", "2 files"])
    }

    /// `--lead-order stored` is the canonical spelling, `asStored` its alias; `--day-window` takes
    /// kebab-case and the raw values. The attributes the files carry keep their old spellings.
    func testOptionSpellingsAndTheirAliases() {
        XCTAssertEqual(parseLeadOrder("stored"), .asStored)
        XCTAssertEqual(parseLeadOrder("asStored"), .asStored)
        XCTAssertEqual(parseLeadOrder("mimic"), .mimicToStandard)
        XCTAssertNil(parseLeadOrder("names"))
        XCTAssertEqual(ConvertOptions(leadOrder: parseLeadOrder("stored")!).leadOrderName, "asStored")
        typealias W = MIMICConverter.DayWindow
        XCTAssertEqual(["calendar-days", "calendarDays", "authors-timestamp", "authorsTimestamp", "days"].map { W(option: $0) },
                       [.calendarDays, .calendarDays, .authorsTimestamp, .authorsTimestamp, nil])
        XCTAssertEqual(W.calendarDays.rawValue, "calendarDays")
    }
}
