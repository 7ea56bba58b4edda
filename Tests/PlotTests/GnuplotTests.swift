// Tests for Gnuplot.swift and PlotError.swift: locating gnuplot, the install hint when it is
// missing, and gnuplot's stderr in the error when a script fails.

import XCTest
import TestSupport
@testable import Plot

final class GnuplotTests: XCTestCase {
    func testMissingGnuplotSaysHowToInstall() throws {
        XCTAssertThrowsError(try Gnuplot.locate(environment: ["PATH": "/nonexistent-plot-test"])) { error in
            guard case PlotError.gnuplotMissing = error else { return XCTFail("\(error)") }
            XCTAssertTrue("\(error)".contains("sudo apt-get install gnuplot-nox"))
            XCTAssertTrue("\(error)".contains("make deps"))
        }
        XCTAssertThrowsError(try Gnuplot.locate(environment: ["GNUPLOT": "/nonexistent/gnuplot"])) { error in
            XCTAssertEqual(error as? PlotError, .gnuplotMissing(searched: "GNUPLOT=/nonexistent/gnuplot"))
        }
        // A figure rendered with a missing executable fails with the same typed error.
        let folder = try Fixtures.tempDirectory("plot-missing")
        defer { try? FileManager.default.removeItem(at: folder) }
        let fig = Figure(name: "m", panels: [LinePanel(series: [LineSeries(name: "a", y: [1, 2])])])
        XCTAssertThrowsError(try fig.render(in: folder, gnuplot: URL(fileURLWithPath: "/nonexistent/gnuplot"))) { error in
            guard case PlotError.gnuplotMissing = error else { return XCTFail("\(error)") }
        }
    }

    func testLocatesAndReportsVersion() throws {
        let exe = try gnuplotOrSkip()
        XCTAssertTrue(try Gnuplot.version(executable: exe).hasPrefix("gnuplot "))
    }

    func testFailingScriptCarriesStderr() throws {
        let exe = try gnuplotOrSkip()
        let folder = try Fixtures.tempDirectory("plot-fail")
        defer { try? FileManager.default.removeItem(at: folder) }
        try "set terminal dumb\nplot \"no-such-file.dat\" using 1:2\n".write(to: folder.appendingPathComponent("bad.gp"),
                                                                           atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Gnuplot.run(script: "bad.gp", in: folder, executable: exe)) { error in
            guard case let PlotError.gnuplotFailed(script, status, stderr) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(script.hasSuffix("bad.gp"))
            XCTAssertNotEqual(status, 0)
            XCTAssertTrue(stderr.contains("no-such-file.dat"), stderr)
        }
    }
}
