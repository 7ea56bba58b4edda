// Tests for TextPanel.swift: a text-only panel beside an image, wrapping into the box, and the
// empty-text check.

import XCTest
import TestSupport
@testable import Plot

final class TextPanelTests: XCTestCase {
    func testTextPanelBesideImageRenders() throws {
        let report = "FINDINGS: The cardiac silhouette is enlarged. There is a small left pleural effusion with "
            + "adjacent atelectasis. No pneumothorax.\nIMPRESSION: Cardiomegaly; small left effusion."
        let fig = Figure(name: "text-test", panels: [
            ImagePanel(pixels: ImageGridTests.fakeXray(size: 48, heart: 3), height: 48, width: 48, title: "Query X-ray"),
            TextPanel(title: "Query report", text: report),
        ], columns: 2, width: 900, height: 380)
        let (_, svg, folder) = try renderAndCheck(fig)
        defer { try? FileManager.default.removeItem(at: folder) }
        XCTAssertTrue(svg.text.contains("Query report"))
        // Every word of the report appears, in order (the SVG has one <text> per wrapped line).
        let squeeze = { (s: String) in s.filter { !$0.isWhitespace } }
        XCTAssertTrue(squeeze(svg.text).contains(squeeze(report)))
    }

    func testTextBoxWrapsToItsWidth() {
        let cell = PanelCell(left: 0, bottom: 0, right: 1, top: 1, figureWidth: 600, figureHeight: 400, fontSize: 10)
        let width = 30 * cell.charWidth
        let lines = TextBox.wrap("one two three four five six seven eight nine ten eleven twelve", width: width, cell: cell)
        XCTAssertGreaterThan(lines.count, 1)
        XCTAssertTrue(lines.allSatisfy { $0.count <= 28 }, "\(lines)")
        XCTAssertEqual(TextBox.height(lines: 0, cell: cell), 0)
        XCTAssertEqual(TextBox.wrap(nil, width: width, cell: cell), [])
    }

    func testEmptyTextIsRejected() {
        assertPlotError(.emptyInput(argument: "text.text")) { try commands(TextPanel(text: "")) }
    }
}
