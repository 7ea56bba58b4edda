// SafetensorsReader — reads a .safetensors file and checks every claim its header makes.
//
// Format: an 8-byte little-endian header length n, n bytes of JSON
//   {"__metadata__": {str: str}, name: {"dtype": "F32", "shape": [..], "data_offsets": [b, e]}, …}
// (possibly padded with spaces), then the data buffer; offsets are relative to the buffer.
// Checked, each failure a DataError naming the file and the tensor: the header length against
// the file size, the JSON, every field's type, the dtype, that e − b = product(shape) × size,
// that offsets lie inside the buffer, and that tensors neither overlap nor leave gaps (the rule
// of the reference implementation, so a header that lies about offsets cannot go unnoticed).
// Deliberately not here: lazy or memory-mapped tensor access (whole files are read; the largest
// checkpoint this project loads is a few hundred MB) and writing (SafetensorsWriter.swift).

import Foundation
import TensorCore

/// The content of a safetensors file, every tensor converted to Float32.
public struct SafetensorsFile: Sendable {
    /// Where it was read from (names the file in errors of later steps such as loading).
    public var path: String
    /// `__metadata__` (string → string), empty when absent.
    public var metadata: [String: String]
    /// Tensor names in sorted order.
    public var names: [String]
    /// Every tensor as Float32 (F16/BF16 exact, I64 rounded).
    public var tensors: [String: Tensor]
    /// Stored dtype of every tensor.
    public var dtypes: [String: SafetensorsDType]
    /// The exact values of the I64 tensors (flattened, row-major).
    public var int64: [String: [Int64]]

    public init(path: String = "", metadata: [String: String] = [:], tensors: [String: Tensor] = [:],
                dtypes: [String: SafetensorsDType] = [:], int64: [String: [Int64]] = [:]) {
        self.path = path; self.metadata = metadata; self.tensors = tensors; self.names = tensors.keys.sorted()
        self.dtypes = dtypes; self.int64 = int64
    }

    public subscript(_ name: String) -> Tensor? { tensors[name] }
}

/// One header entry after validation: where its bytes are, relative to the data buffer.
struct SafetensorsEntry {
    var name: String
    var dtype: SafetensorsDType
    var shape: [Int]
    var begin: Int
    var end: Int
}

/// Reads `url` (see the file header for the checks).
///
/// ```swift
/// let st = try readSafetensors(modelFolder.appendingPathComponent("model.safetensors"))
/// let w = st["embeddings.word_embeddings.weight"]   // [30522, 384]
/// ```
/// - Throws: `.missingFile`, `.unreadable` (shorter than 8 bytes), `.malformed` naming
///   "header", "__metadata__" or the tensor, `.wrongType` for an unsupported dtype.
public func readSafetensors(_ url: URL) throws -> SafetensorsFile {
    let path = url.path
    let data = try mappedSafetensors(url)
    return try data.withUnsafeBytes { raw in
        let (metadata, entries, dataStart) = try parseSafetensorsHeader(raw, file: path)
        var result = SafetensorsFile(path: path, metadata: metadata)
        for e in entries {
            let src = raw.baseAddress! + dataStart + e.begin
            let count = e.shape.reduce(1, *)
            let t = Tensor(zeros: e.shape)
            e.dtype.convert(src, count: count, into: t.pointer)
            result.tensors[e.name] = t
            result.dtypes[e.name] = e.dtype
            if e.dtype == .i64 {
                result.int64[e.name] = (0..<count).map { Int64(littleEndian: src.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self)) }
            }
        }
        result.names = result.tensors.keys.sorted()
        return result
    }
}

/// The `__metadata__` of a safetensors file, from its header alone: no tensor is read (a
/// checkpoint of the paper config is hundreds of MB; the file is mapped, not copied).
/// - Throws: as `readSafetensors` for the file and its header; the entries are not checked.
public func readSafetensorsMetadata(_ url: URL) throws -> [String: String] {
    try mappedSafetensors(url).withUnsafeBytes { raw in try safetensorsHeaderObject(raw, file: url.path).metadata }
}

/// The bytes of the safetensors file `url`, memory-mapped; `.missingFile`, `.isDirectory` or
/// `.unreadable` naming it (`readInputFile`).
private func mappedSafetensors(_ url: URL) throws -> Data {
    try readInputFile(url, format: "safetensors", expected: "safetensors file", options: .alwaysMapped)
}

/// What a file that is not safetensors is, from its first bytes ("an HDF5 file (a dataset
/// split?), not a checkpoint", …), or nil when the signature is not one this tool meets.
func otherFormat(_ raw: UnsafeRawBufferPointer) -> String? {
    let signatures: [([UInt8], String)] = [
        ([0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A], "an HDF5 file (a dataset split?), not a safetensors checkpoint"),
        ([0x89, 0x50, 0x4E, 0x47], "a PNG image, not a safetensors file"),
        ([0xFF, 0xD8, 0xFF], "a JPEG image, not a safetensors file"),
        ([0x50, 0x4B, 0x03, 0x04], "a zip archive (a PyTorch .bin/.pt checkpoint?), not a safetensors file"),
    ]
    return signatures.first { sig, _ in raw.count >= sig.count && zip(raw, sig).allSatisfy { $0 == $1 } }?.1
}

