// Tests for ImageGrid.swift: a row of captioned grayscale images, layout and input checks.

import XCTest
import TestSupport
@testable import Plot

final class ImageGridTests: XCTestCase {
    /// A chest-X-ray-like test image: dark lungs, bright mediastinum and a heart blob of `heart` size.
    static func fakeXray(size n: Int, heart: Double) -> [Float] {
        var px = [Float](repeating: 0, count: n * n)
        for y in 0..<n {
            for x in 0..<n {
                let u = (Double(x) + 0.5) / Double(n) - 0.5, v = (Double(y) + 0.5) / Double(n) - 0.5
                let body = max(0, 1 - (u * u / 0.2 + v * v / 0.25))
                let lungs = exp(-(pow(abs(u) - 0.2, 2) / 0.012 + pow(v + 0.05, 2) / 0.06))
                let spine = exp(-u * u / 0.004)
                let heartBlob = exp(-(pow(u + 0.05, 2) + pow(v - 0.12, 2)) / (0.01 * heart))
                px[y * n + x] = Float(min(1, max(0, 0.15 + 0.5 * body - 0.35 * lungs + 0.35 * spine + 0.5 * heartBlob)))
            }
        }
        return px
    }

    func testCaptionedGridRenders() throws {
        let captions = ["Cardiomegaly=1, Edema=0\nEffusion=1", "Cardiomegaly=1, Edema=1\nEffusion=0",
                        "Cardiomegaly=0, Edema=0\nEffusion=0", "Cardiomegaly=1, Edema=0\nEffusion=0",
                        "Cardiomegaly=1, Edema=1\nEffusion=1"]
        let panels: [any Panel] = captions.enumerated().map { i, c in
            ImagePanel(pixels: Self.fakeXray(size: 64, heart: 1 + Double(i) * 0.6), height: 64, width: 64,
                       title: "#\(i + 1)", caption: c)
        }
        let fig = Figure(name: "image-grid-test", panels: panels, columns: 5,
                         title: "Top-5 X-rays for \"Cardiomegaly is severe\"", width: 1250, height: 360)
        let (out, svg, folder) = try renderAndCheck(fig)
        defer { try? FileManager.default.removeItem(at: folder) }
        XCTAssertEqual(svg.elements["image"], 5, "one embedded bitmap per image")
        XCTAssertTrue(svg.text.contains("Cardiomegaly=1, Edema=0"))
        XCTAssertTrue(svg.text.contains("Effusion=1"))
        let gp = try String(contentsOf: out.script, encoding: .utf8)
        XCTAssertEqual(gp.components(separatedBy: "using 1:2:3 with image").count - 1, 5)
    }

    func testImageBoxKeepsAspectAndReservesCaption() {
        let cell = PanelCell(left: 0, bottom: 0, right: 0.5, top: 1, figureWidth: 1000, figureHeight: 600, fontSize: 10)
        let box = ImageBox(cell: cell, width: 200, height: 100, titleLines: 1, captionLines: 2)
        let wPix = (box.right - box.left) * 1000, hPix = (box.top - box.bottom) * 600
        XCTAssertEqual(wPix / hPix, 2, accuracy: 1e-9)
        XCTAssertGreaterThanOrEqual(box.bottom, 2 * cell.lineHeight)
        XCTAssertLessThanOrEqual(box.top, 1 - cell.lineHeight)
        XCTAssertGreaterThanOrEqual(box.left, 0)
        XCTAssertLessThanOrEqual(box.right, 0.5)
    }

    func testBadImageShapeIsNamed() {
        assertPlotError(.lengthMismatch(argument: "image.pixels", expected: 12, actual: 10)) {
            try commands(ImagePanel(pixels: [Float](repeating: 0.5, count: 10), height: 3, width: 4))
        }
        assertPlotError(.invalidArgument(argument: "image.height", reason: "is 0, must be at least 1")) {
            try commands(ImagePanel(pixels: [], height: 0, width: 4))
        }
        assertPlotError(.nonFinite(argument: "image.pixels", index: 2)) {
            try commands(ImagePanel(pixels: [0, 0, .infinity, 0], height: 2, width: 2))
        }
    }
}
