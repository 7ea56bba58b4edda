// Tests for Figure.swift: byte-identical outputs for identical inputs, scripts without absolute
// paths that re-run from their folder, grid layout, atomic outputs and argument checks.

import XCTest
import TestSupport
@testable import Plot

final class FigureTests: XCTestCase {
    /// A figure using every kind of layer (points, lines, image, rgbalpha overlay, ECG shading).
    static func mixedFigure() -> Figure {
        let (p, l) = ScatterPlotTests.clusters(n: 120, spread: 5, seed: 3)
        let image = ImageGridTests.fakeXray(size: 32, heart: 2)
        return Figure(name: "mixed", panels: [
            ScatterPanel(points: p, labels: l, classNames: ScatterPlotTests.classes, title: "scatter"),
            HeatmapPanel(image: image, height: 32, width: 32, relevance: [0, 1, 2, 3], relevanceHeight: 2, relevanceWidth: 2,
                         title: "overlay", caption: "caption"),
            ECGPanel(signal: ECGStripsTests.fakeECG(seconds: 2.5), samplingRate: 100,
                     relevance: ECGStripsTests.fakeRelevance(seconds: 2.5), text: "report"),
            ROCPanel(curves: [ROCPlotTests.curve("a", d: 1)]),
        ], columns: 2, title: "mixed", width: 900, height: 700)
    }

