import XCTest
import Foundation
import Datasets
import TestSupport
@testable import more

/// `more data synth` (Reproduce/DataSynth.swift): a cohort that cannot fit in memory is a usage
/// error naming --patients, raised before any folder is created (it used to abort in the allocator);
/// the splits of one cohort are written all or none.
final class DataSynthTests: XCTestCase {
    /// A later split that cannot be written (a folder stands where `ptbxl_test.h5`, the last split,
    /// goes) leaves the previous cohort's files as they were — before, every split up to it was
    /// replaced by one of the new cohort — and no temporary file behind.
    func testAFailingSplitLeavesThePreviousCohortWhole() throws {
        let out = try Fixtures.tempDirectory("synth-all-or-none")
        defer { try? FileManager.default.removeItem(at: out) }
        try DataSynth.parse(["--out", out.path, "--patients", "30", "--seed", "1"]).run()
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        XCTAssertTrue(names.contains("pretrain_train.h5") && names.contains("ptbxl_test.h5"), "\(names)")
        try FileManager.default.removeItem(at: out.appendingPathComponent("ptbxl_test.h5"))
        try FileManager.default.createDirectory(at: out.appendingPathComponent("ptbxl_test.h5"), withIntermediateDirectories: false)
        let before = try names.filter { $0 != "ptbxl_test.h5" }.map { try Data(contentsOf: out.appendingPathComponent($0)) }

        XCTAssertThrowsError(try DataSynth.parse(["--out", out.path, "--patients", "30", "--seed", "2"]).run()) { e in
            XCTAssertEqual(e as? DataError, .writeFailed(file: out.appendingPathComponent("ptbxl_test.h5").path, reason: "is a folder"))
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted(), names)
        XCTAssertEqual(try names.filter { $0 != "ptbxl_test.h5" }.map { try Data(contentsOf: out.appendingPathComponent($0)) }, before,
                       "a split of the failed run replaced the previous cohort's")
    }

    /// Before: "(default 3000). (default: 3000)", no word of the minimum or of how the sets scale.
    func testPatientsHelpStatesItsDefaultOnceItsMinimumAndTheScaling() {
        let help = DataSynth.helpMessage(columns: 100).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let options = help.components(separatedBy: "OPTIONS:").last ?? help
        let line = options.components(separatedBy: "--patients <N>").dropFirst().first?.components(separatedBy: "--seed").first ?? help
        XCTAssertEqual(line.components(separatedBy: "default").count - 1, 2, line)   // "the default cohort", "(default: 3000)"
        XCTAssertTrue(line.contains("(default: 3000)") && line.contains("at least 10") && line.contains("N/3000"), line)
        XCTAssertThrowsError(try DataSynth.parse(["--out", "x", "--patients", "9"]))
        var config = SyntheticCohortConfig().scaled(pretrain: 50)
        config.seed = 1
        XCTAssertEqual(SyntheticCohort.plan(config).first { $0.name == "chexpert5x200" }?.count, 10, "the help's example")
    }

    /// Before: `--out FILE/sub` was "cannot create the output folder: The operation could not be
    /// completed. (NSCocoaErrorDomain error 512.)".
    func testAnOutputUnderAFileIsNamedInPlainWords() throws {
        let dir = try Fixtures.tempDirectory("synth-out-file")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("afile")
        try Data("x".utf8).write(to: file)
        for out in [file, file.appendingPathComponent("sub")] {
            XCTAssertThrowsError(try DataSynth.parse(["--out", out.path, "--patients", "10"]).run()) { e in
                let reason = out == file ? "it is a file, expected a folder" : "\(file.path) is a file, not a folder"
                XCTAssertEqual(e as? DataError, .writeFailed(file: out.path, reason: reason))
            }
        }
    }

    func testTooManyPatientsIsAUsageErrorBeforeAnyOutput() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("synth-\(UUID().uuidString)")
        XCTAssertThrowsError(try DataSynth.parse(["--out", out.path, "--patients", "100000000000"])) { e in
            let m = DataSynth.message(for: e)
            XCTAssertTrue(m.hasPrefix("--patients 100000000000 would need about") && m.contains("GB"), m)
            XCTAssertEqual(DataSynth.exitCode(for: e).rawValue, 64)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
    }

    /// The bound is generous: on an 8 GB machine it admits the 10,000-patient cohorts of
    /// PAPER.md §5.1 and the 3,000-patient cohort at the paper's 224-pixel X-rays, and it
    /// shrinks as the X-rays grow.
    func testTheBoundLeavesRoomForEveryCohortWeUse() throws {
        let small = try DataSynth.parse(["--out", "x"]), large = try DataSynth.parse(["--out", "x", "--xray-size", "224"])
        let eightGB: UInt64 = 8_000_000_000
        XCTAssertGreaterThanOrEqual(small.maxPatients(memory: eightGB), 10_000)
        XCTAssertGreaterThanOrEqual(large.maxPatients(memory: eightGB), 3_000)
        XCTAssertGreaterThan(small.maxPatients(memory: eightGB), large.maxPatients(memory: eightGB))
    }
}
