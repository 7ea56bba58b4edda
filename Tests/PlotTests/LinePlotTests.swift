// Tests for LinePlot.swift: stacked training-curve panels (log-y loss, accuracy, learning
// rate) and input checks.

import XCTest
import TestSupport
@testable import Plot

final class LinePlotTests: XCTestCase {
    func testStackedTrainingCurvesRender() throws {
        let steps = (0..<400).map(Double.init)
        var noise = TestNoise(state: 7)
        let loss = steps.map { 4.2 * exp(-$0 / 120) + 0.3 + 0.05 * noise.next() }
        let valLoss = steps.map { 4.2 * exp(-$0 / 140) + 0.45 }
        let acc = steps.map { 1 - 0.95 * exp(-$0 / 100) }
        let lr = steps.map { $0 < 40 ? 3e-4 * $0 / 40 : 3e-4 * 0.5 * (1 + cos(Double.pi * ($0 - 40) / 360)) }
        let panels: [any Panel] = [
            LinePanel(series: [LineSeries(name: "train", x: steps, y: loss), LineSeries(name: "validation", x: steps, y: valLoss)],
                      title: "InfoNCE loss", yLabel: "loss", logY: true),
            LinePanel(series: [LineSeries(name: "X-ray-text", y: acc), LineSeries(name: "X-ray-ECG", y: acc.map { $0 * 0.9 })],
                      title: "Contrastive accuracy", yLabel: "top-1 accuracy", yRange: 0...1, key: .bottomRight),
            LinePanel(series: [LineSeries(name: "learning rate", x: steps, y: lr)], title: "Learning rate",
                      xLabel: "step", yLabel: "lr", yFormat: "%.0e", key: .none),
        ]
        let fig = Figure(name: "lines-test", panels: panels, columns: 1, title: "Training (synthetic)", width: 900, height: 1000)
        let (out, svg, folder) = try renderAndCheck(fig)
        defer { try? FileManager.default.removeItem(at: folder) }
        XCTAssertTrue(svg.text.contains("validation"))
        XCTAssertTrue(svg.text.contains("Contrastive accuracy"))
        let gp = try String(contentsOf: out.script, encoding: .utf8)
        XCTAssertTrue(gp.contains("set logscale y"))
        XCTAssertTrue(gp.contains("set format y \"%.0e\""))
        // 5 series blocks, each with 400 rows.
        let dat = try String(contentsOf: out.data, encoding: .utf8)
        XCTAssertTrue(dat.contains("# index 4\n"))
        XCTAssertEqual(dat.split(separator: "\n").filter { !$0.hasPrefix("#") }.count, 5 * 400)
    }

    func testLineInputIsChecked() {
        assertPlotError(.lengthMismatch(argument: "line.series[0] (a).y", expected: 3, actual: 2)) {
            try commands(LinePanel(series: [LineSeries(name: "a", x: [0, 1, 2], y: [1, 2])]))
        }
        assertPlotError(.invalidArgument(argument: "line.series[1] (b).y[1]", reason: "is 0.0; log-y needs positive values")) {
            try commands(LinePanel(series: [LineSeries(name: "a", y: [1, 2]), LineSeries(name: "b", y: [1, 0])], logY: true))
        }
        assertPlotError(.emptyInput(argument: "line.series")) { try commands(LinePanel(series: [])) }
        assertPlotError(.nonFinite(argument: "line.series[0] (a).y", index: 0)) {
            try commands(LinePanel(series: [LineSeries(name: "a", y: [.nan])]))
        }
    }
}
