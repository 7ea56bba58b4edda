// Tests for bad safetensors input: every lie a file can tell is a DataError naming the file and
// the tensor (or "header" / "__metadata__").

import Foundation
import XCTest
import TestSupport
@testable import Datasets

final class SafetensorsErrorTests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws { dir = try Fixtures.tempDirectory("st-errors") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// Writes `data`, reads it, and returns the DataError (failing when there is none).
    func readError(_ data: Data, file: StaticString = #filePath, line: UInt = #line) throws -> DataError? {
        let url = dir.appendingPathComponent("bad.safetensors")
        try data.write(to: url)
        do { _ = try readSafetensors(url) } catch let e as DataError {
            XCTAssertEqual(e.file, url.path, file: file, line: line)
            XCTAssertTrue(e.description.hasPrefix(url.path), file: file, line: line)
            return e
        }
        XCTFail("no error", file: file, line: line)
        return nil
    }

    let fourFloats = leBytes([UInt32](repeating: 0x3F80_0000, count: 4))

    func testMissingAndTooShort() throws {
        let url = dir.appendingPathComponent("none.safetensors")
        XCTAssertThrowsError(try readSafetensors(url)) { XCTAssertEqual($0 as? DataError, .missingFile(url.path)) }
        guard case .unreadable? = try readError(Data([1, 2, 3])) else { return XCTFail() }
    }

    /// A folder given as a checkpoint (`--checkpoint run/`) says so, instead of Foundation's
    /// "(NSCocoaErrorDomain error 256.)".
    func testAFolderIsNotAFile() {
        XCTAssertThrowsError(try readSafetensors(dir)) { e in
            XCTAssertEqual(e as? DataError, .isDirectory(dir.path, expected: "safetensors file"))
            XCTAssertEqual("\(e)", "\(dir.path): is a directory, expected a safetensors file")
        }
    }

    func testHeaderLengthBeyondFile() throws {
        let e = try readError(rawSafetensors("{}", [], length: 1 << 40))
        XCTAssertEqual(e?.field, "header")
        XCTAssertTrue(e?.description.contains("exceeds") ?? false)
    }

    /// A dataset split given as `--checkpoint` is named as what it is.
    func testAnHDF5FileIsNamedAsOne() throws {
        let url = dir.appendingPathComponent("split.h5")
        try Data([0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 0, count: 64)).write(to: url)
        XCTAssertThrowsError(try readSafetensors(url)) { e in
            XCTAssertTrue("\(e)".hasSuffix("exceeds the 64 bytes after it: an HDF5 file (a dataset split?), not a safetensors checkpoint"), "\(e)")
        }
        XCTAssertTrue(try readError(rawSafetensors("{}", [], length: 1 << 40))?.description.hasSuffix(": not a safetensors file") ?? false)
    }

    /// A file cut short names the last tensor and says it looks truncated — the same error every
    /// time (the header's entries used to be checked in a dictionary's changing order).
    func testATruncatedFileGivesOneStableError() throws {
        let names = (0..<12).map { "t\($0)" }
        let header = "{" + names.enumerated().map { i, n in #""\#(n)": {"dtype": "F32", "shape": [4], "data_offsets": [\#(16 * i), \#(16 * i + 16)]}"# }
            .joined(separator: ", ") + "}"
        let full = rawSafetensors(header, (0..<12).flatMap { _ in fourFloats })
        let cut = full.prefix(full.count - 40)
        let first = try readError(Data(cut))
        XCTAssertEqual(first?.field, "t11")
        XCTAssertTrue(first?.description.hasSuffix("reach beyond the 152-byte data buffer: the header describes 192 bytes of tensors (truncated file?)") ?? false,
                      "\(String(describing: first))")
        for _ in 0..<5 { XCTAssertEqual(try readError(Data(cut)), first) }
    }

    func testMalformedJSON() throws {
        XCTAssertEqual(try readError(rawSafetensors(#"{"a": {"dtype": "F32",}"#, fourFloats))?.field, "header")
        XCTAssertEqual(try readError(rawSafetensors(#"[1, 2]"#, []))?.field, "header")
        XCTAssertEqual(try readError(rawSafetensors(#"{"__metadata__": {"k": 1}}"#, []))?.field, "__metadata__")
    }

    func testUnknownDtype() throws {
        let e = try readError(rawSafetensors(#"{"w":{"dtype":"Q4","shape":[4],"data_offsets":[0,16]}}"#, fourFloats))
        XCTAssertEqual(e, .wrongType(file: dir.appendingPathComponent("bad.safetensors").path, field: "w",
                                     expected: "F32, F16, BF16 or I64", got: "Q4"))
    }

    func testOffsetsThatLie() throws {
        // Beyond the buffer.
        var e = try readError(rawSafetensors(#"{"w":{"dtype":"F32","shape":[8],"data_offsets":[0,32]}}"#, fourFloats))
        XCTAssertEqual(e?.field, "w"); XCTAssertTrue(e?.description.contains("beyond") ?? false, "\(String(describing: e))")
        // Size does not match dtype × shape.
        e = try readError(rawSafetensors(#"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,16]}}"#, fourFloats))
        XCTAssertEqual(e?.field, "w"); XCTAssertTrue(e?.description.contains("needs 12") ?? false, "\(String(describing: e))")
        // Overlap.
        e = try readError(rawSafetensors(#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}"#, fourFloats))
        XCTAssertEqual(e?.field, "b"); XCTAssertTrue(e?.description.contains("overlap tensor a") ?? false, "\(String(describing: e))")
        // Gap.
        e = try readError(rawSafetensors(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}"#, fourFloats))
        XCTAssertEqual(e?.field, "b"); XCTAssertTrue(e?.description.contains("gap") ?? false)
        // Buffer longer than the tensors claim.
        e = try readError(rawSafetensors(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, fourFloats))
        XCTAssertEqual(e?.field, "header")
        // Reversed offsets.
        e = try readError(rawSafetensors(#"{"a":{"dtype":"F32","shape":[0],"data_offsets":[16,0]}}"#, fourFloats))
        XCTAssertEqual(e?.field, "a")
    }

    func testBadFieldTypes() throws {
        for entry in [#"{"dtype":"F32","shape":[-4],"data_offsets":[0,16]}"#,
                      #"{"dtype":"F32","shape":[true],"data_offsets":[0,16]}"#,
                      #"{"dtype":"F32","shape":[4.5],"data_offsets":[0,16]}"#,
                      #"{"dtype":"F32","shape":[4],"data_offsets":[0]}"#,
                      #"{"shape":[4],"data_offsets":[0,16]}"#,
                      #""F32""#] {
            let e = try readError(rawSafetensors(#"{"w":"# + entry + "}", fourFloats))
            XCTAssertEqual(e?.field, "w", entry)
        }
    }

    func testShapeOfOneIsAccepted() throws {
        // Guards the JSON integer check against treating 1 as a boolean.
        let url = dir.appendingPathComponent("one.safetensors")
        try rawSafetensors(#"{"w":{"dtype":"F32","shape":[1,4,1],"data_offsets":[0,16]}}"#, fourFloats).write(to: url)
        XCTAssertEqual(try readSafetensors(url)["w"]?.shape, [1, 4, 1])
    }
}
