// DataConvertTests — `more data convert`'s options (Reproduce/DataConvert.swift): an option that
// does not apply to the dataset is a usage error naming it and the datasets it is for; the option
// values share their spellings with `more ecg preprocess` (old spellings kept as aliases); an
// --out that is a file fails before any record is read, as the other commands' errors ("Error:"
// from More.main, not a hand-written "error:" line); --size's help names the tiny config's 64.
// Deliberately not here: the converters (Tests/DatasetsTests/Convert*Tests), the whole command
// end to end (ConvertedEndToEndTests).

import Foundation
import XCTest
import TestSupport
import Datasets
@testable import more

final class DataConvertTests: XCTestCase {
    func usageError(_ args: [String], file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            _ = try DataConvert.parse(args)
            XCTFail("accepted \(args)", file: file, line: line)
            return ""
        } catch {
            XCTAssertEqual(DataConvert.exitCode(for: error).rawValue, 64, file: file, line: line)
            return DataConvert.message(for: error)
        }
    }

    /// Before: `chexpert … --labels x.csv --ecg-root y --rate 500` converted and exited 0.
    func testOptionsThatDoNotApplyToTheDatasetAreUsageErrors() {
        XCTAssertEqual(usageError(["chexpert", "--root", "r", "--out", "o", "--labels", "x.csv", "--ecg-root", "y", "--rate", "500"]),
                       "--ecg-root (mimic only), --labels (edema only) and --rate (ptbxl only) do not apply to chexpert")
        XCTAssertEqual(usageError(["ptbxl", "--root", "r", "--out", "o", "--size", "64"]),
                       "--size (mimic, chexpert and edema only) does not apply to ptbxl")
        XCTAssertEqual(usageError(["edema", "--root", "r", "--out", "o", "--labels", "l", "--seed", "1", "--lead-order", "mimic"]),
                       "--lead-order (ptbxl and mimic only) and --seed (mimic and chexpert only) do not apply to edema")
        XCTAssertEqual(usageError(["ptbxl", "--root", "r", "--out", "o", "--day-window", "calendar-days", "--reports", "d"]),
                       "--reports (mimic and edema only) and --day-window (mimic only) do not apply to ptbxl")
        // Every option is accepted by the datasets its help names.
        for args in [["ptbxl", "--rate", "500", "--lead-order", "mimic", "--limit", "3"],
                     ["mimic", "--ecg-root", "e", "--reports", "d", "--day-window", "authors-timestamp", "--lead-order", "stored",
                      "--size", "64", "--seed", "1"],
                     ["chexpert", "--size", "64", "--seed", "7"],
                     ["edema", "--labels", "l", "--reports", "d", "--size", "64"]] {
            XCTAssertNoThrow(try DataConvert.parse(args + ["--root", "r", "--out", "o"]), "\(args)")
        }
    }

    /// `--lead-order` takes `ecg preprocess`'s spellings (stored, mimic; `asStored` still works),
    /// `--day-window` kebab-case as the other option values (the camel-case raw values still work).
    func testOptionValueSpellingsAndAliases() throws {
        let base = ["--root", "r", "--out", "o"]
        for (value, order) in [("stored", ECGLeadOrder.asStored), ("asStored", .asStored), ("mimic", .mimicToStandard)] {
            XCTAssertEqual(try DataConvert.parse(["ptbxl", "--lead-order", value] + base).leadOrderValue, order, value)
        }
        XCTAssertEqual(try DataConvert.parse(["ptbxl"] + base).leadOrderValue, .asStored, "the default")
        XCTAssertTrue(usageError(["ptbxl", "--lead-order", "names"] + base).hasPrefix("--lead-order names is `more ecg preprocess`'s"))
        XCTAssertEqual(usageError(["ptbxl", "--lead-order", "standard"] + base), "--lead-order must be stored or mimic, got standard")
        let mimic = ["mimic", "--ecg-root", "e"] + base
        for (value, window) in [("calendar-days", MIMICConverter.DayWindow.calendarDays), ("calendarDays", .calendarDays),
                                ("authors-timestamp", .authorsTimestamp), ("authorsTimestamp", .authorsTimestamp)] {
            XCTAssertEqual(try DataConvert.parse(mimic + ["--day-window", value]).dayWindowValue, window, value)
        }
        XCTAssertEqual(try DataConvert.parse(mimic).dayWindowValue, .calendarDays, "the default")
        XCTAssertEqual(usageError(mimic + ["--day-window", "days"]), "--day-window must be calendar-days or authors-timestamp, got days")
        let help = DataConvert.helpMessage(columns: 200)
        XCTAssertTrue(help.contains("--lead-order <stored|mimic>") && help.contains("--day-window <calendar-days|authors-timestamp>"), help)
    }

    /// A user converting with the defaults (224) for the default tiny config (64) is told in the help.
    func testSizeHelpNamesTheTinyConfigsSize() {
        let help = DataConvert.helpMessage(columns: 100).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        XCTAssertTrue(help.contains("224 (default, the paper config) or 64. The tiny config") && help.contains("needs --size 64"), help)
    }

    /// Before: the whole conversion ran (progress bars; hours on MIMIC) and then failed with "error:
    /// …: could not write (cannot create the output folder: …)" printed by the command itself.
    /// Now the converter refuses --out first, and the DataError reaches More.main, which prints
    /// it as every command's error ("Error: …").
    func testAnOutputThatIsAFileFailsBeforeAnyRecordIsRead() throws {
        let dir = try Fixtures.tempDirectory("data-convert-out")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("afile")
        try Data("x".utf8).write(to: file)
        let root = Fixtures.repoRoot.appendingPathComponent("Tests/Golden/convert/chexpert/CheXpert-v1.0-small")
        XCTAssertThrowsError(try DataConvert.parse(["chexpert", "--root", root.path, "--out", file.path, "--size", "64", "--quiet",
                                                    "--threads", "1"]).run()) {
            XCTAssertEqual($0 as? DataError, .writeFailed(file: file.path, reason: "it is a file, expected a folder"))
        }
        XCTAssertThrowsError(try DataConvert.parse(["chexpert", "--root", root.appendingPathComponent("train.csv").path,
                                                    "--out", dir.appendingPathComponent("o").path, "--quiet"]).run()) { error in
            guard case DataError.notADirectory(let path, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(path, root.appendingPathComponent("train.csv").path)
        }
    }
}
