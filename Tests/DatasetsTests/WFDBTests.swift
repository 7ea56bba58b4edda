// WFDBTests — the WFDB reader on every open record in ../shared/data (LUDB, PTB-XL), against the
// raw-mV goldens, the headers' own checksums and initial values, and on hand-made bad input.

import Foundation
import XCTest
import TestSupport
@testable import Datasets

final class WFDBTests: XCTestCase {

    /// Every record named in a folder (`*.hea` without extension).
    private func records(in folder: URL) throws -> [URL] {
        let items = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
        return items.filter { $0.pathExtension == "hea" }.map { $0.deletingPathExtension() }
            .sorted { $0.path < $1.path }
    }

    func testLUDBRecords1And2MatchRawGolden() throws {
        for r in [1, 2] {
            let rec = try WFDBRecord(record: Fixtures.shared("data/ludb/data/\(r).hea").deletingPathExtension())
            let golden = try Fixtures.f32(Fixtures.shared("reference/ecg_preprocess/ludb\(r)_0_raw_mv.f32"))
            XCTAssertEqual(rec.signalCount, 12)
            XCTAssertEqual(rec.sampleCount, 5000)
            XCTAssertEqual(rec.header.frequency, 500)
            XCTAssertLessThanOrEqual(maxAbsDiff(rec.physical(), golden), 1e-6, "ludb \(r)")
        }
        let h = try WFDBHeader(contentsOf: Fixtures.shared("data/ludb/data/1.hea"))
        XCTAssertEqual(h.signals[0].gain, 1716)
        XCTAssertEqual(h.signals[0].baseline, 6)
        XCTAssertEqual(h.signals[2].baseline, -5)
        XCTAssertEqual(h.signals[0].units, "mV")
        XCTAssertEqual(h.signals[11].description, "v6")
        XCTAssertEqual(h.comments.first, "<age>: 51")
    }

    func testEveryLUDBAndPTBXLRecordAgreesWithItsHeader() throws {
        let ludb = try records(in: Fixtures.shared("data/ludb/data"))
        let ptbxl = try records(in: Fixtures.shared("data/ptbxl/records500/06000"))
        XCTAssertEqual(ludb.count, 20)
        XCTAssertEqual(ptbxl.count, 10)
        for url in ludb + ptbxl {
            let rec = try WFDBRecord(record: url, verify: false)
            XCTAssertEqual(rec.sampleCount, 5000, url.path)
            XCTAssertEqual(rec.signalCount, 12, url.path)
            for (s, sig) in rec.header.signals.enumerated() {
                XCTAssertEqual(Int(rec.digital[s * rec.sampleCount]), sig.initialValue, "\(url.path) signal \(s)")
                XCTAssertEqual(rec.checksum(signal: s), (sig.checksum! % 65536 + 65536) % 65536, "\(url.path) signal \(s)")
            }
            XCTAssertNoThrow(try rec.verify(headerFile: url.path + ".hea"))
        }
        // PTB-XL: gain 1000.0(0)/mV, so mV = digital / 1000.
        let p = try WFDBRecord(record: ptbxl[0])
        XCTAssertEqual(p.header.signals[1].gain, 1000)
        XCTAssertEqual(p.header.signals[4].description, "AVL")
        XCTAssertEqual(p.physical()[5000], Float(Double(p.digital[5000]) / 1000))
    }

    func testGainForms() throws {
        let text = """
        rec 4 360 3
        rec.dat 16 200/uV 12 0 0 0 0 a b
        rec.dat 16 0 12 7
        rec.dat 16
        rec.dat 16 50.5(-3) 11 0 0 0 0 MLII
        """
        let h = try WFDBHeader(parsing: text, file: "rec.hea")
        XCTAssertEqual(h.frequency, 360)
        XCTAssertEqual(h.sampleCount, 3)
        XCTAssertEqual(h.signals[0].gain, 200); XCTAssertEqual(h.signals[0].units, "uV")
        XCTAssertEqual(h.signals[0].description, "a b")
        XCTAssertEqual(h.signals[1].gain, 200, "gain 0 means 200")
        XCTAssertEqual(h.signals[1].baseline, 7, "baseline defaults to ADC zero")
        XCTAssertEqual(h.signals[2].gain, 200, "absent gain means 200")
        XCTAssertEqual(h.signals[3].gain, 50.5); XCTAssertEqual(h.signals[3].baseline, -3)
        XCTAssertEqual(h.signals[3].units, "mV")
    }

