import XCTest
import Foundation
import TestSupport
@testable import more

/// Issue 5 item 5: the same seed regenerates byte-identical table files. On the miniature
/// setting of TableFixture, a table is generated twice; every CSV must be byte-identical and
/// every Markdown file too once its single wall-time provenance line (the only clock-dependent
/// output, `TableDocument.wallTimePrefix`) is removed.
final class TableRegenerationTests: XCTestCase {
    func args(_ name: String, _ s: TableFixture.Setup, out: URL, runs: URL) -> [String] {
        [name, "--out", out.path, "--data", s.data.path, "--checkpoint", s.checkpoint.path, "--seed", "5", "--bootstrap", "20",
         "--ablation-runs", runs.path, "--ablation-epochs", "1", "--threads", "2"]
    }

    /// table-ablation twice, the second time after deleting its runs: the eight pre-trainings
    /// and the table are reproduced exactly.
    func testAblationTableRegeneratesByteIdenticallyIncludingItsRuns() throws {
        let s = try TableFixture.setup()
        let id = UUID().uuidString
        let runs = s.root.appendingPathComponent("ablation-\(id)")
        let (a, b) = (s.root.appendingPathComponent("a-\(id)"), s.root.appendingPathComponent("b-\(id)"))
        try TableFixture.table(args("table-ablation", s, out: a, runs: runs))
        let trained = try FileManager.default.contentsOfDirectory(atPath: runs.path).filter { !$0.hasSuffix(".lock") }.sorted()
        let variants = AblationVariant.all(base: s.info.config)
        XCTAssertEqual(trained, variants.map(\.key).sorted(), "one run per variant (the baseline too: its budget differs from the main run's)")
        try FileManager.default.removeItem(at: runs)
        try TableFixture.table(args("table-ablation", s, out: b, runs: runs))
        let (x, y) = (try TableFixture.contents(a), try TableFixture.contents(b))
        XCTAssertEqual(Set(x.keys), ["table-ablation.md", "table-ablation.csv", "table-ablation-runs.csv"])
        for (name, d) in x { XCTAssertEqual(d, y[name], "\(name) differs between two regenerations with the same seed") }

        let csv = TableFixture.csvRows(x["table-ablation.csv"])
        XCTAssertEqual(csv.count, 1 + variants.count + 2, "header, one row per variant, random init, paper")
        XCTAssertTrue(csv.allSatisfy { $0.count == 11 }, "\(csv)")
        let noECG = try XCTUnwrap(csv.first { $0[0].hasPrefix("without ECG") })
        // variant, steps, ZS CXR, ZS ECG, t→x R@1, t→x R@5, t→e R@1, t→e R@5, x→e R@1, MIMIC probe, PTB-XL probe
        XCTAssertEqual(noECG[3], "n/a")
        XCTAssertEqual(noECG[6], "n/a")
        XCTAssertEqual(noECG[10], "n/a")
        XCTAssertNotEqual(noECG[2], "n/a")
        let wall = try String(contentsOf: a.appendingPathComponent("table-ablation.md"), encoding: .utf8)
            .split(separator: "\n").first { $0.hasPrefix(TableDocument.wallTimePrefix) }.map(String.init) ?? ""
        XCTAssertTrue(wall.contains("; pre-training: ") && wall.contains("(the checkpoint)")
                      && wall.contains("(the baseline row's run)") && wall.contains("(the \(variants.count - 1) other ablation runs together)"),
                      "the runs' training time belongs in the wall-time line: \(wall)")
        let md = String(decoding: x["table-ablation.md"] ?? Data(), as: UTF8.self)
        XCTAssertTrue(md.contains("**Reduced budget:**"), "the table must say that its rows use a reduced budget")
        XCTAssertTrue(md.contains("> - ablation budget: 1 epoch per row, every row including the baseline (main run: 2 epochs)"))
    }

    /// table-mimic-4label twice on the same ablation runs (the second reuses them): byte-identical,
    /// with the bi-modal row, MoRE on the same reduced budget and the partial fine-tune row. (The
    /// raw-input row, a 4096-pixel logistic regression, is left out to keep the test fast.)
    func testProbeTableRegeneratesByteIdenticallyWithBimodalAndFineTuneRows() throws {
        let s = try TableFixture.setup()
        let id = UUID().uuidString
        let runs = s.root.appendingPathComponent("probe-runs-\(id)")
        let (a, b) = (s.root.appendingPathComponent("pa-\(id)"), s.root.appendingPathComponent("pb-\(id)"))
        var stamp: Date?
        let noECG = runs.appendingPathComponent("no-ecg/best.safetensors")
        for out in [a, b] {
            let ctx = try EvalContext(data: s.data, checkpoint: s.checkpoint, seed: 5, bootstrap: 20)
            ctx.ablation = try AblationPlan(runsDir: runs, epochs: 1, dataDir: s.data, mainCheckpoint: s.checkpoint, mainInfo: ctx.checkpointInfo)
            ctx.ablation?.progress = false
            var spec = EvalContext.mimic4LabelSpec
            spec.rawInput = false
            try ctx.probeTable(spec).write(to: out, wallSeconds: 0)
            let t = try FileManager.default.attributesOfItem(atPath: noECG.path)[.modificationDate] as? Date
            if let stamp {
                XCTAssertEqual(t, stamp, "the finished no-ECG run must be reused, not retrained")
                XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: runs.path).filter { $0.hasSuffix(".lock") }, [],
                               "a finished run is read without its lock (a read-only folder of finished runs must do)")
            }
            stamp = t
            // The locks the training took; reading the finished runs must not take them again.
            for f in try FileManager.default.contentsOfDirectory(atPath: runs.path) where f.hasSuffix(".lock") {
                try FileManager.default.removeItem(at: runs.appendingPathComponent(f))
            }
        }
        let (x, y) = (try TableFixture.contents(a), try TableFixture.contents(b))
        XCTAssertEqual(Set(x.keys), ["table-mimic-4label.md", "table-mimic-4label.csv"])
        for (name, d) in x { XCTAssertEqual(d, y[name], "\(name) differs between two regenerations with the same seed") }
        let labels = TableFixture.csvRows(x["table-mimic-4label.csv"]).map { $0[0] }
        XCTAssertTrue(labels.contains { $0.hasPrefix("X-ray–text only (no ECG), 1 epoch") }, "\(labels)")
        XCTAssertTrue(labels.contains { $0.hasPrefix("MoRE (tri-modal), 1 epoch") }, "MoRE on the bi-modal row's reduced budget: \(labels)")
        XCTAssertTrue(labels.contains { $0.contains("partial fine-tune") }, "\(labels)")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: runs.path).filter { !$0.hasSuffix(".lock") }.sorted(),
                       ["baseline", "no-ecg"], "only the runs the table needs are trained")
    }
}
