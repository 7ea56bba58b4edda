import XCTest
import Foundation
import Datasets
import TestSupport
@testable import more

/// `more data check` (Reproduce/DataCheck.swift): a dataset folder stands for its `.h5` files,
/// in name order; a folder without any is an error saying so; a check ends with a summary line.
final class DataCheckTests: XCTestCase {
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
}