    func testFormat212RoundTrip() throws {
        let dir = try Fixtures.tempDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
        // Two signals, three frames: samples (A, B) per frame, interleaved, then packed in pairs.
        let samples: [Int32] = [100, -1, 2047, -2048, -700, 5]
        var bytes: [UInt8] = []
        for p in stride(from: 0, to: samples.count, by: 2) {
            let a = UInt32(bitPattern: samples[p]) & 0xFFF, b = UInt32(bitPattern: samples[p + 1]) & 0xFFF
            bytes += [UInt8(a & 0xFF), UInt8((a >> 8) | ((b >> 8) << 4)), UInt8(b & 0xFF)]
        }
        try Data(bytes).write(to: dir.appendingPathComponent("r.dat"))
        let sumA = Int16(truncatingIfNeeded: 100 + 2047 - 700), sumB = Int16(truncatingIfNeeded: -1 - 2048 + 5)
        try """
        r 2 250 3
        r.dat 212 100(0)/mV 12 0 100 \(sumA) 0 A
        r.dat 212 100(0)/mV 12 0 -1 \(sumB) 0 B
        """.write(to: dir.appendingPathComponent("r.hea"), atomically: true, encoding: .utf8)
        let rec = try WFDBRecord(record: dir.appendingPathComponent("r"))
        XCTAssertEqual(rec.digital, [100, 2047, -700, -1, -2048, 5])
        let mv = rec.physical()
        XCTAssertEqual(mv[0], 1.0)
        XCTAssertTrue(mv[4].isNaN, "-2048 is the invalid-sample code of format 212")
    }

    // MARK: bad input

    /// Writes LUDB-style record `r` with `frames` frames of `nsig` zero-valued int16 signals.
    private func writeRecord(_ dir: URL, header: String, datBytes: Int?) throws -> URL {
        try header.write(to: dir.appendingPathComponent("r.hea"), atomically: true, encoding: .utf8)
        if let n = datBytes { try Data(count: n).write(to: dir.appendingPathComponent("r.dat")) }
        return dir.appendingPathComponent("r")
    }

    private func assertDataError(_ body: () throws -> Void, file expectedFile: String, fieldContains: String?,
                                 line: UInt = #line) {
        do {
            try body()
            XCTFail("expected a DataError", line: line)
        } catch let e as DataError {
            XCTAssertTrue(e.file.hasSuffix(expectedFile), "\(e) should name \(expectedFile)", line: line)
            if let f = fieldContains {
                XCTAssertTrue(e.description.contains(f), "\(e) should name \(f)", line: line)
                XCTAssertTrue(e.description.contains("record r"), "\(e) should name the record", line: line)
            }
        } catch {
            XCTFail("unexpected error \(error)", line: line)
        }
    }

    private let goodHeader = "r 2 500 4\nr.dat 16 200(0)/mV 16 0 0 0 0 I\nr.dat 16 200(0)/mV 16 0 0 0 0 II\n"

    func testMissingHeader() throws {
        let dir = try Fixtures.tempDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
        assertDataError({ _ = try WFDBRecord(record: dir.appendingPathComponent("r")) }, file: "r.hea", fieldContains: nil)
    }

