// Tests for HDF5Writer / HDF5BatchReader: exact round trips, deterministic bytes, streaming
// rows and shuffled indices, optional modalities, empty splits, compression, atomic writes.

import Foundation
import XCTest
import TensorCore
import TestSupport
@testable import Datasets

/// A small split with every field, awkward float bit patterns and non-ASCII reports.
func sampleSplit(n: Int, seed: UInt64 = 7, name: String = "train") -> DatasetSplit {
    var rng = RNG(seed: seed, stream: 0)
    func random(_ shape: [Int]) -> Tensor {
        Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in Float(rng.uniform()) })
    }
    let ecg = Tensor(shape: [n, 12, 20], values: (0..<(n * 240)).map { _ in Float(rng.normal()) })
    if n > 0 {  // bit patterns a lossy path would change
        ecg.pointer[0] = -0.0; ecg.pointer[1] = .leastNonzeroMagnitude; ecg.pointer[2] = .greatestFiniteMagnitude
        ecg.pointer[3] = Float(bitPattern: 0x3F80_0001)
    }
    let chexpert = Tensor(shape: [n, 3], values: (0..<(n * 3)).map { _ in Float(rng.int(below: 3)) - 1 })
    let edema = Tensor(shape: [n], values: (0..<n).map { _ in Float(rng.int(below: 4)) })
    return DatasetSplit(
        name: name, ids: (0..<n).map { String(format: "synth-%06d", $0) },
        xray: random([n, 8, 6]), ecg: ecg, ecgRaw: random([n, 12, 100]),
        reportXray: (0..<n).map { $0 % 3 == 0 ? "" : "FINDINGS: Pleural effusion – bilateral, ≥ moderate (ø \($0))." },
        reportECG: (0..<n).map { "Sinus rhythm. Patient \($0). 心电图 abnormal." },
        labels: ["chexpert": chexpert, "edema_severity": edema],
        labelNames: ["chexpert": ["Atelectasis", "Cardiomegaly", "Edema"]],
        attributes: ["source": "unit test", "seed": "\(seed)", "generator": "HDF5RoundTripTests"])
}

/// Asserts two splits hold bitwise identical content.
func assertSameContent(_ a: DatasetSplit, _ b: DatasetSplit, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.ids, b.ids, "ids", file: file, line: line)
    for (label, x, y) in [("xray", a.xray, b.xray), ("ecg", a.ecg, b.ecg), ("ecgRaw", a.ecgRaw, b.ecgRaw)] {
        XCTAssertEqual(x == nil, y == nil, "\(label) presence", file: file, line: line)
        if let x, let y { XCTAssertTrue(x.shape == y.shape && x.bitwiseEqual(y), "\(label) differs", file: file, line: line) }
    }
    XCTAssertEqual(a.reportXray, b.reportXray, "reportXray", file: file, line: line)
    XCTAssertEqual(a.reportECG, b.reportECG, "reportECG", file: file, line: line)
    XCTAssertEqual(Set(a.labels.keys), Set(b.labels.keys), "label sets", file: file, line: line)
    for (k, t) in a.labels {
        if let u = b.labels[k] { XCTAssertTrue(t.shape == u.shape && t.bitwiseEqual(u), "labels \(k)", file: file, line: line) }
    }
}

final class HDF5RoundTripTests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws { dir = try Fixtures.tempDirectory("h5-roundtrip") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func testRoundTripIsBitwiseExact() throws {
        let split = sampleSplit(n: 23)
        let url = dir.appendingPathComponent("train.h5")
        try writeHDF5(split, to: url)
        let back = try readHDF5(url)
        assertSameContent(split, back)
        XCTAssertEqual(back.name, "train")
        XCTAssertEqual(back.labelNames["chexpert"], ["Atelectasis", "Cardiomegaly", "Edema"])
        XCTAssertEqual(back.labelNames["edema_severity"], ["edema_severity"])
        XCTAssertEqual(back.attributes, split.fileAttributes)
        XCTAssertEqual(back.attributes["schema_version"], DatasetSchema.version)
    }

    func testSameSplitGivesSameBytes() throws {
        let a = dir.appendingPathComponent("a.h5"), b = dir.appendingPathComponent("b.h5")
        try writeHDF5(sampleSplit(n: 11), to: a)
        try writeHDF5(sampleSplit(n: 11), to: b)
        XCTAssertEqual(try Data(contentsOf: a), try Data(contentsOf: b))
        try writeHDF5(sampleSplit(n: 11, seed: 8), to: b)
        XCTAssertNotEqual(try Data(contentsOf: a), try Data(contentsOf: b), "different content, same bytes")
    }