/// The header of a safetensors file held in `raw`: its length checked against the file, its JSON
/// object, the string-to-string `__metadata__`, and where the data buffer starts. The tensor
/// entries are left to `parseSafetensorsHeader`.
private func safetensorsHeaderObject(_ raw: UnsafeRawBufferPointer, file: String) throws
    -> (header: [String: Any], metadata: [String: String], dataStart: Int) {
    guard raw.count >= 8 else {
        throw DataError.unreadable(file: file, format: "safetensors", reason: "\(raw.count) bytes, shorter than the 8-byte header length")
    }
    let n = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
    guard n <= UInt64(raw.count - 8) else {
        throw DataError.malformed(file: file, field: "header",
                                  reason: "header length \(n) exceeds the \(raw.count - 8) bytes after it: \(otherFormat(raw) ?? "not a safetensors file")")
    }
    let headerBytes = Data(raw[8..<(8 + Int(n))])
    guard headerBytes.first == UInt8(ascii: "{"),
          let object = try? JSONSerialization.jsonObject(with: headerBytes),
          let header = object as? [String: Any] else {
        throw DataError.malformed(file: file, field: "header", reason: "not a JSON object")
    }
    var metadata: [String: String] = [:]
    if let m = header["__metadata__"] {
        guard let dict = m as? [String: Any], let strings = dict as? [String: String] else {
            throw DataError.malformed(file: file, field: "__metadata__", reason: "must map strings to strings")
        }
        metadata = strings
    }
    return (header, metadata, 8 + Int(n))
}

/// Parses and validates the header of a safetensors file held in `raw`.
/// Returns the metadata, the entries sorted by offset, and where the data buffer starts.
func parseSafetensorsHeader(_ raw: UnsafeRawBufferPointer, file: String) throws
    -> (metadata: [String: String], entries: [SafetensorsEntry], dataStart: Int) {
    let (header, metadata, dataStart) = try safetensorsHeaderObject(raw, file: file)
    let bufferSize = raw.count - dataStart
    var entries: [SafetensorsEntry] = []
    // In name order, so that the same bad file always gives the same error (a dictionary's
    // order changes from run to run).
    for (name, value) in header.sorted(by: { $0.key < $1.key }) where name != "__metadata__" {
        entries.append(try parseEntry(name, value, bufferSize: .max, file: file))
    }
    // A file cut short (an interrupted copy) has tensors past its end: said once, as such.
    if let last = entries.max(by: { $0.end < $1.end }), last.end > bufferSize {
        throw DataError.malformed(file: file, field: last.name,
                                  reason: "data_offsets [\(last.begin), \(last.end)] reach beyond the \(bufferSize)-byte data buffer: "
                                      + "the header describes \(last.end) bytes of tensors (truncated file?)")
    }
    entries.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
    var position = 0
    for (i, e) in entries.enumerated() {
        if e.begin < position {
            throw DataError.malformed(file: file, field: e.name, reason: "data_offsets [\(e.begin), \(e.end)] overlap tensor \(entries[i - 1].name)")
        }
        if e.begin > position {
            throw DataError.malformed(file: file, field: e.name, reason: "data_offsets [\(e.begin), \(e.end)] leave a gap of \(e.begin - position) bytes before it")
        }
        position = e.end
    }
    if position != bufferSize {
        throw DataError.malformed(file: file, field: "header", reason: "tensors cover \(position) bytes but the data buffer holds \(bufferSize)")
    }
    return (metadata, entries, dataStart)
}

/// Validates one header entry `name: {dtype, shape, data_offsets}`.
private func parseEntry(_ name: String, _ value: Any, bufferSize: Int, file: String) throws -> SafetensorsEntry {
    func bad(_ reason: String) -> DataError { .malformed(file: file, field: name, reason: reason) }
    guard let dict = value as? [String: Any] else { throw bad("entry is not a JSON object") }
    guard let dtypeName = dict["dtype"] as? String else { throw bad("missing string field dtype") }
    guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
        throw DataError.wrongType(file: file, field: name, expected: SafetensorsDType.supportedList, got: dtypeName)
    }
    guard let shapeList = dict["shape"] as? [Any], let shape = jsonCounts(shapeList) else {
        throw bad("shape must be a list of non-negative integers")
    }
    guard let offsetList = dict["data_offsets"] as? [Any], let offsets = jsonCounts(offsetList), offsets.count == 2 else {
        throw bad("data_offsets must be two non-negative integers")
    }
    let (begin, end) = (offsets[0], offsets[1])
    guard begin <= end else { throw bad("data_offsets [\(begin), \(end)] end before they begin") }
    guard end <= bufferSize else { throw bad("data_offsets [\(begin), \(end)] reach beyond the \(bufferSize)-byte data buffer") }
    let (count, overflow) = shape.reduce((1, false)) { acc, d in
        let (p, o) = acc.0.multipliedReportingOverflow(by: d); return (p, acc.1 || o)
    }
    guard !overflow, count.multipliedReportingOverflow(by: dtype.size).overflow == false,
          end - begin == count * dtype.size else {
        throw bad("data_offsets [\(begin), \(end)] hold \(end - begin) bytes but \(dtypeName) \(shape) needs \(overflow ? "too many" : String(count * dtype.size))")
    }
    return SafetensorsEntry(name: name, dtype: dtype, shape: shape, begin: begin, end: end)
}

/// JSON numbers that are non-negative integers (no booleans, no fractions), else nil.
private func jsonCounts(_ list: [Any]) -> [Int]? {
    var out: [Int] = []
    for v in list {
        // `is Bool` is no test: Foundation bridges the numbers 0 and 1 to Bool. JSON true/false
        // come back as NSNumbers of Objective-C type "c" (char), integers as "i"/"q", fractions "d".
        guard let number = v as? NSNumber, !["c", "B"].contains(String(cString: number.objCType)) else { return nil }
        let d = number.doubleValue
        guard d >= 0, d < 0x1p62, d.rounded() == d else { return nil }
        out.append(number.intValue)
    }
    return out
}
