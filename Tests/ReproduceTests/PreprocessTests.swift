// PreprocessTests — `more ecg preprocess` (Reproduce/Preprocess.swift) on bad input: a record
// without the 12 leads its help promises is a typed error naming the record and its number of
// signals, and no output file is written.

import Foundation
import XCTest
import TestSupport
import Datasets
@testable import more

final class PreprocessTests: XCTestCase {
    /// Writes a valid 10 s, 100 Hz WFDB record `r` (format 16) with `signals` ramp-shaped signals.
    func writeRecord(_ dir: URL, signals: Int) throws -> URL {
        let n = 1000
        let lead = (0..<n).map { Int16($0 % 100) }
        let checksum = Int16(truncatingIfNeeded: lead.reduce(0) { $0 + Int($1) })
        var bytes: [UInt8] = []
        for t in 0..<n { for _ in 0..<signals { bytes += [UInt8(truncatingIfNeeded: lead[t]), UInt8(truncatingIfNeeded: lead[t] >> 8)] } }
        try Data(bytes).write(to: dir.appendingPathComponent("r.dat"))
        let names = DatasetSchema.ecgLeadNames
        let lines = ["r \(signals) 100 \(n)"] + (0..<signals).map { "r.dat 16 200(0)/mV 16 0 0 \(checksum) 0 \(names[$0])" }
        try (lines.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("r.hea"), atomically: true, encoding: .utf8)
        return dir.appendingPathComponent("r")
    }

    func testECGPreprocessRefusesARecordWithoutTwelveSignals() throws {
        let dir = try Fixtures.tempDirectory("preprocess-6"); defer { try? FileManager.default.removeItem(at: dir) }
        let twelve = dir.appendingPathComponent("twelve"), six = dir.appendingPathComponent("six")
        for d in [twelve, six] { try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true) }
        let ok = try writeRecord(twelve, signals: 12), bad = try writeRecord(six, signals: 6)
        let okOut = dir.appendingPathComponent("ok.f32"), badOut = dir.appendingPathComponent("bad.f32")
        try ECGPreprocessCommand.parse([ok.path, "--out", okOut.path]).run()
        XCTAssertEqual(try Fixtures.f32(okOut).count, 12 * 1000, "the fixture itself is a valid record")
        XCTAssertThrowsError(try ECGPreprocessCommand.parse([bad.path, "--out", badOut.path]).run()) {
            XCTAssertEqual($0 as? DataError, .wrongShape(file: bad.path + ".hea", field: "record r: signals", expected: "12 leads", got: [6]))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: badOut.path))
    }

    /// Before: "not a readable image file (The operation could not be completed. (NSCocoaErrorDomain
    /// error 256.))" for a folder, and "folder …/afile does not exist" or Foundation's error 512
    /// for an --out under a file.
    func testFoldersAndUnwritableOutputsAreNamedInPlainWords() throws {
        let dir = try Fixtures.tempDirectory("preprocess-paths"); defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("afile"), out = dir.appendingPathComponent("x.f32")
        try Data("x".utf8).write(to: file)
        XCTAssertThrowsError(try XrayPreprocessCommand.parse([dir.path, "--out", out.path]).run()) {
            XCTAssertEqual($0 as? DataError, .isDirectory(dir.path, expected: "JPEG or PNG image file"))
        }
        XCTAssertThrowsError(try ECGPreprocessCommand.parse([dir.path, "--out", out.path]).run()) { error in
            guard case DataError.isDirectory(dir.path, let expected) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(expected.hasPrefix("WFDB record path"), expected)
        }
        let under = file.appendingPathComponent("sub")
        let record = try writeRecord(dir, signals: 12)
        for command in [{ try XrayPreprocessCommand.parse([dir.path, "--out", under.path]).run() },
                        { try ECGPreprocessCommand.parse([record.path, "--out", under.path]).run() }] {
            XCTAssertThrowsError(try command()) {
                XCTAssertEqual($0 as? DataError, .writeFailed(file: under.path, reason: "\(file.path) is a file, not a folder"))
            }
        }
        XCTAssertThrowsError(try ECGPreprocessCommand.parse([record.path, "--out", dir.path]).run()) {
            XCTAssertEqual($0 as? DataError, .writeFailed(file: dir.standardizedFileURL.path, reason: "it is a folder, expected a file name"))
        }
    }

    /// `--lead-order` takes `data convert`'s old spelling `asStored` too (same output as `stored`).
    func testLeadOrderSpellingsAreSharedWithDataConvert() throws {
        let dir = try Fixtures.tempDirectory("preprocess-lead-order"); defer { try? FileManager.default.removeItem(at: dir) }
        let record = try writeRecord(dir, signals: 12)
        var outputs: [[Float]] = []
        for value in ["stored", "asStored"] {
            let out = dir.appendingPathComponent("\(value).f32")
            try ECGPreprocessCommand.parse([record.path, "--out", out.path, "--lead-order", value]).run()
            outputs.append(try Fixtures.f32(out))
        }
        XCTAssertEqual(outputs[0], outputs[1])
        XCTAssertThrowsError(try ECGPreprocessCommand.parse([record.path, "--out", "x", "--lead-order", "standard"])) {
            XCTAssertEqual(ECGPreprocessCommand.message(for: $0), "--lead-order must be stored, mimic or names, got 'standard'")
        }
        XCTAssertTrue(ECGPreprocessCommand.helpMessage(columns: 200).contains("--lead-order <stored|mimic|names>"))
    }
}
