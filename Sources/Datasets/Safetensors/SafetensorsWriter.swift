// SafetensorsWriter — writes Float32 tensors and string metadata as a .safetensors file.
//
// Deterministic bytes: tensors are laid out in sorted name order, the JSON header is built by
// hand with keys in a fixed order (`__metadata__` first with sorted keys, then the tensors
// sorted; inside each entry dtype, shape, data_offsets) and padded with spaces to a multiple of
// 8 bytes, so the data buffer starts 8-byte aligned. Atomic: temp file, then rename.
// Deliberately not here: dtypes other than F32 (the project's parameters are Float32).

import Foundation
import TensorCore

/// Writes `tensors` (name, Float32 tensor) and `metadata` to `url` as safetensors (dtype F32).
///
/// ```swift
/// try writeSafetensors([("head.weight", w), ("head.bias", b)], metadata: ["format": "pt"], to: url)
/// ```
/// - Throws: `DataError.malformed` for an empty, duplicate or reserved (`__metadata__`) name,
///   `.writeFailed` when the folder is missing or the disk is full (no partial file remains).
public func writeSafetensors(_ tensors: [(String, Tensor)], metadata: [String: String] = [:], to url: URL) throws {
    let sorted = tensors.sorted { $0.0 < $1.0 }
    for (i, (name, _)) in sorted.enumerated() {
        if name.isEmpty || name == "__metadata__" {
            throw DataError.malformed(file: url.path, field: name.isEmpty ? "(empty name)" : name, reason: "reserved or empty tensor name")
        }
        if i > 0 && sorted[i - 1].0 == name {
            throw DataError.malformed(file: url.path, field: name, reason: "tensor name given twice")
        }
    }
    let header = safetensorsHeader(sorted.map { ($0.0, $0.1.shape) }, metadata: metadata)
    try writeAtomically(to: url) { tmp in
        guard FileManager.default.createFile(atPath: tmp.path, contents: nil),
              let handle = FileHandle(forWritingAtPath: tmp.path) else {
            throw DataError.writeFailed(file: url.path, reason: "cannot create \(tmp.lastPathComponent)")
        }
        defer { try? handle.close() }
        var length = UInt64(header.count).littleEndian
        try handle.write(contentsOf: Data(bytes: &length, count: 8))
        try handle.write(contentsOf: header)
        for (_, t) in sorted where t.count > 0 {
            #if _endian(big)
            #error("safetensors is little-endian: add byte swapping for big-endian hosts")
            #endif
            try handle.write(contentsOf: Data(bytesNoCopy: t.pointer, count: 4 * t.count, deallocator: .none))
        }
        try handle.synchronize()
    }
}

/// The JSON header for F32 tensors `entries` (already in layout order), padded with spaces to
/// a multiple of 8 bytes.
func safetensorsHeader(_ entries: [(name: String, shape: [Int])], metadata: [String: String]) -> Data {
    var parts: [String] = []
    if !metadata.isEmpty {
        let items = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0] ?? ""))" }
        parts.append("\"__metadata__\":{\(items.joined(separator: ","))}")
    }
    var offset = 0
    for (name, shape) in entries {
        let bytes = 4 * shape.reduce(1, *)
        let dims = shape.map(String.init).joined(separator: ",")
        parts.append("\(jsonString(name)):{\"dtype\":\"F32\",\"shape\":[\(dims)],\"data_offsets\":[\(offset),\(offset + bytes)]}")
        offset += bytes
    }
    var json = Array("{\(parts.joined(separator: ","))}".utf8)
    while json.count % 8 != 0 { json.append(UInt8(ascii: " ")) }
    return Data(json)
}

/// A JSON string literal: quotes, backslashes and control characters escaped, the rest UTF-8.
func jsonString(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}