    func testBatchReaderRowsAndIndicesMatchWholeFile() throws {
        let split = sampleSplit(n: 40)
        let url = dir.appendingPathComponent("s.h5")
        try writeHDF5(split, to: url, options: HDF5WriteOptions(chunkBytes: 1000))  // several rows per chunk, chunks cut mid-batch
        let reader = try HDF5BatchReader(url: url)
        XCTAssertEqual(reader.count, 40)
        let whole = try reader.read(rows: 0..<40)
        let part = try reader.read(rows: 13..<29)
        XCTAssertEqual(part.ids, Array(whole.ids[13..<29]))
        XCTAssertEqual(part.xray?.shape, [16, 8, 6])
        XCTAssertEqual(part.ecgRaw?.scalars, Array(whole.ecgRaw!.scalars[(13 * 1200)..<(29 * 1200)]))
        XCTAssertEqual(part.labels["chexpert"]?.scalars, Array(whole.labels["chexpert"]!.scalars[(13 * 3)..<(29 * 3)]))
        XCTAssertEqual(try reader.readReportECG(rows: 5..<6), [split.reportECG[5]])

        let indices = [31, 2, 3, 4, 39, 0, 17, 18]
        let picked = try reader.read(indices: indices)
        XCTAssertEqual(picked.ids, indices.map { whole.ids[$0] })
        XCTAssertEqual(picked.reportXray, indices.map { whole.reportXray[$0] })
        let rowECG = 12 * 20
        XCTAssertEqual(picked.ecg?.scalars, indices.flatMap { Array(whole.ecg!.scalars[($0 * rowECG)..<(($0 + 1) * rowECG)]) })
        XCTAssertEqual(picked.labels["edema_severity"]?.scalars, indices.map { whole.labels["edema_severity"]!.scalars[$0] })
        let some = try reader.read(indices: [7, 3], fields: [DatasetSchema.ecg, DatasetSchema.labels])
        XCTAssertNil(some.xray); XCTAssertNil(some.ecgRaw); XCTAssertEqual(some.reportXray, [])
        XCTAssertEqual(some.ids, [whole.ids[7], whole.ids[3]])
        XCTAssertEqual(some.ecg?.shape, [2, 12, 20])
        XCTAssertEqual(Set(some.labels.keys), ["chexpert", "edema_severity"])
        let one = try readHDF5(url, fields: ["/labels/chexpert", DatasetSchema.reportECG])
        XCTAssertEqual(Set(one.labels.keys), ["chexpert"]); XCTAssertEqual(Set(one.labelNames.keys), ["chexpert"])
        XCTAssertEqual(one.reportECG, whole.reportECG); XCTAssertNil(one.ecg)
        XCTAssertThrowsError(try reader.read(rows: 35..<41)) { XCTAssertEqual(($0 as? DataError)?.field, "rows") }
        XCTAssertThrowsError(try reader.read(indices: [1, 40]))
    }

    func testModalitiesAreOptional() throws {
        // A PTB-XL-like file: ECG and labels only.
        let full = sampleSplit(n: 9, name: "ptbxl")
        let split = DatasetSplit(name: "ptbxl", ids: full.ids, ecg: full.ecg,
                                 labels: ["ptbxl_super": Tensor(shape: [9, 2], repeating: 1)],
                                 labelNames: ["ptbxl_super": ["NORM", "MI"]], attributes: ["source": "test"])
        let url = dir.appendingPathComponent("ptbxl.h5")
        try writeHDF5(split, to: url)
        let reader = try HDF5BatchReader(url: url)
        XCTAssertFalse(reader.has(DatasetSchema.xray))
        XCTAssertThrowsError(try reader.readXray(rows: 0..<1)) {
            XCTAssertEqual($0 as? DataError, .missingField(file: url.path, field: "/xray"))
        }
        let back = try readHDF5(url)
        XCTAssertNil(back.xray); XCTAssertNil(back.ecgRaw)
        XCTAssertEqual(back.reportXray, []); XCTAssertEqual(back.reportECG, [])
        assertSameContent(split, back)
    }

    func testEmptySplitRoundTrips() throws {
        let url = dir.appendingPathComponent("empty.h5")
        try writeHDF5(sampleSplit(n: 0), to: url)
        let back = try readHDF5(url)
        XCTAssertEqual(back.count, 0)
        XCTAssertEqual(back.xray?.shape, [0, 8, 6])
        XCTAssertEqual(back.labels["chexpert"]?.shape, [0, 3])
        XCTAssertTrue(try validateDataset(url).isValid)
    }

    func testDeflateRoundTripIsExactAndSmaller() throws {
        let split = sampleSplit(n: 30)
        split.xray!.withUnsafeMutableBufferPointer { p in for i in 0..<p.count { p[i] = Float(i % 7) / 8 } }  // compressible
        let plain = dir.appendingPathComponent("plain.h5"), packed = dir.appendingPathComponent("packed.h5")
        try writeHDF5(split, to: plain)
        try writeHDF5(split, to: packed, options: HDF5WriteOptions(deflateLevel: 4))
        assertSameContent(split, try readHDF5(packed))
        let size = { (u: URL) in try FileManager.default.attributesOfItem(atPath: u.path)[.size] as! Int }
        XCTAssertLessThan(try size(packed), try size(plain))
    }

    func testFailedWriteLeavesNoFile() throws {
        // Schema violation: /xray has one row too few. Nothing may appear in the folder.
        var split = sampleSplit(n: 5)
        split.xray = Tensor(zeros: [4, 8, 6])
        let url = dir.appendingPathComponent("bad.h5")
        XCTAssertThrowsError(try writeHDF5(split, to: url)) {
            XCTAssertEqual($0 as? DataError, .rowMismatch(file: url.path, field: "/xray", expected: 5, got: 4))
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [])

        let missing = dir.appendingPathComponent("no/such/folder/x.h5")
        XCTAssertThrowsError(try writeHDF5(sampleSplit(n: 2), to: missing)) {
            guard case .writeFailed(let f, _)? = $0 as? DataError else { return XCTFail("\($0)") }
            XCTAssertEqual(f, missing.path)
        }
    }

    func testOverwriteReplacesAtomically() throws {
        let url = dir.appendingPathComponent("x.h5")
        try writeHDF5(sampleSplit(n: 4), to: url)
        try writeHDF5(sampleSplit(n: 6), to: url)
        XCTAssertEqual(try readHDF5(url).count, 6)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["x.h5"])
    }
}
