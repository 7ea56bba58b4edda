// Tests for ScatterPlot.swift: a 2×3 t-SNE-style figure with legends, and input checks.

import XCTest
import TestSupport
@testable import Plot

final class ScatterPlotTests: XCTestCase {
    static let classes = ["Atelectasis", "Cardiomegaly", "Consolidation", "Edema", "Pleural_Effusion"]

    /// `n` points in five Gaussian clusters; `spread` controls how separated they look.
    static func clusters(n: Int, spread: Double, seed: UInt64) -> ([Float], [Int]) {
        var noise = TestNoise(state: seed)
        var points: [Float] = [], labels: [Int] = []
        for i in 0..<n {
            let c = i % classes.count
            let angle = Double(c) * 2 * Double.pi / Double(classes.count)
            let gx = (noise.next() + noise.next() + noise.next() - 1.5) * spread
            let gy = (noise.next() + noise.next() + noise.next() - 1.5) * spread
            points += [Float(10 * cos(angle) + gx), Float(10 * sin(angle) + gy)]
            labels.append(c)
        }
        return (points, labels)
    }

    func testMultiPanelScatterRendersWithLegendAndTitles() throws {
        var panels: [any Panel] = []
        for (row, set) in ["CheXpert-style", "MIMIC-style"].enumerated() {
            for (col, model) in ["MoRE", "X-ray-text only", "random init"].enumerated() {
                let (p, l) = Self.clusters(n: 300, spread: 4 + 6 * Double(col), seed: UInt64(10 * row + col + 1))
                panels.append(ScatterPanel(points: p, labels: l, classNames: Self.classes,
                                           title: "\(model) (\(set))", showLegend: col == 2))
            }
        }
        let fig = Figure(name: "scatter-test", panels: panels, columns: 3, title: "t-SNE of X-ray features (synthetic cohort)",
                         width: 1500, height: 900, columnWeights: [1, 1, 1.45])
        let (out, svg, folder) = try renderAndCheck(fig)
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in Self.classes { XCTAssertTrue(svg.text.contains(name), "legend entry \(name) missing") }
        XCTAssertTrue(svg.text.contains("MoRE (CheXpert-style)"))
        XCTAssertTrue(svg.text.contains("t-SNE of X-ray features"))
        // 6 panels × 5 classes = 30 data blocks.
        let dat = try String(contentsOf: out.data, encoding: .utf8)
        XCTAssertTrue(dat.contains("# index 29\n"))
        XCTAssertFalse(dat.contains("# index 30\n"))
    }

    func testEmptyClassIsSkippedAndInputIsChecked() throws {
        let data = FigureData(fileName: "t.dat")
        let cell = PanelCell(left: 0, bottom: 0, right: 1, top: 1, figureWidth: 600, figureHeight: 400, fontSize: 10)
        let s = try ScatterPanel(points: [0, 0, 1, 1], labels: [0, 2], classNames: ["a", "b", "c"])
            .commands(data: data, cell: cell)
        XCTAssertEqual(data.blocks.count, 2)
        XCTAssertFalse(s.contains("title \"b\""))
        assertPlotError(.lengthMismatch(argument: "scatter.points", expected: 4, actual: 3)) {
            try commands(ScatterPanel(points: [0, 0, 1], labels: [0, 1], classNames: ["a", "b"]))
        }
        assertPlotError(.invalidArgument(argument: "scatter.labels[1]", reason: "is 5, must be in 0..<2 (classNames.count)")) {
            try commands(ScatterPanel(points: [0, 0, 1, 1], labels: [0, 5], classNames: ["a", "b"]))
        }
        assertPlotError(.nonFinite(argument: "scatter.points", index: 1)) {
            try commands(ScatterPanel(points: [0, .nan], labels: [0], classNames: ["a"]))
        }
        assertPlotError(.emptyInput(argument: "scatter.labels")) {
            try commands(ScatterPanel(points: [], labels: [], classNames: ["a"]))
        }
    }

    func testTransparencyColour() {
        XCTAssertEqual(ScatterPanel.argb("#0072B2", opacity: 1), "#000072B2")
        XCTAssertEqual(ScatterPanel.argb("#0072B2", opacity: 0.5), "#800072B2")
    }
}
