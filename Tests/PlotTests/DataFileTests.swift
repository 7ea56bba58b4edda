// Tests for DataFile.swift: fixed number formatting and block/index layout of data files.

import XCTest
@testable import Plot

final class DataFileTests: XCTestCase {
    func testNumberFormatting() {
        XCTAssertEqual(DataFormat.number(0.1234567), "0.123457")
        XCTAssertEqual(DataFormat.number(1234567.0), "1.23457e+06")
        XCTAssertEqual(DataFormat.number(3), "3")
        XCTAssertEqual(DataFormat.number(-0.0), "0")
        XCTAssertEqual(DataFormat.number(1e-9, precision: 3), "1e-09")
        XCTAssertEqual(DataFormat.number(.nan), "NaN")
        XCTAssertEqual(DataFormat.number(-.infinity), "NaN")
        XCTAssertEqual(DataFormat.fixed(0.87349, digits: 3), "0.873")
        XCTAssertEqual(DataFormat.fixed(-0.0001, digits: 2), "0.00")
        XCTAssertEqual(DataFormat.fixed(1, digits: 0), "1")
        // The integer fast path prints what %g prints; larger integers go through printf.
        XCTAssertEqual(DataFormat.number(999999), "999999")
        XCTAssertEqual(DataFormat.number(1000000), "1e+06")
        XCTAssertEqual(DataFormat.number(-42), "-42")
        XCTAssertEqual(DataFormat.number(12345, precision: 4), "1.234e+04")
        XCTAssertEqual(DataFormat.number(0), "0")
    }

    func testBlocksAreIndexedAndSeparatedByTwoBlankLines() {
        let data = FigureData(fileName: "f.dat")
        var a = DataBlock(comment: "x y")
        a.row([1, 2.5])
        var b = DataBlock(comment: "matrix\nsecond comment line", precision: 3)
        b.grid([0.12345, 1, 2, 3], rows: 2, cols: 2)
        XCTAssertEqual(data.add(a), 0)
        XCTAssertEqual(data.add(b), 1)
        XCTAssertEqual(data.source(1), "\"f.dat\" index 1")
        XCTAssertEqual(String(decoding: data.contents(header: "h"), as: UTF8.self),
                       "# h\n# index 0\n# x y\n1 2.5\n\n\n# index 1\n# matrix\n# second comment line\n"
                       + "0 0 0.123\n1 0 1\n\n0 1 2\n1 1 3\n\n")
    }
}
