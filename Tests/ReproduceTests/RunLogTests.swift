import XCTest
import Foundation
import TestSupport
@testable import more

/// `RunLog` (Reproduce/Figures/RunLog.swift): figure-training reads a run's CSV logs strictly,
/// and every malformed log is an error naming the file, the line and the column.
final class RunLogTests: XCTestCase {
    let header = "step,epoch,loss,lr"
    /// The folders of this test's logs, removed after each test.
    var folders: [URL] = []

    override func tearDown() {
        for f in folders { try? FileManager.default.removeItem(at: f) }
        folders = []
        super.tearDown()
    }

    func log(_ text: String) throws -> URL {
        let dir = try Fixtures.tempDirectory("runlog")
        folders.append(dir)
        let url = dir.appendingPathComponent("train_log.csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func read(_ text: String) throws -> RunLog { try RunLog(url: try log(text), required: ["step", "loss", "lr"]) }

    func assertError(_ text: String, _ expected: (String) -> RunLogError, _ message: String, line: UInt = #line) throws {
        let url = try log(text)
        XCTAssertThrowsError(try RunLog(url: url, required: ["step", "loss", "lr"]), line: line) { e in
            XCTAssertEqual(e as? RunLogError, expected(url.path), "\(e)", line: line)
            XCTAssertTrue("\(e)".contains(url.path) && "\(e)".contains(message), "\(e)", line: line)
        }
    }

    func testAWellFormedLogIsReadRowByRow() throws {
        let l = try read("\(header)\n1,0,7.5,0.001\n2,0,7.25,0.002\n")
        XCTAssertEqual(l.rows.count, 2)
        XCTAssertEqual(l.rows[1]["loss"], 7.25)
        XCTAssertEqual(l.rows[0]["lr"], 0.001)
    }

    func testMalformedLogsNameFileLineAndColumn() throws {
        try assertError("", { .noRows(file: $0) }, "no rows")
        try assertError("\(header)\n", { .noRows(file: $0) }, "no rows")
        try assertError("step,epoch,lr\n1,0,0.1\n", { .missingColumn(file: $0, column: "loss", header: ["step", "epoch", "lr"]) }, "no column 'loss'")
        try assertError("\(header)\n1,0,7.5,0.001\n2,0,7.2\n", { .fieldCount(file: $0, line: 3, found: 3, expected: 4) }, "line 3: 3 fields")
        try assertError("\(header)\n1,0,abc,0.001\n", { .badValue(file: $0, line: 2, column: "loss", value: "abc") }, "column 'loss' is 'abc'")
        try assertError("\(header)\n1,0,nan,0.001\n", { .badValue(file: $0, line: 2, column: "loss", value: "nan") }, "not a finite number")
    }

    /// A column the figure does not draw may hold anything.
    func testColumnsNotDrawnAreNotChecked() throws {
        XCTAssertEqual(try read("\(header)\n1,x,7.5,0.001\n").rows.count, 1)
    }

    func testAMissingLogSaysWhereItComesFrom() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("no-run-\(UUID().uuidString)/train_log.csv")
        XCTAssertThrowsError(try RunLog(url: url, required: ["step"])) { e in
            XCTAssertEqual(e as? RunLogError, .missing(file: url.path))
            XCTAssertTrue("\(e)".contains("more pretrain"), "\(e)")
        }
    }
}
