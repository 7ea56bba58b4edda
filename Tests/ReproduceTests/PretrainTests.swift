import XCTest
import Foundation
import MoRE
import Datasets
import TestSupport
@testable import more

/// `more pretrain` (Reproduce/Pretrain.swift).
final class PretrainTests: XCTestCase {
    /// `--resume` on a finished run returns before the model is built and the data read (`make`
    /// asks at every table): here the data folder holds only pretrain_train.h5, whose hash
    /// identifies the run, and no validation split, which reading the data would need.
    func testAFinishedRunIsRecognisedBeforeTheDataIsRead() throws {
        let s = try TableFixture.setup()
        let dir = try Fixtures.tempDirectory("pretrain-finished")
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: data.appendingPathComponent("pretrain_train.h5"),
                                                   withDestinationURL: s.data.appendingPathComponent("pretrain_train.h5"))
        let configFile = try TableFixture.writeConfigFile(in: dir)
        let run = s.checkpoint.deletingLastPathComponent().path
        XCTAssertNoThrow(try Pretrain.parse(["--config", configFile.path, "--data", data.path, "--out", run, "--resume", "--quiet"]).run())
        // Without --resume the same call must read the data, and finds the split missing.
        XCTAssertThrowsError(try Pretrain.parse(["--config", configFile.path, "--data", data.path,
                                                 "--out", dir.appendingPathComponent("fresh").path, "--quiet"]).run()) { e in
            XCTAssertTrue("\(e)".contains("pretrain_val.h5"), "\(e)")
        }
    }

    /// An --out that cannot be a folder (a file, a path under a file, a read-only place) and a
    /// missing --data folder are errors naming the path, raised before the model is built and
    /// before `<out>.lock` is created beside --out.
    func testUnwritableOutAndMissingDataFailFirstAndLeaveNothing() throws {
        let dir = try Fixtures.tempDirectory("pretrain-paths")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("afile")
        try Data("x".utf8).write(to: file)
        let data = dir.appendingPathComponent("no-data")
        for (out, reason) in [(file.path, "it is a file, expected a folder"), (file.path + "/sub", "\(file.path) is a file, not a folder")] {
            XCTAssertThrowsError(try Pretrain.parse(["--data", data.path, "--out", out, "--quiet"]).run()) { e in
                XCTAssertEqual(e as? DataError, .writeFailed(file: out, reason: reason))
                XCTAssertTrue("\(e)".hasPrefix("\(out): could not write ("), "\(e)")
            }
        }
        let out = dir.appendingPathComponent("run")
        XCTAssertThrowsError(try Pretrain.parse(["--data", data.path, "--out", out.path, "--quiet"]).run()) { e in
            XCTAssertTrue("\(e)".hasPrefix("\(data.path): no such folder, expected a dataset folder"), "\(e)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["afile"])
    }

    /// --snapshot K must lie within the run: K above its epochs is a usage error naming both;
    /// K equal to them is the run itself (what `more runs` assumes when the ablation budget is
    /// the main run's), accepted with nothing to write.
    /// A text tower whose vocabulary is smaller than its tokenizer's is a config error naming
    /// `text.vocabSize` (possible with a random text tower, `textModel: ""`), before any forward.
    func testATokenizerLargerThanTheTextVocabularyIsAConfigError() throws {
        _ = try Fixtures.miniLM()
        var c = MoREConfig.tiny
        c.textModel = ""
        c.text.vocabSize = 1000
        XCTAssertThrowsError(try textTokenizer(c)) { e in
            guard case ConfigError.badValue(_, "text.vocabSize", let reason) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(reason.contains("1000 is smaller than the 30522 tokens"), reason)
        }
        c.text.vocabSize = 30522
        XCTAssertEqual(try textTokenizer(c).vocabularySize, 30522)
    }

    /// Only snapshots before the run's last epoch are written: K equal to the epochs is the run
    /// itself and K above them is never reached (`make pretrain ABLATION_EPOCHS=5` on a 3-epoch
    /// config must still train the main run); both are left out with a note.
    func testSnapshotsAtOrBeyondTheRunAreLeftOut() throws {
        let p = try Pretrain.parse(["--data", "/d", "--out", "/o", "--snapshot", "1:/s1", "--snapshot", "3:/s3", "--snapshot", "5:/s5"])
        XCTAssertEqual(try p.snapshots(epochs: 4), [1: URL(fileURLWithPath: "/s1"), 3: URL(fileURLWithPath: "/s3")])
        XCTAssertEqual(try p.snapshots(epochs: 3), [1: URL(fileURLWithPath: "/s1")])
        XCTAssertEqual(try p.snapshots(epochs: 2), [1: URL(fileURLWithPath: "/s1")])
        XCTAssertThrowsError(try Pretrain.parse(["--data", "/d", "--out", "/o", "--snapshot", "0:/s0"]).snapshots(epochs: 3)) { e in
            XCTAssertEqual(More.exitCode(for: e).rawValue, 64)
        }
    }

    /// A new run (no --resume) into a folder that holds a run is refused before anything is
    /// written, naming the folder and its last checkpoint and pointing to --resume and
    /// --overwrite (it used to replace the run without a word); --overwrite starts over;
    /// --resume with --overwrite is a usage error.
    func testANewRunIntoAFolderHoldingARunIsRefusedUnlessOverwritten() throws {
        let s = try TableFixture.setup()
        let dir = try Fixtures.tempDirectory("pretrain-refuse")
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = dir.appendingPathComponent("run")
        try FileManager.default.copyItem(at: s.checkpoint.deletingLastPathComponent(), to: run)
        let configFile = try TableFixture.writeConfigFile(in: dir)
        let last = run.appendingPathComponent("last.safetensors"), before = try Data(contentsOf: last)
        let args = ["--config", configFile.path, "--data", s.data.path, "--out", run.path, "--max-steps", "1", "--quiet"]
        XCTAssertThrowsError(try Pretrain.parse(args).run()) { e in
            XCTAssertEqual(More.exitCode(for: e).rawValue, 64)
            let m = "\(e)"
            XCTAssertTrue(m.hasPrefix("\(run.path) already holds a finished run: step 8 (finished after 2 epochs)."), m)
            XCTAssertTrue(m.contains("Pass --resume to continue it, --overwrite to start over"), m)
        }
        XCTAssertEqual(try Data(contentsOf: last), before, "the run is left as it was")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("run.lock").path), "refused before the lock")
        XCTAssertThrowsError(try Pretrain.parse(args + ["--resume", "--overwrite"]).run()) { e in
            XCTAssertEqual(More.exitCode(for: e).rawValue, 64)
        }
        try Pretrain.parse(args + ["--overwrite"]).run()
        let state = try XCTUnwrap(try RunFolder(run).lastCheckpoint()).state
        XCTAssertEqual(state.optimizerStep, 1, "a new run of one step")
        XCTAssertEqual(try String(contentsOf: run.appendingPathComponent("train_log.csv"), encoding: .utf8)
            .split(separator: "\n").count, 2, "header and the new run's one step")
    }

    /// The augmentation row of table-ablation is augment-on for a config with augmentations off
    /// (tiny) and augment-off for one with them on (paper); the other key is named as such
    /// rather than "unknown", and the help says which applies to which.
    func testAnAugmentationVariantOfTheOtherKindIsNamedAsSuch() throws {
        for (config, key, has, row) in [("tiny", "augment-off", "off", "augment-on"), ("paper", "augment-on", "on", "augment-off")] {
            XCTAssertThrowsError(try Pretrain.parse(["--config", config, "--data", "/d", "--out", "/o", "--variant", key]).run()) { e in
                XCTAssertEqual(More.exitCode(for: e).rawValue, 64)
                XCTAssertEqual("\(e)", "--variant \(key) applies only to a config with augmentations \(has == "off" ? "on" : "off"); '\(config)' has them \(has), so its augmentation row is --variant \(row)")
            }
        }
        let help = Pretrain.helpMessage(columns: 1000)
        XCTAssertTrue(help.contains("augment-on for a config with augmentations off such as tiny, augment-off for one with them on such as paper"), help)
    }

    /// How far a run got and where a checkpoint stands, as the messages say it.
    func testMessagesSayWhereARunStands() {
        var s = TrainerState()
        s.optimizerStep = 50; s.batch = 50
        XCTAssertEqual(describe(s, epochs: 3), "step 50 (in epoch 1 of 3)")
        s.optimizerStep = 81; s.batch = 0; s.epoch = 1
        XCTAssertEqual(describe(s, epochs: 3), "step 81 (after epoch 1 of 3)")
        s.optimizerStep = 243; s.epoch = 3; s.finished = true
        XCTAssertEqual(describe(s, epochs: 3), "step 243 (finished after 3 epochs)")
        XCTAssertEqual(describe(TrainerState(), epochs: 3), "step 0")
    }
}
