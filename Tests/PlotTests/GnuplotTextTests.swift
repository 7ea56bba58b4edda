// Tests for GnuplotText.swift: quoting, word wrapping, colours and colour-map definitions.

import XCTest
@testable import Plot

final class GnuplotTextTests: XCTestCase {
    func testQuoting() {
        XCTAssertEqual(GnuplotText.quoted("a \"b\" c\\d\ne_f"), "\"a \\\"b\\\" c\\\\d\\ne_f\"")
    }

    func testWrap() {
        XCTAssertEqual(GnuplotText.wrap("Sinus rhythm. Left axis deviation.", width: 14), ["Sinus rhythm.", "Left axis", "deviation."])
        XCTAssertEqual(GnuplotText.wrap("a\n\nb", width: 10), ["a", "", "b"])
        XCTAssertEqual(GnuplotText.wrap("abcdefghij", width: 4), ["abcd", "efgh", "ij"])
        XCTAssertEqual(GnuplotText.wrap("", width: 10), [""])
    }

    func testColours() {
        XCTAssertEqual(GnuplotText.classColor(0), GnuplotText.classColor(12))
        XCTAssertNotEqual(GnuplotText.classColor(0), GnuplotText.classColor(1))
        for map in ColorMap.allCases {
            XCTAssertTrue(map.definitions.contains("cm_r(v) ="))
            XCTAssertTrue(map.definitions.contains("set palette model RGB functions cm_r(gray), cm_g(gray), cm_b(gray)"))
        }
    }
}
