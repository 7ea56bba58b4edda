import XCTest
import Foundation
import Datasets
import Plot
import TestSupport
@testable import more

/// `writeFigures` (Reproduce/Figures/FigureOutput.swift): the figures of one `more figure`
/// command, their provenance files and the files they come with land together or not at all;
/// and figure-cohort, the one figure without a checkpoint, has its provenance too.
final class FigureOutputTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws { folder = try Fixtures.tempDirectory("figure-output") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    /// A stand-in gnuplot (in a folder of its own) that writes NAME.png and NAME.svg for the
    /// script NAME.gp it is given, or fails for the figure named `failing`.
    func gnuplot(failing: String? = nil) throws -> URL {
        let bin = folder.deletingLastPathComponent().appendingPathComponent(folder.lastPathComponent + "-bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: bin) }
        let url = bin.appendingPathComponent(failing == nil ? "ok-gnuplot" : "bad-gnuplot")
        let fail = failing.map { "[ \"$n\" = \"\($0)\" ] && { echo 'line 1: boom' >&2; exit 3; }\n" } ?? ""
        try "#!/bin/sh\nn=$(basename \"$1\" .gp)\n\(fail)cksum \"$n.dat\" > \"$n.png\"; cksum \"$n.gp\" > \"$n.svg\"\n"
            .write(to: url, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        return url
    }

    func figure(_ name: String, _ y: [Double]) -> Figure {
        Figure(name: name, panels: [LinePanel(series: [LineSeries(name: "s", y: y)])])
    }

    /// Every file of the folder with its bytes (hidden staging files included).
    func contents() throws -> [String: Data] {
        var out: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            out[name] = try Data(contentsOf: folder.appendingPathComponent(name))
        }
        return out
    }

    /// Writes a first set: figures a and b, a companion file, both provenance files.
    func writeFirstSet() throws -> [String: Data] {
        try writeFigures([figure("a", [1, 2]), figure("b", [3, 4])], companions: [("scores.json", Data("{}".utf8))],
                         outDir: folder, gnuplot: try gnuplot()) { "provenance of \($0), first\n" }
        let first = try contents()
        XCTAssertEqual(first.keys.sorted(), ["a.dat", "a.gp", "a.png", "a.provenance.md", "a.svg",
                                             "b.dat", "b.gp", "b.png", "b.provenance.md", "b.svg", "scores.json"])
        XCTAssertEqual(String(decoding: first["b.provenance.md"]!, as: UTF8.self), "provenance of b, first\n")
        return first
    }

    func testAFailingProvenanceLeavesThePreviousFiguresWhole() throws {
        let first = try writeFirstSet()
        struct NoProvenance: Error {}
        XCTAssertThrowsError(try writeFigures([figure("a", [5, 6, 7]), figure("b", [8, 9])], companions: [("scores.json", Data("[1]".utf8))],
                                              outDir: folder, gnuplot: try gnuplot()) { name in
            if name == "b" { throw NoProvenance() }
            return "provenance of \(name), second\n"
        }) { XCTAssertTrue($0 is NoProvenance, "\($0)") }
        XCTAssertEqual(try contents(), first, "a failed provenance changed the figures or left files behind")
    }

    func testAFailingGnuplotForTheSecondFigureLeavesTheFirstWhole() throws {
        let first = try writeFirstSet()
        XCTAssertThrowsError(try writeFigures([figure("a", [5, 6, 7]), figure("b", [8, 9])], outDir: folder,
                                              gnuplot: try gnuplot(failing: "b")) { "provenance of \($0), second\n" }) { error in
            guard case PlotError.gnuplotFailed(let script, 3, "line 1: boom") = error else { return XCTFail("\(error)") }
            XCTAssertEqual(script, self.folder.appendingPathComponent("b.gp").path)
        }
        XCTAssertEqual(try contents(), first, "figure a changed although b failed, or files were left behind")
    }

    /// A provenance that cannot be written under its name (a folder is there) is a DataError
    /// naming it, and the figure keeps its previous files.
    func testAnUnwritableProvenanceIsAnErrorNamingItAndChangesNothing() throws {
        try writeFigures([figure("a", [1, 2])], outDir: folder, gnuplot: try gnuplot()) { _ in "first\n" }
        let provenance = folder.appendingPathComponent("a.provenance.md")
        try FileManager.default.removeItem(at: provenance)
        try FileManager.default.createDirectory(at: provenance, withIntermediateDirectories: false)
        let before = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        let bytes = try ["a.dat", "a.png"].map { try Data(contentsOf: folder.appendingPathComponent($0)) }
        XCTAssertThrowsError(try writeFigures([figure("a", [3, 1, 2])], outDir: folder, gnuplot: try gnuplot()) { _ in "second\n" }) {
            XCTAssertEqual($0 as? DataError, .writeFailed(file: provenance.path, reason: "is a folder"))
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted(), before)
        XCTAssertEqual(try ["a.dat", "a.png"].map { try Data(contentsOf: folder.appendingPathComponent($0)) }, bytes)
    }

    /// `more figure figure-cohort` (real gnuplot) writes the figure and its provenance: no
    /// dataset, the seed, the commit, the machine and the wall time.
    func testFigureCohortHasItsProvenance() throws {
        do { _ = try Gnuplot.locate() } catch { throw XCTSkip("\(error)") }
        try FigureCommand.parse(["figure-cohort", "--out", folder.path, "--seed", "7"]).run()
        let files = try contents()
        XCTAssertEqual(files.keys.sorted(), ["figure-cohort.dat", "figure-cohort.gp", "figure-cohort.png",
                                             "figure-cohort.provenance.md", "figure-cohort.svg"])
        let md = String(decoding: files["figure-cohort.provenance.md"]!, as: UTF8.self)
        XCTAssertTrue(md.hasPrefix("# figure-cohort — provenance\n\n> generated by \(generatedBy("figure-cohort")); do not edit by hand.\n"), md)
        for line in ["> - dataset: none (", "> - seed: 7\n", "> - commit: ", "> - machine: ", "> - wall time: "] {
            XCTAssertTrue(md.contains(line), "missing \(line) in:\n\(md)")
        }
    }

    /// figure-cohort draws its patients afresh: `--data`, `--checkpoint` and the ablation options
    /// are refused, not ignored, and nothing is written.
    func testFigureCohortRefusesDataAndCheckpoint() throws {
        XCTAssertThrowsError(try FigureCommand.parse(["figure-cohort", "--out", folder.path, "--data", "/d", "--ablation-runs", "r"]).run()) { e in
            XCTAssertTrue("\(e)".hasPrefix("figure-cohort does not use --data and --ablation-runs: "), "\(e)")
        }
        XCTAssertEqual(try contents().count, 0)
    }
}
