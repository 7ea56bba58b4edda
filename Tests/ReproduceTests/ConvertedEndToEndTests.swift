// End to end on converted data: the published-layout fixtures of ConvertedFixtures.swift go
// through `more data convert` (ptbxl, mimic, chexpert, edema) into one folder, `more data check`
// accepts every file, a micro MoRE is pre-trained for two steps on the converted MIMIC pairs,
// and then the same `more table` and `more figure` commands as on the synthetic cohort run on
// that folder. Each output must exist and name the converted files (table provenance, figure
// provenance and titles). The `more` binary built beside the test bundle is run as a user
// would run it, one process per command.
//
// Deliberately not here: the converters' own correctness (Tests/DatasetsTests/Convert*Tests)
// and the numbers in the tables (a two-step micro model scores near chance).

import Foundation
import XCTest
import TestSupport

final class ConvertedEndToEndTests: XCTestCase {
    var dir: URL!

    override func tearDownWithError() throws {
        if let dir, ProcessInfo.processInfo.environment["MORE_KEEP_TEST_OUTPUT"] == nil { try? FileManager.default.removeItem(at: dir) }
    }

    /// The `more` executable of the same build as this test bundle.
    static func moreBinary() throws -> URL {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<5 {
            let candidate = folder.appendingPathComponent("more")
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDir), !isDir.boolValue { return candidate }
            folder.deleteLastPathComponent()
        }
        throw XCTSkip("the `more` executable is not beside the test bundle (\(CommandLine.arguments[0])); build it with --build-tests")
    }

    /// Starts `more args…` in `dir` with MORE_ROOT set to this checkout; stdout and stderr go to
    /// the one pipe returned.
    static func launchMore(_ args: [String], in dir: URL) throws -> (Process, Pipe) {
        let p = Process()
        p.executableURL = try moreBinary()
        p.arguments = args
        p.currentDirectoryURL = dir
        var env = ProcessInfo.processInfo.environment
        env["MORE_ROOT"] = Fixtures.repoRoot.path
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        return (p, out)
    }

    /// Runs `more args…` in `dir` to its end; returns its exit status and stdout + stderr.
    static func runMore(_ args: [String], in dir: URL) throws -> (status: Int32, output: String) {
        let (p, out) = try launchMore(args, in: dir)
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Runs `more args…` in `dir`, expecting exit status `status`; returns stdout + stderr.
    @discardableResult
    func more(_ args: [String], expect status: Int32 = 0, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let (code, text) = try Self.runMore(args, in: dir)
        XCTAssertEqual(code, status, "more \(args.joined(separator: " ")):\n\(text)", file: file, line: line)
        return text
    }

    func text(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }

    /// A micro config on the converted data's sizes (64 × 64 X-rays, 12 × 1000 ECGs), with a
    /// random one-layer text tower on MiniLM's vocabulary.
    static let microConfig = """
        {"base": "tiny", "name": "micro-converted",
         "xray": {"dim": 16, "depth": 1, "heads": 2}, "ecg": {"dim": 16, "depth": 1, "heads": 2}, "ecgStemChannels": 8,
         "text": {"hidden": 16, "layers": 1, "heads": 2, "intermediate": 32}, "textModel": "", "textMaxLength": 64,
         "optim": {"batchSize": 4, "epochs": 1, "warmupSteps": 1, "checkpointEvery": 1}}
        """

    func testConvertedDatasetsGoThroughTheTablesAndFigures() throws {
        _ = try Fixtures.miniLM()       // the tokenizer of the micro config's text tower
        _ = try Self.moreBinary()
        dir = try Fixtures.tempDirectory("converted-e2e")
        let src = dir.appendingPathComponent("published"), data = dir.appendingPathComponent("converted")
        let cxr = src.appendingPathComponent("mimic-cxr-jpg"), ecg = src.appendingPathComponent("mimic-iv-ecg")
        try ConvertedFixtures.makePTBXL(root: src.appendingPathComponent("ptbxl"))
        let studies = try ConvertedFixtures.makeMIMIC(cxr: cxr, ecg: ecg)
        try ConvertedFixtures.makeEdemaLabels(src.appendingPathComponent("edema_labels.csv"), studies: studies)
        try ConvertedFixtures.makeCheXpert(root: src.appendingPathComponent("CheXpert-v1.0-small"))

        // 1. Convert, all four into one folder (the layout `more table --data` reads).
        let conversions: [[String]] = [
            ["ptbxl", "--root", src.appendingPathComponent("ptbxl").path, "--rate", "500"],
            ["mimic", "--root", cxr.path, "--ecg-root", ecg.path, "--size", "64"],
            ["chexpert", "--root", src.appendingPathComponent("CheXpert-v1.0-small").path, "--size", "64"],
            ["edema", "--root", cxr.path, "--labels", src.appendingPathComponent("edema_labels.csv").path, "--size", "64"],
        ]
        for c in conversions {
            let log = try more(["data", "convert"] + c + ["--out", data.path])
            XCTAssertTrue(log.contains("files pass `more data check`"), log)
        }
        let splits = ["ptbxl_train", "ptbxl_val", "ptbxl_test", "pretrain_train", "pretrain_val", "pretrain_test",
                      "mimic4label_train", "mimic4label_val", "mimic4label_test", "chexpert5x200", "edema_train", "edema_val", "edema_test"]
        let files = try FileManager.default.contentsOfDirectory(atPath: data.path).filter { $0.hasSuffix(".h5") }.sorted()
        XCTAssertEqual(files, splits.map { $0 + ".h5" }.sorted())

        // 2. `more data check` on every file, on a damaged copy (it must be able to fail), and on
        //    the folder with `--for all`.
        let check = try more(["data", "check"] + files.map { data.appendingPathComponent($0).path })
        XCTAssertFalse(check.lowercased().contains("invalid"), check)
        let broken = dir.appendingPathComponent("broken.h5")
        let bytes = try Data(contentsOf: data.appendingPathComponent("chexpert5x200.h5"))
        try bytes.prefix(bytes.count / 2).write(to: broken)
        try more(["data", "check", broken.path], expect: 1)
        // The folder as a whole: every table and figure can be made from it.
        let folder = try more(["data", "check", "--structure-only", data.path, "--for", "all"])
        XCTAssertTrue(folder.contains("tables and figures from") && !folder.contains(".h5: missing") && !folder.contains("no label set"), folder)

        // 3. Two optimiser steps of a micro MoRE on the converted MIMIC pairs.
        let config = dir.appendingPathComponent("micro-converted.json"), run = dir.appendingPathComponent("run")
        try Self.microConfig.write(to: config, atomically: true, encoding: .utf8)
        try more(["pretrain", "--config", config.path, "--data", data.path, "--out", run.path, "--max-steps", "2", "--quiet"])
        let checkpoint = run.appendingPathComponent("best.safetensors")
        XCTAssertTrue(FileManager.default.fileExists(atPath: checkpoint.path), "pretrain wrote no best.safetensors")

        // 4. The checkpoint tables, exactly the commands `make tables` runs.
        let tables = dir.appendingPathComponent("Tables")
        let tableSplits = ["table-zeroshot-cxr": ["chexpert5x200"], "table-zeroshot-ecg": ["ptbxl_test"],
                           "table-mimic-4label": ["mimic4label_train", "mimic4label_val", "mimic4label_test"],
                           "table-edema-severity": ["edema_train", "edema_val", "edema_test"],
                           "table-ptbxl-probe": ["ptbxl_train", "ptbxl_val", "ptbxl_test"], "table-retrieval": ["pretrain_test"]]
        // Provenance shows paths relative to the working directory (the repository root under
        // `make`; here `dir`), so a reader's clone resolves them.
        func shown(_ u: URL) -> String {
            let root = dir.resolvingSymlinksInPath().path, path = u.resolvingSymlinksInPath().path
            XCTAssertTrue(path.hasPrefix(root + "/"), "\(path) is not under \(root)")
            return String(path.dropFirst(root.count + 1))
        }
        for (name, used) in tableSplits.sorted(by: { $0.key < $1.key }) {
            try more(["table", name, "--out", tables.path, "--data", data.path, "--checkpoint", checkpoint.path, "--bootstrap", "50"])
            let md = tables.appendingPathComponent(name + ".md")
            XCTAssertTrue(FileManager.default.fileExists(atPath: md.path), "\(name): no Markdown")
            let doc = (try? text(md)) ?? ""
            for s in used { XCTAssertTrue(doc.contains("dataset: " + shown(data.appendingPathComponent(s + ".h5"))) || doc.contains(", " + shown(data.appendingPathComponent(s + ".h5"))), "\(name): provenance lacks \(s).h5") }
            XCTAssertTrue(doc.contains("checkpoint: " + shown(checkpoint)), "\(name): provenance lacks the checkpoint")
            let csvs = try FileManager.default.contentsOfDirectory(atPath: tables.path).filter { $0.hasPrefix(name) && $0.hasSuffix(".csv") }
            XCTAssertFalse(csvs.isEmpty, "\(name): no CSV")
        }

        // 5. The figures that need only the data and the checkpoint.
        let figures = dir.appendingPathComponent("Figures")
        let figureSplits = ["figure2": ["chexpert5x200", "mimic4label_test"], "figure3": ["mimic4label_test"],
                            "figure4": ["mimic4label_test"], "figure5": ["pretrain_test"],
                            "figure-attention-xray": ["pretrain_test"], "figure-attention-ecg": ["pretrain_test"]]
        // One explanation study draws both attention figures: the X-ray command (all `make` runs)
        // must leave the ECG figure and its provenance too.
        for name in figureSplits.keys.sorted() where name != "figure-attention-ecg" {
            try more(["figure", name, "--out", figures.path, "--data", data.path, "--checkpoint", checkpoint.path])
        }
        for (name, used) in figureSplits.sorted(by: { $0.key < $1.key }) {
            for ext in ["png", "svg", "gp", "dat"] {
                XCTAssertTrue(FileManager.default.fileExists(atPath: figures.appendingPathComponent("\(name).\(ext)").path), "\(name).\(ext) missing")
            }
            let provenance = (try? text(figures.appendingPathComponent("\(name).provenance.md"))) ?? ""
            for s in used { XCTAssertTrue(provenance.contains(shown(data.appendingPathComponent(s + ".h5"))), "\(name): provenance lacks \(s).h5") }
            let script = (try? text(figures.appendingPathComponent("\(name).gp"))) ?? ""
            XCTAssertFalse(script.contains("synthetic cohort"), "\(name): the title calls converted data synthetic")
            if name == "figure2" {
                // The folder has pre-training splits, so the X-ray–text-only run (trained for the
                // probe tables above) is a column, as are MoRE and random init.
                for column in ["MoRE (tri-modal, ours)", "X-ray–text only (no ECG)", "random init"] {
                    XCTAssertTrue(script.contains(column), "figure2 lacks the column '\(column)'")
                }
            }
        }
    }
}
