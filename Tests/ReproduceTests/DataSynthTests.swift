import XCTest
import Foundation
@testable import more

/// `more data synth` (Reproduce/DataSynth.swift): a cohort that cannot fit in memory is a usage
/// error naming --patients, raised before any folder is created (it used to abort in the allocator).
final class DataSynthTests: XCTestCase {
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
