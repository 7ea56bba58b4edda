import XCTest
import Foundation
import TestSupport

/// PAPER.md and README.md must not rot: every file they name exists (with its line, for
/// `path:line`), every `make` target they name exists, and every table and figure in Tables/
/// and Figures/ is discussed in PAPER.md.
final class DocsTests: XCTestCase {
    let root = Fixtures.repoRoot
    let roots = ["Sources/", "Tests/", "Reproduce/", "Benchmarks/", "Figures/", "Tables/", "../shared/", ".ci/"]

    func text(_ name: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(name), encoding: .utf8)
    }

    /// Backticked or linked paths under the known roots, with an optional `:line`.
    func referencedPaths(_ doc: String) -> [(path: String, line: Int?)] {
        var out: [(String, Int?)] = []
        let pattern = #"(?:`|\]\()((?:\.\./shared/|Sources/|Tests/|Reproduce/|Benchmarks/|Figures/|Tables/|\.ci/)[A-Za-z0-9_\-./+]*)(?::(\d+))?(?:`|\))"#
        let re = try! NSRegularExpression(pattern: pattern)
        let ns = doc as NSString
        for m in re.matches(in: doc, range: NSRange(location: 0, length: ns.length)) {
            let p = ns.substring(with: m.range(at: 1))
            let line = m.range(at: 2).location != NSNotFound ? Int(ns.substring(with: m.range(at: 2))) : nil
            out.append((p, line))
        }
        return out
    }

    /// The Makefile's targets as make itself sees them (`make -pRrq` prints its database, with
    /// targets built from variables expanded).
    func makeTargets() throws -> Set<String> {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["make", "-pRrq", "-C", root.path]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        var targets = Set<String>()
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            guard let first = line.first, first != "#", first != "\t", first != ".", let colon = line.firstIndex(of: ":") else { continue }
            let head = line[..<colon]
            if head.contains("=") || head.contains(" ") { continue }
            targets.insert(String(head))
        }
        XCTAssertTrue(targets.contains("test"), "make -pRrq did not list the Makefile's targets")
        return targets
    }

    /// The repository's own paths; the `../shared/` ones are the next test's.
    func testEveryReferencedPathExists() throws {
        try checkReferencedPaths { !$0.hasPrefix("../shared/") }
    }

    /// The paths into `../shared/` (the open data and the goldens beside the repository); a
    /// checkout without that folder skips this test instead of passing it unchecked.
    func testEveryReferencedSharedPathExists() throws {
        guard FileManager.default.fileExists(atPath: root.appendingPathComponent("../shared").path) else {
            throw XCTSkip("../shared is not beside the repository: its paths in the docs are not checked")
        }
        try checkReferencedPaths { $0.hasPrefix("../shared/") }
    }

    func checkReferencedPaths(where include: (String) -> Bool) throws {
        var missing: [String] = []
        for doc in ["PAPER.md", "README.md"] {
            for (p, line) in referencedPaths(try text(doc)) where include(p) {
                let url = root.appendingPathComponent(p.hasSuffix("/") ? String(p.dropLast()) : p)
                guard FileManager.default.fileExists(atPath: url.path) else { missing.append("\(doc): \(p)"); continue }
                if let line {
                    let lines = (try? String(contentsOf: url, encoding: .utf8))?.split(separator: "\n", omittingEmptySubsequences: false).count ?? 0
                    if line > lines { missing.append("\(doc): \(p):\(line) (file has \(lines) lines)") }
                }
            }
        }
        XCTAssertEqual(missing, [], "paths named in the docs that do not exist")
    }

    func testEveryMakeTargetExists() throws {
        let targets = try makeTargets()
        let re = try NSRegularExpression(pattern: #"`make ([a-z0-9][a-z0-9\-]*)"#)
        var unknown: [String] = []
        for doc in ["PAPER.md", "README.md"] {
            let t = try text(doc), ns = t as NSString
            for m in re.matches(in: t, range: NSRange(location: 0, length: ns.length)) {
                let name = ns.substring(with: m.range(at: 1))
                let patternMatch = targets.contains { $0.hasSuffix("%") && name.hasPrefix($0.dropLast()) }
                if !targets.contains(name) && !patternMatch { unknown.append("\(doc): make \(name)") }
            }
        }
        XCTAssertEqual(unknown, [], "make targets named in the docs that the Makefile lacks")
    }

    func testEveryTableAndFigureIsDiscussed() throws {
        let paper = try text("PAPER.md")
        var orphans: [String] = []
        for (folder, exts) in [("Tables", ["md"]), ("Figures", ["png"])] {
            let dir = root.appendingPathComponent(folder)
            let files = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            for f in files where exts.contains((f as NSString).pathExtension) {
                if !paper.contains("\(folder)/\(f)") { orphans.append("\(folder)/\(f)") }
            }
        }
        XCTAssertEqual(orphans, [], "outputs that PAPER.md never shows")
    }

    /// The Contents list of PAPER.md (between `<!-- contents -->` and `<!-- /contents -->`) as
    /// `Tools/paper_contents.py` writes it from the `##` and `###` headings, with GitHub's anchors.
    static func expectedContents(_ doc: String) -> [String] {
        var seen: [String: Int] = [:], entries: [String] = [], fenced = false, inBlock = false
        for line in doc.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "<!-- contents -->" { inBlock = true }
            if line == "<!-- /contents -->" { inBlock = false; continue }
            if line.hasPrefix("```") { fenced.toggle() }
            guard !inBlock, !fenced, let space = line.firstIndex(of: " "), line[..<space].allSatisfy({ $0 == "#" }), line.first == "#" else { continue }
            let level = line.distance(from: line.startIndex, to: space)
            let title = line[line.index(after: space)...].trimmingCharacters(in: .whitespaces)
            var a = String(title.lowercased().filter { $0.isLetter || $0.isNumber || " -_".contains($0) }).replacingOccurrences(of: " ", with: "-")
            let n = seen[a, default: 0]
            seen[a] = n + 1
            if n > 0 { a += "-\(n)" }
            if level == 2 || level == 3 { entries.append((level == 3 ? "  " : "") + "- [\(title)](#\(a))") }
        }
        return entries
    }

    /// Every `##` and `###` heading of PAPER.md is in its Contents list, in order, with the anchor
    /// GitHub gives it (`python3 Tools/paper_contents.py` rewrites the list).
    func testContentsListsEveryHeading() throws {
        let paper = try text("PAPER.md")
        guard let start = paper.range(of: "<!-- contents -->\n**Contents**\n\n"), let end = paper.range(of: "\n<!-- /contents -->") else {
            return XCTFail("PAPER.md has no Contents block; run python3 Tools/paper_contents.py")
        }
        let listed = paper[start.upperBound..<end.lowerBound].split(separator: "\n").map(String.init)
        XCTAssertEqual(listed, Self.expectedContents(paper), "PAPER.md's Contents list is out of date: run python3 Tools/paper_contents.py")
    }

    /// Numbers of README's "Results at a glance" (the *ours* and *random init* cells) that the
    /// table linked in the row's last cell does not contain, as "table: number". Numbers are
    /// decimals (`0.887`) and thousands with commas (`692,736`); the table is its Markdown and CSVs.
    static func glanceNumbersMissing(readme: String, table: (String) -> String?) -> [String] {
        guard let section = readme.components(separatedBy: "### Results at a glance").dropFirst().first else { return ["no Results at a glance section"] }
        let link = try! NSRegularExpression(pattern: #"\(Tables/([a-z0-9\-]+)\.md\)"#)
        let number = try! NSRegularExpression(pattern: #"\d+\.\d+|\d{1,3}(?:,\d{3})+"#)
        var missing: [String] = [], rows = 0
        for line in section.split(separator: "\n").prefix(while: { !$0.hasPrefix("#") }) where line.hasPrefix("|") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 5, let last = cells.dropLast().last else { continue }
            let ns = last as NSString
            guard let m = link.firstMatch(in: last, range: NSRange(location: 0, length: ns.length)) else { continue }
            let name = ns.substring(with: m.range(at: 1))
            rows += 1
            guard let body = table(name) else { missing.append("\(name): no such table"); continue }
            let quoted = cells[2] + " " + cells[3], q = quoted as NSString
            for n in number.matches(in: quoted, range: NSRange(location: 0, length: q.length)) {
                let value = q.substring(with: n.range)
                if !body.contains(value) { missing.append("\(name): \(value)") }
            }
        }
        return rows == 0 ? ["no rows linking a table"] : missing
    }

    /// README's results at a glance quote the committed tables: a regenerated table with other
    /// numbers makes this fail until README is updated.
    func testResultsAtAGlanceQuoteTheTables() throws {
        let tables = root.appendingPathComponent("Tables")
        let missing = Self.glanceNumbersMissing(readme: try text("README.md")) { name in
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: tables.path)) ?? [])
                .filter { $0 == name + ".md" || ($0.hasPrefix(name) && $0.hasSuffix(".csv")) }
            guard files.contains(name + ".md") else { return nil }
            return files.compactMap { try? String(contentsOf: tables.appendingPathComponent($0), encoding: .utf8) }.joined(separator: "\n")
        }
        XCTAssertEqual(missing, [], "README's Results at a glance quotes numbers its tables do not hold")
    }

    func testTheGlanceCheckerCanFail() {
        let readme = "### Results at a glance\n\n| claim | ours | random | table |\n|---|---|---|---|\n| C4 | **0.887** [0.857, 0.914] | 0.543 | [`t`](Tables/t.md) |\n\n## Next\n"
        XCTAssertEqual(Self.glanceNumbersMissing(readme: readme) { _ in "0.887 0.857 0.914 0.543" }, [])
        XCTAssertEqual(Self.glanceNumbersMissing(readme: readme) { _ in "0.888 0.857 0.914 0.543" }, ["t: 0.887"])
        XCTAssertEqual(Self.glanceNumbersMissing(readme: readme) { _ in nil }, ["t: no such table"])
    }

    func testTheContentsCheckerCanFail() {
        let doc = "# Title\n<!-- contents -->\n## Not counted\n<!-- /contents -->\n## 1. A — b's `c`\n```\n## in code\n```\n### Sub\n## Sub\n"
        XCTAssertEqual(Self.expectedContents(doc), ["- [1. A — b's `c`](#1-a--bs-c)", "  - [Sub](#sub)", "- [Sub](#sub-1)"])
    }

    func testTheCheckerCanFail() {
        let found = referencedPaths("see `Sources/Nope.swift:12` and [x](Figures/none.png)")
        XCTAssertEqual(found.map(\.path), ["Sources/Nope.swift", "Figures/none.png"])
        XCTAssertEqual(found.first?.line, 12)
    }
}
