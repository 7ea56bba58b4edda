// Tests for HeatmapOverlay.swift: bilinear resampling against hand-computed values, and a
// rendered overlay with colour bar.

import XCTest
import TestSupport
@testable import Plot

final class HeatmapOverlayTests: XCTestCase {
    func testBilinearResampleMatchesHalfPixelFormula() {
        // 1×2 → 1×4: output centres at u = (o + ½)·2/4 − ½ = −0.25, 0.25, 0.75, 1.25 → clamped 0, 0.25, 0.75, 1.
        let up = bilinearResample([0, 4], height: 1, width: 2, toHeight: 1, toWidth: 4)
        assertClose(up, [0, 1, 3, 4], abs: 1e-6)
        // 2×2 → 4×4: separable, so the centre 2×2 block is the bilinear mix at 0.25/0.75.
        let m = bilinearResample([0, 1, 2, 3], height: 2, width: 2, toHeight: 4, toWidth: 4)
        XCTAssertEqual(m[1 * 4 + 1], 0 + 0.25 * 1 + 0.25 * 2, accuracy: 1e-6)
        XCTAssertEqual(m[2 * 4 + 2], 0 + 0.75 * 1 + 0.75 * 2, accuracy: 1e-6)
        XCTAssertEqual(m[0], 0, accuracy: 1e-6)
        XCTAssertEqual(m[15], 3, accuracy: 1e-6)
        // Same size is the identity; a constant stays constant.
        let x: [Float] = [0.1, 0.7, 0.3, 0.9, 0.5, 0.2]
        assertClose(bilinearResample(x, height: 2, width: 3, toHeight: 2, toWidth: 3), x, abs: 0)
        assertClose(bilinearResample([Float](repeating: 2.5, count: 9), height: 3, width: 3, toHeight: 7, toWidth: 5),
                    [Float](repeating: 2.5, count: 35), abs: 1e-6)
    }

    func testNormalisation() {
        assertClose(normalisedToUnit([2, 4, 3]), [0, 1, 0.5], abs: 1e-7)
        assertClose(normalisedToUnit([5, 5]), [0, 0], abs: 0)
    }

    func testOverlayRendersWithColourBar() throws {
        let n = 64
        let image = ImageGridTests.fakeXray(size: n, heart: 2)
        var relevance = [Float](repeating: 0, count: 64)
        for y in 0..<8 { for x in 0..<8 { relevance[y * 8 + x] = Float(exp(-(pow(Double(x) - 3.5, 2) + pow(Double(y) - 4.5, 2)) / 3)) } }
        let panels: [any Panel] = [
            ImagePanel(pixels: image, height: n, width: n, title: "X-ray", caption: "Cardiomegaly=1"),
            HeatmapPanel(image: image, height: n, width: n, relevance: relevance, relevanceHeight: 8, relevanceWidth: 8,
                         title: "Chefer relevance", caption: "pointing game: hit"),
            HeatmapPanel(image: image, height: n, width: n, relevance: relevance, relevanceHeight: 8, relevanceWidth: 8,
                         colorMap: .hot, title: "Attention rollout"),
        ]
        let fig = Figure(name: "heatmap-test", panels: panels, columns: 3, title: "Explanations", width: 1100, height: 420)
        let (out, svg, folder) = try renderAndCheck(fig)
        defer { try? FileManager.default.removeItem(at: folder) }
        // X-ray image; gray layer + overlay layer for each heatmap panel.
        XCTAssertEqual(svg.elements["image"], 5)
        XCTAssertTrue(svg.text.contains("0.75"), "colour bar tics")
        let gp = try String(contentsOf: out.script, encoding: .utf8)
        XCTAssertTrue(gp.contains("with rgbalpha"))
        XCTAssertTrue(gp.contains("set colorbox user"))
        // The resampled relevance peaks at 1 and bottoms at 0 in the data file.
        let dat = try String(contentsOf: out.data, encoding: .utf8)
        let rows = dat.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: " ") }.filter { $0.count == 4 }
        let rel = rows.compactMap { Double($0[3]) }
        XCTAssertEqual(rel.count, 2 * n * n)
        XCTAssertEqual(rel.max(), 1)
        XCTAssertEqual(rel.min(), 0)
    }

    func testBadRelevanceShapeIsNamed() {
        assertPlotError(.lengthMismatch(argument: "heatmap.relevance", expected: 16, actual: 15)) {
            try commands(HeatmapPanel(image: [Float](repeating: 0, count: 64), height: 8, width: 8,
                                      relevance: [Float](repeating: 0, count: 15), relevanceHeight: 4, relevanceWidth: 4))
        }
        assertPlotError(.invalidArgument(argument: "heatmap.opacity", reason: "must be in (0, 1]")) {
            try commands(HeatmapPanel(image: [Float](repeating: 0, count: 64), height: 8, width: 8,
                                      relevance: [1], relevanceHeight: 1, relevanceWidth: 1, opacity: 0))
        }
    }
}