    func testIdenticalInputsGiveIdenticalBytesAndScriptReRuns() throws {
        let exe = try gnuplotOrSkip()
        let a = try Fixtures.tempDirectory("plot-det-a"), b = try Fixtures.tempDirectory("plot-det-b")
        defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }
        let outA = try Self.mixedFigure().render(in: a, gnuplot: exe)
        let outB = try Self.mixedFigure().render(in: b, gnuplot: exe)
        for (x, y) in [(outA.png, outB.png), (outA.svg, outB.svg), (outA.script, outB.script), (outA.data, outB.data)] {
            XCTAssertEqual(try Data(contentsOf: x), try Data(contentsOf: y), "\(x.lastPathComponent) differs between runs")
        }
        // Every bitmap layer is embedded as one <image> (scatter: none; heatmap: gray + overlay;
        // ECG shading: one). gnuplot falls back to per-pixel polygons, with undefined colours,
        // when it misreads a grid or clips a bitmap; that must not happen.
        let svgText = try String(contentsOf: outA.svg, encoding: .utf8)
        XCTAssertEqual(svgText.components(separatedBy: "<image").count - 1, 3)
        XCTAssertFalse(svgText.contains("fill-opacity"), "bitmap drawn pixel by pixel")
        // Rendering again into the same folder replaces the outputs in place.
        try Self.mixedFigure().render(in: a, gnuplot: exe)
        XCTAssertEqual(try Data(contentsOf: outA.png), try Data(contentsOf: outB.png))
        // Only the four outputs remain (temporary files were renamed or removed).
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: a.path).sorted(),
                       ["mixed.dat", "mixed.gp", "mixed.png", "mixed.svg"])
        // No absolute path in the script, so it re-runs from its folder and gives the same bytes.
        let script = try String(contentsOf: outA.script, encoding: .utf8)
        XCTAssertFalse(script.contains(a.path))
        XCTAssertFalse(script.contains("\"/"), "script refers to an absolute path")
        let png = try Data(contentsOf: outA.png), svg = try Data(contentsOf: outA.svg)
        try FileManager.default.removeItem(at: outA.png)
        try FileManager.default.removeItem(at: outA.svg)
        try Gnuplot.run(script: "mixed.gp", in: a, executable: exe)
        XCTAssertEqual(try Data(contentsOf: outA.png), png, "re-running mixed.gp changed the PNG")
        XCTAssertEqual(try Data(contentsOf: outA.svg), svg, "re-running mixed.gp changed the SVG")
    }

    func testGridCellsFollowWeightsAndLeaveRoomForTitle() throws {
        let fig = Figure(name: "g", panels: [EmptyPanel(), EmptyPanel(), EmptyPanel()], columns: 2, title: "T",
                         width: 1000, height: 500, columnWeights: [1, 3])
        let cells = try fig.cells()
        XCTAssertEqual(fig.rows, 2)
        XCTAssertEqual(cells[0].left, 0); XCTAssertEqual(cells[0].right, 0.25, accuracy: 1e-12)
        XCTAssertEqual(cells[1].left, 0.25, accuracy: 1e-12); XCTAssertEqual(cells[1].right, 1, accuracy: 1e-12)
        XCTAssertEqual(cells[2].bottom, 0, accuracy: 1e-12)
        XCTAssertEqual(cells[0].top, 1 - 2.4 * 10 * 1.45 / 500, accuracy: 1e-12)
        XCTAssertEqual(cells[0].bottom, cells[2].top, accuracy: 1e-12)
    }

    func testFigureArgumentsAreChecked() {
        assertPlotError(.invalidArgument(argument: "figure.name", reason: "\"../x\" must be letters, digits, '-', '_', '.'")) {
            try Figure(name: "../x", panels: [EmptyPanel()]).cells()
        }
        assertPlotError(.emptyInput(argument: "figure.panels")) { try Figure(name: "x", panels: []).cells() }
        assertPlotError(.lengthMismatch(argument: "figure.columnWeights", expected: 2, actual: 1)) {
            try Figure(name: "x", panels: [EmptyPanel(), EmptyPanel()], columns: 2, columnWeights: [1]).cells()
        }
        assertPlotError(.invalidArgument(argument: "figure.columns", reason: "is 0, must be at least 1")) {
            try Figure(name: "x", panels: [EmptyPanel()], columns: 0).cells()
        }
    }

    func testBadPanelInputWritesNothing() throws {
        let folder = try Fixtures.tempDirectory("plot-bad")
        defer { try? FileManager.default.removeItem(at: folder) }
        let fig = Figure(name: "bad", panels: [ImagePanel(pixels: [0, 1], height: 2, width: 2)])
        assertPlotError(.lengthMismatch(argument: "image.pixels", expected: 4, actual: 2)) { try fig.render(in: folder) }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), [])
    }

    /// The four files appear together or not at all: when gnuplot fails, the figure's previous
    /// `.dat`, `.gp`, `.png` and `.svg` stay as they were and the staging folder is gone. Stand-in
    /// executables play gnuplot, so this runs without it.
    func testFailedRenderLeavesThePreviousFilesWhole() throws {
        let folder = try Fixtures.tempDirectory("plot-all-or-none")
        defer { try? FileManager.default.removeItem(at: folder) }
        func executable(_ name: String, _ body: String) throws -> URL {
            let url = folder.appendingPathComponent(name)
            try "#!/bin/sh\n\(body)\n".write(to: url, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
            return url
        }
        let succeeding = try executable("ok-gnuplot", "echo png > line.png; echo svg > line.svg")
        let failing = try executable("bad-gnuplot", "echo png > line.png; echo 'line 3: boom' >&2; exit 3")
        let first = Figure(name: "line", panels: [LinePanel(series: [LineSeries(name: "a", y: [1, 2])])])
        let out = try first.render(in: folder, gnuplot: succeeding)
        let finals = [out.data, out.script, out.png, out.svg]
        let before = try finals.map { try Data(contentsOf: $0) }

        let second = Figure(name: "line", panels: [LinePanel(series: [LineSeries(name: "b", y: [3, 1, 2])])])
        XCTAssertThrowsError(try second.render(in: folder, gnuplot: failing)) { error in
            guard case let PlotError.gnuplotFailed(script, status, stderr) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(script, out.script.path)
            XCTAssertEqual(status, 3)
            XCTAssertEqual(stderr, "line 3: boom")
        }
        for (url, bytes) in zip(finals, before) {
            XCTAssertEqual(try Data(contentsOf: url), bytes, "\(url.lastPathComponent) changed")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted(),
                       ["bad-gnuplot", "line.dat", "line.gp", "line.png", "line.svg", "ok-gnuplot"])
    }

    /// A staging folder left by a process that was killed while gnuplot ran is removed by the
    /// next render of that figure; one of a running process stays.
    func testStagingFoldersOfDeadProcessesAreRemoved() throws {
        let folder = try Fixtures.tempDirectory("plot-stale-staging")
        defer { try? FileManager.default.removeItem(at: folder) }
        let gnuplot = folder.appendingPathComponent("ok-gnuplot")
        try "#!/bin/sh\necho png > line.png; echo svg > line.svg\n".write(to: gnuplot, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: gnuplot.path)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/true")
        try p.run()
        p.waitUntilExit()
        let dead = ".line.partial-\(p.processIdentifier)", live = ".line.partial-\(getppid())", other = ".other.partial-\(p.processIdentifier)"
        for name in [dead, live, other] {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(name), withIntermediateDirectories: false)
            try Data("x".utf8).write(to: folder.appendingPathComponent(name).appendingPathComponent("line.dat"))
        }
        try Figure(name: "line", panels: [LinePanel(series: [LineSeries(name: "a", y: [1, 2])])]).render(in: folder, gnuplot: gnuplot)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted(),
                       [live, other, "line.dat", "line.gp", "line.png", "line.svg", "ok-gnuplot"].sorted())
    }
}
