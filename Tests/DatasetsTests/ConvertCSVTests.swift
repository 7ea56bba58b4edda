// Tests for CSVReader: RFC 4180 quoting (commas, line breaks, doubled quotes inside quoted
// fields), CRLF, BOM, header lookup, column selection, and one test per malformed input, each
// a DataError naming the file, line and column.

import Foundation
import XCTest
import TestSupport
@testable import Datasets

final class ConvertCSVTests: XCTestCase {
    func assertMalformed(_ text: String, field: String, reasonContains: String, columns: [String]? = nil,
                         file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try CSVTable(text: text, file: "t.csv", columns: columns), file: file, line: line) { error in
            guard case DataError.malformed(let f, let fld, let reason) = error else {
                return XCTFail("expected .malformed, got \(error)", file: file, line: line)
            }
            XCTAssertEqual(f, "t.csv", file: file, line: line)
            XCTAssertEqual(fld, field, file: file, line: line)
            XCTAssertTrue(reason.contains(reasonContains), "\(reason)", file: file, line: line)
        }
    }

    func testQuotedFieldsWithCommasNewlinesAndQuotes() throws {
        let text = "ecg_id,report,scp_codes\r\n"
            + "1,\"sinus rhythm, normal\",\"{'NORM': 100.0, 'SR': 0.0}\"\r\n"
            + "2,\"line one\nline two\",\"he said \"\"hi\"\"\"\r\n"
            + "3,,plain\r\n"
        let t = try CSVTable(text: text)
        XCTAssertEqual(t.header, ["ecg_id", "report", "scp_codes"])
        XCTAssertEqual(t.count, 3)
        XCTAssertEqual(t[0, 1], "sinus rhythm, normal")
        XCTAssertEqual(t[0, 2], "{'NORM': 100.0, 'SR': 0.0}")
        XCTAssertEqual(t[1, 1], "line one\nline two")
        XCTAssertEqual(t[1, 2], "he said \"hi\"")
        XCTAssertEqual(t[2, 1], "")
        XCTAssertEqual(t.lines, [2, 3, 5], "row 3 starts after the two-line field")
        XCTAssertEqual(try t.column("scp_codes"), 2)
    }

    func testBOMEmptyHeaderCellNoTrailingNewlineAndUTF8() throws {
        let text = "\u{FEFF},description,diagnostic\nNDT,non-diagnostic T,1.0\nSR,sinus rhythm — ä,"
        let t = try CSVTable(text: text)
        XCTAssertEqual(t.header, ["", "description", "diagnostic"])
        XCTAssertEqual(t.rows, [["NDT", "non-diagnostic T", "1.0"], ["SR", "sinus rhythm — ä", ""]])
    }

    func testColumnSelectionMaterialisesOnlyRequestedColumns() throws {
        let t = try CSVTable(text: "a,b,c\n1,2,3\n4,5,6\n", columns: ["c", "a"])
        XCTAssertEqual(t.rows, [["1", "", "3"], ["4", "", "6"]])
    }

    func testMissingColumnNamesFileAndColumn() {
        XCTAssertThrowsError(try CSVTable(text: "a,b\n1,2\n", file: "t.csv", columns: ["strat_fold"])) {
            XCTAssertEqual($0 as? DataError, .missingField(file: "t.csv", field: "column strat_fold"))
        }
        let t = try? CSVTable(text: "a,b\n1,2\n", file: "t.csv")
        XCTAssertThrowsError(try t?.column("report")) { XCTAssertEqual($0 as? DataError, .missingField(file: "t.csv", field: "column report")) }
    }

    func testUnterminatedQuoteNamesTheLineWhereItOpened() {
        assertMalformed("a,b\n1,\"open\n2,3\n", field: "line 2, column b", reasonContains: "unterminated")
    }

    func testQuoteInsideUnquotedField() {
        assertMalformed("a,b\n1,ab\"c\n", field: "line 2, column b", reasonContains: "quote inside")
    }

    func testTextAfterClosingQuote() {
        assertMalformed("a,b\n\"x\"y,2\n", field: "line 2, column a", reasonContains: "after the closing quote")
    }

    func testWrongFieldCount() {
        assertMalformed("a,b,c\n1,2,3\n4,5\n", field: "line 3", reasonContains: "has 2 fields, the header has 3")
        assertMalformed("a,b\n1,2,3\n", field: "line 2", reasonContains: "has 3 fields")
    }

    func testNonUTF8Field() {
        var bytes = Array("a,report\n1,ok\n2,caf".utf8)
        bytes += [0xE9, 0x0A]  // Latin-1 é
        XCTAssertThrowsError(try CSVTable(bytes: bytes, file: "t.csv")) {
            XCTAssertEqual($0 as? DataError, .malformed(file: "t.csv", field: "line 3, column report", reason: "not valid UTF-8 text"))
        }
    }

    func testEmptyAndMissingFile() throws {
        assertMalformed("", field: "line 1", reasonContains: "empty")
        let dir = try Fixtures.tempDirectory("csv")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("nope.csv")
        XCTAssertThrowsError(try CSVTable(contentsOf: url)) { XCTAssertEqual($0 as? DataError, .missingFile(url.path)) }
    }
}
