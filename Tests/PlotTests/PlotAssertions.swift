// PlotAssertions — renders a figure into a temporary folder and checks the files it produced:
// PNG signature and IHDR size, SVG well-formed XML with the expected elements and text.
// Set PLOT_TEST_KEEP=/some/folder to keep copies of every rendered figure for looking at.

import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
import TestSupport
@testable import Plot

/// The gnuplot executable, or a skip when it is not installed.
func gnuplotOrSkip() throws -> URL {
    do { return try Gnuplot.locate() } catch {
        throw XCTSkip("\(error)")
    }
}

/// What an SVG file contains: element names and all text content.
struct SVGSummary {
    var elements: [String: Int] = [:]
    var text = ""
}

final class SVGCollector: NSObject, XMLParserDelegate {
    var summary = SVGSummary()
    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        summary.elements[elementName, default: 0] += 1
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) { summary.text += string }
}

/// Parses `url` as XML; fails the test when it is not well formed.
func parseSVG(_ url: URL, file: StaticString = #filePath, line: UInt = #line) throws -> SVGSummary {
    let parser = try XCTUnwrap(XMLParser(contentsOf: url), file: file, line: line)
    let collector = SVGCollector()
    parser.delegate = collector
    XCTAssertTrue(parser.parse(), "\(url.lastPathComponent) is not well-formed XML: \(String(describing: parser.parserError))",
                  file: file, line: line)
    return collector.summary
}

/// Checks the PNG signature and that the IHDR size is `width × height`; returns the byte count.
@discardableResult
func assertPNG(_ url: URL, width: Int, height: Int, minBytes: Int = 3000,
               file: StaticString = #filePath, line: UInt = #line) throws -> Int {
    let d = try Data(contentsOf: url)
    XCTAssertEqual(Array(d.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "PNG signature", file: file, line: line)
    XCTAssertGreaterThan(d.count, minBytes, "PNG suspiciously small", file: file, line: line)
    guard d.count > 24 else { return d.count }
    let be = { (o: Int) in d[o..<o + 4].reduce(0) { $0 << 8 | Int($1) } }
    XCTAssertEqual(String(decoding: d[12..<16], as: UTF8.self), "IHDR", file: file, line: line)
    XCTAssertEqual(be(16), width, "PNG width", file: file, line: line)
    XCTAssertEqual(be(20), height, "PNG height", file: file, line: line)
    return d.count
}

/// Renders `figure` into a fresh temporary folder, checks PNG and SVG, and returns the files
/// and the SVG summary. The caller removes `folder`.
func renderAndCheck(_ figure: Figure, file: StaticString = #filePath, line: UInt = #line)
    throws -> (out: RenderedFigure, svg: SVGSummary, folder: URL) {
    let exe = try gnuplotOrSkip()
    let folder = try Fixtures.tempDirectory("plot-\(figure.name)")
    let out = try figure.render(in: folder, gnuplot: exe)
    try assertPNG(out.png, width: figure.width, height: figure.height, file: file, line: line)
    let svg = try parseSVG(out.svg, file: file, line: line)
    XCTAssertEqual(svg.elements["svg"], 1, file: file, line: line)
    if let keep = ProcessInfo.processInfo.environment["PLOT_TEST_KEEP"], !keep.isEmpty {
        let dest = URL(fileURLWithPath: keep)
        try? FileManager.default.createDirectory(at: dest, withIntermediateDirectories: true)
        for f in [out.png, out.svg, out.script, out.data] {
            let target = dest.appendingPathComponent(f.lastPathComponent)
            try? FileManager.default.removeItem(at: target)
            try? FileManager.default.copyItem(at: f, to: target)
        }
    }
    return (out, svg, folder)
}

/// Asserts that `body` throws a `PlotError` equal to `expected`.
func assertPlotError<T>(_ expected: PlotError, file: StaticString = #filePath, line: UInt = #line,
                        _ body: () throws -> T) {
    do {
        _ = try body()
        XCTFail("expected \(expected)", file: file, line: line)
    } catch let error as PlotError {
        XCTAssertEqual(error, expected, file: file, line: line)
    } catch {
        XCTFail("unexpected error \(error)", file: file, line: line)
    }
}

/// Draws one panel into a throw-away FigureData (for input-validation tests, no gnuplot needed).
func commands(_ panel: any Panel) throws -> String {
    let cell = PanelCell(left: 0, bottom: 0, right: 1, top: 1, figureWidth: 800, figureHeight: 600, fontSize: 10)
    return try panel.commands(data: FigureData(fileName: "t.dat"), cell: cell)
}

/// A deterministic pseudo-random sequence in [0, 1) for test data (no dependency on TensorCore).
struct TestNoise {
    var state: UInt64
    mutating func next() -> Double {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Double(state >> 11) / Double(1 << 53)
    }
}
