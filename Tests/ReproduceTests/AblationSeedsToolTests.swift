// Tools/ablation_seeds.py — the comparison of table-ablation CSVs over training seeds (PAPER.md
// §5, "Three training seeds") must mark a difference exactly as the table does
// (`TableAblation.Scored.differs`: each estimate outside the other's interval) and name a bad file.

import Foundation
import XCTest
import TestSupport

final class AblationSeedsToolTests: XCTestCase {
    let tool = Fixtures.repoRoot.appendingPathComponent("Tools/ablation_seeds.py").path
    let metric = "zero-shot ECG macro AUROC [95 % CI]"

    func csv(_ rows: [(String, String)], in dir: URL, _ name: String) throws -> String {
        var text = "variant,steps,\"\(metric)\"\n"
        for (variant, cell) in rows { text += "\(variant),81,\"\(cell)\"\n" }
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func testDirectionsFollowTheTablesRule() throws {
        try Python.require(modules: ["csv"])
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ablation-seeds-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = try csv([("MoRE (tri-modal)", "0.780 [0.740, 0.810]"),
                         ("X", "0.700 [0.660, 0.730]"),     // below: each outside the other's interval
                         ("Y", "0.800 [0.770, 0.830]"),     // inside the baseline's interval
                         ("V", "0.735 [0.700, 0.800]"),     // outside the baseline's, but the baseline is inside its own
                         ("W", "0.900 [0.880, 0.920]"),     // above
                         ("N", "n/a")], in: dir, "a.csv")
        let b = try csv([("MoRE (tri-modal)", "0.790 [0.750, 0.820]"),
                         ("X", "0.650 [0.600, 0.700]"),
                         ("Y", "0.700 [0.690, 0.740]"),
                         ("V", "0.760 [0.700, 0.800]"),
                         ("W", "0.600 [0.550, 0.650]"),
                         ("N", "n/a")], in: dir, "b.csv")
        let r = try Python.capture([tool, "seed A=" + a, "seed B=" + b])
        XCTAssertEqual(r.status, 0, r.stderr)
        for line in ["| MoRE (tri-modal) | 0.780 | 0.790 | baseline |",
                     "| X | 0.700 ↓ | 0.650 ↓ | below in every seed |",
                     "| Y | 0.800 | 0.700 ↓ | differs in some seeds |",
                     "| V | 0.735 | 0.760 | no difference in any seed |",
                     "| W | 0.900 ↑ | 0.600 ↓ | opposite signs |",
                     "| N | n/a | n/a | n/a |"] {
            XCTAssertTrue(r.stdout.contains(line), "missing \(line) in:\n\(r.stdout)")
        }
        let missing = try Python.capture([tool, "seed A=" + a, "seed C=" + dir.appendingPathComponent("none.csv").path])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("none.csv"), missing.stderr)
        let badColumn = try Python.capture([tool, "seed A=" + a, "--metric", "no such column"])
        XCTAssertEqual(badColumn.status, 1)
        XCTAssertTrue(badColumn.stderr.contains("no such column"), badColumn.stderr)
    }
}