    /// A folder given for a record (`more ecg preprocess ludb/data`) is named as a folder, not as
    /// a missing `data.hea`; a folder where the header or the signal file should be, as a folder
    /// (before: "NSCocoaErrorDomain error 256").
    func testAFolderGivenForARecordOrItsFilesIsNamed() throws {
        let dir = try Fixtures.tempDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
        XCTAssertThrowsError(try WFDBRecord(record: dir)) { error in
            guard case DataError.isDirectory(dir.path, let expected) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(expected.hasPrefix("WFDB record path without extension"), expected)
        }
        let hea = dir.appendingPathComponent("h.hea")
        try FileManager.default.createDirectory(at: hea, withIntermediateDirectories: false)
        XCTAssertThrowsError(try WFDBHeader(contentsOf: hea)) {
            XCTAssertEqual($0 as? DataError, .isDirectory(hea.path, expected: "WFDB header file (RECORD.hea)"))
        }
        let r = try writeRecord(dir, header: goodHeader, datBytes: nil)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("r.dat"), withIntermediateDirectories: false)
        XCTAssertThrowsError(try WFDBRecord(record: r)) {
            XCTAssertEqual($0 as? DataError, .isDirectory(dir.appendingPathComponent("r.dat").path, expected: "WFDB signal file"))
        }
    }

    func testMissingDat() throws {
        let dir = try Fixtures.tempDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
        let r = try writeRecord(dir, header: goodHeader, datBytes: nil)
        assertDataError({ _ = try WFDBRecord(record: r) }, file: "r.dat", fieldContains: nil)
    }

    func testTruncatedDat() throws {
        let dir = try Fixtures.tempDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
        let r = try writeRecord(dir, header: goodHeader, datBytes: 4 * 4 - 1)
        do { _ = try WFDBRecord(record: r); XCTFail("expected a DataError") } catch let e as DataError {
            XCTAssertTrue(e.file.hasSuffix("r.dat") && e.description.contains("truncated"), "\(e)")
        }
    }

    func testSampleCountDisagreesWithFileSize() throws {
        let dir = try Fixtures.tempDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
        let r = try writeRecord(dir, header: goodHeader, datBytes: 3 * 4)   // 3 frames, header says 4
        assertDataError({ _ = try WFDBRecord(record: r) }, file: "r.hea", fieldContains: "samples per signal")
        let r2 = try writeRecord(dir, header: goodHeader, datBytes: 5 * 4)  // 5 frames, header says 4
        assertDataError({ _ = try WFDBRecord(record: r2) }, file: "r.hea", fieldContains: "samples per signal")
    }

    func testMalformedSignalLine() throws {
        let dir = try Fixtures.tempDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
        let bad = "r 2 500 4\nr.dat 16 200(x/mV 16 0 0 0 0 I\nr.dat 16 200(0)/mV 16 0 0 0 0 II\n"
        let r = try writeRecord(dir, header: bad, datBytes: 16)
        assertDataError({ _ = try WFDBRecord(record: r) }, file: "r.hea", fieldContains: "signal 0")
        let short = "r 2 500 4\nr.dat 16 200(0)/mV 16 0 0 0 0 I\n"
        let r2 = try writeRecord(dir, header: short, datBytes: 16)
        assertDataError({ _ = try WFDBRecord(record: r2) }, file: "r.hea", fieldContains: "signal lines")
    }

    func testUnsupportedFormat() throws {
        let dir = try Fixtures.tempDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
        let r = try writeRecord(dir, header: "r 1 500 4\nr.dat 80 200/mV 8 0 0 0 0 I\n", datBytes: 4)
        assertDataError({ _ = try WFDBRecord(record: r) }, file: "r.hea", fieldContains: "format 80")
    }

    func testChecksumAndInitialValueMismatch() throws {
        let dir = try Fixtures.tempDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
        let r = try writeRecord(dir, header: "r 1 500 4\nr.dat 16 200/mV 16 0 0 7 0 I\n", datBytes: 8)
        assertDataError({ _ = try WFDBRecord(record: r) }, file: "r.hea", fieldContains: "checksum")
        let r2 = try writeRecord(dir, header: "r 1 500 4\nr.dat 16 200/mV 16 0 3 0 0 I\n", datBytes: 8)
        assertDataError({ _ = try WFDBRecord(record: r2) }, file: "r.hea", fieldContains: "initial value")
    }
}
