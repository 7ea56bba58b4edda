// Tests for ROCPlot.swift: legend text, a rendered 4-label ROC figure with micro average, and
// range checks.

import XCTest
import TestSupport
@testable import Plot

final class ROCPlotTests: XCTestCase {
    /// A binormal ROC curve with separation `d` (TPR = Φ(Φ⁻¹(FPR) + d)), approximated on a grid.
    static func curve(_ name: String, d: Double) -> ROCCurve {
        func phi(_ z: Double) -> Double { 0.5 * erfc(-z / 2.squareRoot()) }
        let zs = stride(from: 4.0, through: -4.0, by: -0.1).map { $0 }
        var fpr = [0.0], tpr = [0.0]
        for z in zs { fpr.append(1 - phi(z)); tpr.append(1 - phi(z - d)) }
        fpr.append(1); tpr.append(1)
        var auc = 0.0
        for i in 1..<fpr.count { auc += (fpr[i] - fpr[i - 1]) * (tpr[i] + tpr[i - 1]) / 2 }
        return ROCCurve(name: name, falsePositiveRate: fpr, truePositiveRate: tpr, auroc: auc)
    }

    func testLegendShowsAUROC() {
        let panel = ROCPanel(curves: [])
        XCTAssertEqual(panel.legend(ROCCurve(name: "Edema", falsePositiveRate: [], truePositiveRate: [], auroc: 0.87349)),
                       "Edema (AUROC 0.873)")
        XCTAssertEqual(panel.legend(ROCCurve(name: "x", falsePositiveRate: [], truePositiveRate: [], auroc: 0.9)), "x (AUROC 0.900)")
    }

    func testROCFigureRenders() throws {
        let curves = [Self.curve("Atelectasis", d: 0.8), Self.curve("Cardiomegaly", d: 1.6),
                      Self.curve("Edema", d: 1.2), Self.curve("Pleural Effusion", d: 2.0)]
        let panel = ROCPanel(curves: curves, micro: Self.curve("micro average", d: 1.4), title: "4-label task (synthetic)")
        let (out, svg, folder) = try renderAndCheck(Figure(name: "roc-test", panels: [panel], width: 720, height: 640))
        defer { try? FileManager.default.removeItem(at: folder) }
        XCTAssertTrue(svg.text.contains("micro average (AUROC "))
        XCTAssertTrue(svg.text.contains("Cardiomegaly (AUROC \(DataFormat.fixed(curves[1].auroc, digits: 3)))"))
        XCTAssertTrue(svg.text.contains("chance"))
        XCTAssertTrue(try String(contentsOf: out.script, encoding: .utf8).contains("set size ratio 1"))
    }

    func testROCInputIsChecked() {
        assertPlotError(.invalidArgument(argument: "roc.curves[0] (a).truePositiveRate[1]", reason: "is 1.5, must be in [0, 1]")) {
            try commands(ROCPanel(curves: [ROCCurve(name: "a", falsePositiveRate: [0, 1], truePositiveRate: [0, 1.5], auroc: 0.5)]))
        }
        assertPlotError(.invalidArgument(argument: "roc.micro.auroc", reason: "is 2.0, must be in [0, 1]")) {
            try commands(ROCPanel(curves: [ROCCurve(name: "a", falsePositiveRate: [0, 1], truePositiveRate: [0, 1], auroc: 0.5)],
                                  micro: ROCCurve(name: "m", falsePositiveRate: [0, 1], truePositiveRate: [0, 1], auroc: 2)))
        }
        assertPlotError(.emptyInput(argument: "roc.curves")) { try commands(ROCPanel(curves: [])) }
    }
}
