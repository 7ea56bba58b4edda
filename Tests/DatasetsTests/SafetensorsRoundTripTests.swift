// Tests for SafetensorsWriter / SafetensorsReader / SafetensorsDType: exact round trips,
// deterministic bytes and layout, F16 (exhaustively), BF16 and I64 conversion, writer checks.

import Foundation
import XCTest
import TensorCore
import TestSupport
@testable import Datasets

/// Bytes of a safetensors file with the given header text and data buffer; `length` overrides
/// the 8-byte header length.
func rawSafetensors(_ header: String, _ buffer: [UInt8], length: UInt64? = nil) -> Data {
    var n = (length ?? UInt64(header.utf8.count)).littleEndian
    var d = Data(bytes: &n, count: 8)
    d.append(Data(header.utf8)); d.append(contentsOf: buffer)
    return d
}

/// Little-endian bytes of integers.
func leBytes<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
    values.flatMap { v in withUnsafeBytes(of: v.littleEndian) { Array($0) } }
}

final class SafetensorsRoundTripTests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws { dir = try Fixtures.tempDirectory("st-roundtrip") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func sampleTensors() -> [(String, Tensor)] {
        var rng = RNG(seed: 3, stream: 1)
        let w = Tensor(shape: [5, 7], values: (0..<35).map { _ in Float(rng.normal()) })
        w.pointer[0] = -0.0; w.pointer[1] = .leastNonzeroMagnitude; w.pointer[2] = .nan; w.pointer[3] = -.infinity
        return [("encoder.weight", w), ("bias", Tensor(shape: [1], values: [0.25])), ("scalar", Tensor(scalar: 3)),
                ("empty", Tensor(zeros: [0, 3])), ("ünïcode \"name\"", Tensor(shape: [2, 1, 2], values: [1, 2, 3, 4]))]
    }

    func testRoundTripIsBitwiseExact() throws {
        let url = dir.appendingPathComponent("m.safetensors")
        let meta = ["format": "pt", "note": "line\nbreak \"quoted\" \\ ø"]
        try writeSafetensors(sampleTensors(), metadata: meta, to: url)
        let back = try readSafetensors(url)
        XCTAssertEqual(back.metadata, meta)
        XCTAssertEqual(back.names, sampleTensors().map(\.0).sorted())
        for (name, t) in sampleTensors() {
            guard let u = back[name] else { XCTFail("missing \(name)"); continue }
            XCTAssertEqual(u.shape, t.shape, name)
            XCTAssertTrue(u.bitwiseEqual(t), name)
            XCTAssertEqual(back.dtypes[name], .f32)
        }
    }

    func testDeterministicBytesAndLayout() throws {
        let a = dir.appendingPathComponent("a.safetensors"), b = dir.appendingPathComponent("b.safetensors")
        try writeSafetensors(sampleTensors(), metadata: ["x": "1", "a": "2"], to: a)
        try writeSafetensors(sampleTensors().reversed(), metadata: ["a": "2", "x": "1"], to: b)
        let bytes = try Data(contentsOf: a)
        XCTAssertEqual(bytes, try Data(contentsOf: b))
        let n = Int(bytes.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        XCTAssertEqual(n % 8, 0, "header padded to a multiple of 8")
        let header = String(decoding: bytes[8..<(8 + n)], as: UTF8.self)
        XCTAssertTrue(header.hasPrefix("{\"__metadata__\":{\"a\":\"2\",\"x\":\"1\"},\"bias\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}"), header)
        XCTAssertEqual(header.trimmingCharacters(in: .whitespaces).last, "}")
        // Sorted names are laid out one after the other.
        let raw = try bytes.withUnsafeBytes { try parseSafetensorsHeader($0, file: "a") }
        XCTAssertEqual(raw.entries.map(\.name), sampleTensors().map(\.0).sorted())
        XCTAssertEqual(bytes.count, 8 + n + 4 * (35 + 1 + 1 + 0 + 4))
    }

    func testHalfConversionIsExactForEveryBitPattern() {
        for bits in UInt16.min...UInt16.max {
            let expected = Float(Float16(bitPattern: bits)), got = halfToFloat(bits)
            if expected.isNaN { XCTAssertTrue(got.isNaN, "\(bits)"); continue }
            XCTAssertEqual(got.bitPattern, expected.bitPattern, "half bits \(String(bits, radix: 16))")
        }
    }

    func testReadsF16BF16AndI64() throws {
        let f16: [UInt16] = [0x3C00, 0xC000, 0x7BFF, 0x0001, 0x8000, 0x7C00]
        let bf16: [UInt16] = [0x3F80, 0xC0A0, 0x0001, 0xFF80]
        let i64: [Int64] = [-3, 0, 1 << 40, .max]
        let header = #"{"h":{"dtype":"F16","shape":[2,3],"data_offsets":[0,12]},"#
            + #""b":{"dtype":"BF16","shape":[4],"data_offsets":[12,20]},"#
            + #""i":{"dtype":"I64","shape":[1,4],"data_offsets":[20,52]}}"#
        let url = dir.appendingPathComponent("mixed.safetensors")
        try rawSafetensors(header, leBytes(f16) + leBytes(bf16) + leBytes(i64)).write(to: url)
        let st = try readSafetensors(url)
        XCTAssertEqual(st.names, ["b", "h", "i"])
        XCTAssertEqual(st["h"]?.shape, [2, 3])
        XCTAssertEqual(st["h"]?.scalars, [1, -2, 65504, 0x1p-24, -0.0, .infinity])
        XCTAssertEqual(st["h"]?.scalars[4].sign, .minus)
        XCTAssertEqual(st["b"]?.scalars, [1, -5, Float(bitPattern: 0x0001_0000), -.infinity])
        XCTAssertEqual(st.int64["i"], i64)
        XCTAssertEqual(st["i"]?.scalars, [-3, 0, 0x1p40, 0x1p63])
        XCTAssertEqual(st.dtypes, ["h": .f16, "b": .bf16, "i": .i64])
        XCTAssertEqual(st.metadata, [:])
    }

    func testWriterRejectsBadNamesAndMissingFolder() throws {
        let url = dir.appendingPathComponent("x.safetensors")
        let t = Tensor(zeros: [2])
        XCTAssertThrowsError(try writeSafetensors([("a", t), ("a", t)], to: url)) {
            XCTAssertEqual($0 as? DataError, .malformed(file: url.path, field: "a", reason: "tensor name given twice"))
        }
        XCTAssertThrowsError(try writeSafetensors([("__metadata__", t)], to: url)) {
            XCTAssertEqual(($0 as? DataError)?.field, "__metadata__")
        }
        let missing = dir.appendingPathComponent("nope/x.safetensors")
        XCTAssertThrowsError(try writeSafetensors([("a", t)], to: missing)) {
            guard case .writeFailed(let f, _)? = $0 as? DataError else { return XCTFail("\($0)") }
            XCTAssertEqual(f, missing.path)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [])
    }
}
