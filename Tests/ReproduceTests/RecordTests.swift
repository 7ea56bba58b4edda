import XCTest
import Foundation
@testable import more

/// `more record` (Reproduce/Record.swift): the provenance record `make reproduce` writes.
final class RecordTests: XCTestCase {
    func testRecordFormat() {
        let r = ReproduceRecord(title: "make reproduce", commit: "abc1234", machine: "Some CPU, 2 cores",
                                settings: "tiny, seed 42", finished: Date(timeIntervalSince1970: 1_796_000_000),
                                wallSeconds: 1791.6, covers: "everything")
        XCTAssertEqual(r.markdown, """
        # make reproduce

        > **Provenance** — written by `make reproduce`; do not edit by hand.
        > - commit: abc1234
        > - machine: Some CPU, 2 cores
        > - config: tiny, seed 42
        > - finished: 2026-11-30T00:53:20Z
        > - wall time: 1792 s (everything)

        """)
    }

    func testWritesTheRecordWithTheTablesMachineLine() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("record-\(UUID().uuidString).md")
        defer { try? FileManager.default.removeItem(at: out) }
        let started = Date().timeIntervalSince1970 - 5
        try Record.parse(["--title", "make reproduce", "--started", String(started), "--settings", "tiny, seed 42",
                          "--covers", "the test", "--out", out.path]).run()
        let text = try String(contentsOf: out, encoding: .utf8)
        XCTAssertTrue(text.contains("> - machine: \(machineDescription())\n"), text)
        XCTAssertTrue(text.contains("> - config: tiny, seed 42\n"), text)
        let wall = try XCTUnwrap(text.split(separator: "\n").first { $0.hasPrefix("> - wall time: ") })
        let seconds = try XCTUnwrap(Int(wall.dropFirst("> - wall time: ".count).prefix { $0.isNumber }))
        XCTAssertTrue((5...60).contains(seconds), String(wall))
    }

    func testRejectsAStartInTheFuture() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("record-\(UUID().uuidString).md")
        let future = Date().timeIntervalSince1970 + 3600
        XCTAssertThrowsError(try Record.parse(["--title", "t", "--started", String(future), "--settings", "s",
                                               "--covers", "c", "--out", out.path]).run()) { e in
            XCTAssertTrue("\(e)".contains("is after now"), "\(e)")
        }
        XCTAssertThrowsError(try Record.parse(["--title", "t", "--started", "0", "--settings", "s",
                                               "--covers", "c", "--out", out.path]).run()) { e in
            XCTAssertTrue("\(e)".contains("--started must be when the job began"), "\(e)")
        }
        // A start more than 30 days ago is a mistake (a duration, milliseconds, a stale start file).
        for bad in ["1", "1000", String(Date().timeIntervalSince1970 - 31 * 86_400)] {
            XCTAssertThrowsError(try Record.parse(["--title", "t", "--started", bad, "--settings", "s",
                                                   "--covers", "c", "--out", out.path]).run(), bad) { e in
                XCTAssertTrue("\(e)".contains("at most 30 days ago"), "\(e)")
            }
        }
        let recent = String(Date().timeIntervalSince1970 - 60)
        for (name, args) in [("--title", ["--title", "", "--settings", "s", "--covers", "c"]),
                             ("--settings", ["--title", "t", "--settings", "a\nb", "--covers", "c"])] {
            XCTAssertThrowsError(try Record.parse(args + ["--started", recent, "--out", out.path]).run(), name) { e in
                XCTAssertTrue("\(e)".hasPrefix("\(name) must be one non-empty line"), "\(e)")
            }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
    }
}
