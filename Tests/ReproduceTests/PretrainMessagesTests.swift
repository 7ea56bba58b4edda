import XCTest
import Foundation
import MoRE
import TestSupport
@testable import more

/// What `more pretrain` says (Reproduce/Pretrain.swift, PretrainInterrupt.swift), run as a
/// process — the built `more` — on the table fixture's cohort and micro config (4 steps per
/// epoch, 2 epochs): the --max-steps cap at the start and how far the run got at the end, where
/// a resume starts, a resume that finds no checkpoint, and what an interruption keeps.
final class PretrainMessagesTests: XCTestCase {
    var dir: URL!
    var config: URL!
    var data: URL!

    override func setUpWithError() throws {
        let s = try TableFixture.setup()
        dir = try Fixtures.tempDirectory("pretrain-messages")
        config = try TableFixture.writeConfigFile(in: dir)
        data = s.data
    }

    override func tearDownWithError() throws {
        if let dir { try? FileManager.default.removeItem(at: dir) }
    }

    /// Starts `more pretrain` into `out` (a folder name in `dir`, the working directory).
    func start(_ out: String, _ extra: [String]) throws -> (Process, Pipe) {
        try ConvertedEndToEndTests.launchMore(["pretrain", "--config", config.path, "--data", data.path, "--out", out, "--quiet",
                                               "--threads", "1"] + extra, in: dir)
    }

    /// Runs `more pretrain` to its end; returns its output (stdout and stderr).
    func pretrain(_ out: String, _ extra: [String], file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let (p, pipe) = try start(out, extra)
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, text, file: file, line: line)
        return text
    }

    func testMaxStepsAndResumeSayWhereTheRunStands() throws {
        let first = try pretrain("r1", ["--max-steps", "2"])
        XCTAssertTrue(first.contains(", 2 epochs, cut to 2 of their 8 steps by --max-steps, data "), first)
        XCTAssertTrue(first.contains("done: 2 steps, 0 of 2 epochs and 2 of the 4 batches of epoch 1 (--max-steps) in "), first)
        XCTAssertTrue(first.contains("(of the final weights: no epoch ended)"), first)
        let resumed = try pretrain("r1", ["--max-steps", "5", "--resume"])
        XCTAssertTrue(resumed.contains("resuming from step 2 (in epoch 1 of 2): r1/last.safetensors"), resumed)
        XCTAssertTrue(resumed.contains("done: 5 steps, 1 of 2 epochs and 1 of the 4 batches of epoch 2 (--max-steps) in "), resumed)
        let none = try pretrain("r2", ["--max-steps", "1", "--resume"])
        XCTAssertTrue(none.contains("no checkpoint in r2: starting from step 0"), none)
        let whole = try pretrain("r2", ["--overwrite"])
        XCTAssertTrue(whole.contains("done: 8 steps, 2 epochs in "), whole)
        XCTAssertFalse(whole.contains("(of the final weights"), whole)
    }

    /// Ctrl-C says the step reached and the checkpoint kept — the one on disk afterwards — and
    /// the process still ends by the signal with no temporary file left (TemporaryFiles'
    /// handler runs after this note).
    func testAnInterruptionSaysWhatItKeeps() throws {
        let (p, pipe) = try start("r3", ["--epochs", "1000"])
        let log = dir.appendingPathComponent("r3/train_log.csv")
        let deadline = Date().addingTimeInterval(120)
        func rows() -> Int { ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").count - 1 }
        while rows() < 6 && p.isRunning && Date() < deadline { usleep(5_000) }   // past the checkpoint of epoch 1's end
        XCTAssertTrue(p.isRunning, "the run ended before it could be interrupted")
        kill(p.processIdentifier, SIGINT)
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationReason, .uncaughtSignal, text)
        XCTAssertEqual(p.terminationStatus, SIGINT)
        let kept = try XCTUnwrap(try RunFolder(dir.appendingPathComponent("r3")).lastCheckpoint()).state
        let note = try XCTUnwrap(text.split(separator: "\n").first { $0.hasPrefix("pretrain: interrupted at step ") }, text)
        let step = try XCTUnwrap(Int(note.dropFirst("pretrain: interrupted at step ".count).prefix { $0.isNumber }), String(note))
        // The note names the checkpoint on disk (one written in the microseconds between its
        // rename and the note's update would be newer: then the note names the one before).
        let said = try XCTUnwrap(note.range(of: "; last checkpoint: step ").map { Int(note[$0.upperBound...].prefix { $0.isNumber }) } ?? nil,
                                 String(note))
        XCTAssertGreaterThanOrEqual(said, 4)
        XCTAssertGreaterThanOrEqual(step, said)
        XCTAssertLessThanOrEqual(said, kept.optimizerStep)
        if said == kept.optimizerStep {
            XCTAssertTrue(note.hasSuffix("; last checkpoint: \(describe(kept, epochs: 1000)) in r3; continue it with --resume"), String(note))
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("r3").path)
        XCTAssertFalse(left.contains { $0.contains(".tmp-") }, "\(left)")
    }

    /// Interrupted before its first checkpoint, a run says there is nothing to resume.
    func testTheNoteBeforeAnyCheckpoint() throws {
        let r = Pipe()
        PretrainInterrupt.publish(step: 3, text: "; no checkpoint yet (one is written at each epoch's end): nothing to resume\n")
        PretrainInterrupt.install()
        PretrainInterrupt.uninstall()
        PretrainInterrupt.write(to: r.fileHandleForWriting.fileDescriptor)
        try r.fileHandleForWriting.close()
        let text = String(decoding: r.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertTrue(text.hasSuffix("pretrain: interrupted at step 3; no checkpoint yet (one is written at each epoch's end): nothing to resume\n"), text)
        PretrainInterrupt.publish(step: 120)
        let again = Pipe()
        PretrainInterrupt.write(to: again.fileHandleForWriting.fileDescriptor)
        try again.fileHandleForWriting.close()
        XCTAssertTrue(String(decoding: again.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).contains("at step 120; no checkpoint"))
    }
}
