import XCTest
import Foundation
import TestSupport

/// `more` interrupted in the middle of a write (Ctrl-C, `kill`, a closed terminal) removes the
/// hidden temporary files of its unfinished writes and ends by the signal
/// (Sources/Datasets/TemporaryFiles.swift). Before, an interrupted `more data synth` left a
/// 170 MB `.pretrain_train.h5.tmp-…` behind.
final class InterruptTests: XCTestCase {
    func testAnInterruptedSynthLeavesNoTemporaryFile() throws {
        for signal in [SIGINT, SIGTERM] {
            let out = try Fixtures.tempDirectory("interrupt")
            defer { try? FileManager.default.removeItem(at: out) }
            let p = Process()
            p.executableURL = try ConvertedEndToEndTests.moreBinary()
            p.arguments = ["data", "synth", "--out", out.path, "--patients", "600", "--threads", "1"]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            // The splits stay staged under temporary names until the last one is written.
            let deadline = Date().addingTimeInterval(60)
            func staged() -> [String] {
                ((try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []).filter { $0.contains(".tmp-") }
            }
            while staged().count < 2 && p.isRunning && Date() < deadline { usleep(2_000) }
            XCTAssertTrue(p.isRunning, "synth finished before it could be interrupted; give it more patients")
            XCTAssertGreaterThanOrEqual(staged().count, 2)
            kill(p.processIdentifier, signal)
            p.waitUntilExit()
            XCTAssertEqual(p.terminationReason, .uncaughtSignal, "signal \(signal)")
            XCTAssertEqual(p.terminationStatus, signal)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path), [], "signal \(signal) left files")
        }
    }
}
