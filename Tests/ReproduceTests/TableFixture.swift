// TableFixture — a miniature end-to-end setting for the table tests: a tiny synthetic cohort
// (every split the tables read, generated here with the real generator), a micro MoRE config
// (every architectural element, widths of 16, one block) with a random text tower on the MiniLM
// vocabulary, and a two-epoch pre-training of it. Built once per test process.

import Foundation
import XCTest
import TensorCore
import NN
import Datasets
import MoRE
import TestSupport
import MoRETestSupport
@testable import more

enum TableFixture {
    struct Setup {
        let root: URL
        let data: URL
        let checkpoint: URL
        let info: CheckpointInfo
    }

    static var config: MoREConfig {
        var c = MicroConfig.architecture(name: "micro-table", vocabSize: 30522, maxPositions: 512)
        c.xrayPatch = 16
        c.textMaxLength = 48
        c.projectionDim = 8
        c.optim.batchSize = 4
        c.optim.epochs = 2
        c.optim.warmupSteps = 1
        c.optim.checkpointEvery = 0
        c.optim.learningRate = 1e-3
        return c
    }

    /// The tiny cohort: a handful of rows per split, X-rays 64×64, ECGs 12×1000.
    static var cohort: SyntheticCohortConfig {
        var s = SyntheticCohortConfig()
        s.seed = 11
        s.pretrain = SplitSizes(train: 16, val: 8, test: 16)
        s.mimic4label = SplitSizes(train: 60, val: 40, test: 40)
        s.chexpert5PerClass = 4
        s.edema = SplitSizes(train: 24, val: 12, test: 16)
        s.ptbxl = SplitSizes(train: 60, val: 40, test: 40)
        s.rawECG = .none
        return s
    }

    nonisolated(unsafe) private static var cached: Setup?

    /// The shared setup (skips when the MiniLM vocabulary is missing).
    /// The fixture's config as a JSON file of overrides on `tiny` (what `--config FILE` reads),
    /// written into `dir`.
    static func writeConfigFile(in dir: URL) throws -> URL {
        var json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(config)) as! [String: Any]
        json["base"] = "tiny"
        let url = dir.appendingPathComponent("micro-table.json")
        try JSONSerialization.data(withJSONObject: json).write(to: url)
        return url
    }

    static func setup() throws -> Setup {
        _ = try Fixtures.miniLM()
        // The micro config's tokenizer is the MiniLM vocabulary, found through MORE_ROOT.
        setenv("MORE_ROOT", Fixtures.repoRoot.path, 1)
        if let s = cached { return s }
        let root = try Fixtures.tempDirectory("more-tables")
        Fixtures.removeAtExit(root)   // 143 MB per test run otherwise left in /tmp
        let data = root.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        for spec in SyntheticCohort.plan(cohort) {
            try writeHDF5(SyntheticCohort.generate(spec, config: cohort), to: data.appendingPathComponent(spec.name + ".h5"))
        }
        let run = root.appendingPathComponent("run")
        try pretrain(config, data: data, out: run)
        let checkpoint = run.appendingPathComponent("best.safetensors")
        let s = Setup(root: root, data: data, checkpoint: checkpoint, info: try readCheckpoint(checkpoint).info)
        cached = s
        return s
    }

    nonisolated(unsafe) private static var cachedECGTextOnly: URL?

    /// The checkpoint of an ECG–text only run (`useXray = false`) of the micro config on the
    /// fixture's cohort, trained once per test process.
    static func ecgTextOnlyCheckpoint() throws -> URL {
        let s = try setup()
        if let u = cachedECGTextOnly { return u }
        var c = config
        c.useXray = false
        let run = s.root.appendingPathComponent("ecg-text-only")
        try pretrain(c, data: s.data, out: run)
        let u = run.appendingPathComponent("best.safetensors")
        cachedECGTextOnly = u
        return u
    }

    /// Pre-trains `c` on the cohort in `data` into `out`, as `more pretrain` does.
    static func pretrain(_ c: MoREConfig, data: URL, out: URL) throws {
        let (train, val) = try pretrainingPairs(c, dataDir: data)
        let trainURL = data.appendingPathComponent("pretrain_train.h5")
        try Trainer(model: try buildModel(c), train: train, val: val,
                    options: TrainOptions(outDir: out, progress: false, dataHash: try fileHash(trainURL))).run()
    }

    /// Runs `more table <args>` in process.
    static func table(_ args: [String]) throws {
        try TableCommand.parse(args).run()
    }

    /// Every file of `dir` by name; the Markdown files without their wall-time line, which must
    /// occur exactly once in each.
    static func contents(_ dir: URL, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() {
            let d = try Data(contentsOf: dir.appendingPathComponent(name))
            guard name.hasSuffix(".md") else { out[name] = d; continue }
            let lines = String(decoding: d, as: UTF8.self).components(separatedBy: "\n")
            let kept = lines.filter { !$0.hasPrefix(TableDocument.wallTimePrefix) }
            XCTAssertEqual(lines.count - kept.count, 1, "\(name): expected exactly one wall-time line", file: file, line: line)
            out[name] = Data(kept.joined(separator: "\n").utf8)
        }
        return out
    }

    /// Rows of a CSV file (fields with commas are quoted; quote characters themselves are dropped).
    static func csvRows(_ d: Data?) -> [[String]] {
        String(decoding: d ?? Data(), as: UTF8.self).split(separator: "\n").map { line in
            var fields: [String] = [], field = "", quoted = false
            for ch in line {
                if ch == "\"" { quoted.toggle() }   // an escaped quote ("") toggles twice and is dropped
                else if ch == "," && !quoted { fields.append(field); field = "" }
                else { field.append(ch) }
            }
            return fields + [field]
        }
    }
}
