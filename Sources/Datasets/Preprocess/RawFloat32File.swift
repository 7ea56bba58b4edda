// RawFloat32File — writes a preprocessed sample as raw little-endian float32 (no header), the
// format of `more ecg preprocess` / `more xray preprocess` and of ../shared/reference/*.f32.
//
// The file appears complete or not at all: it is written to a temporary file in the same folder
// and renamed (`writeAtomically`, HDF5Writer.swift). Deliberately not here: reading (tests use
// `Fixtures.f32`), shapes (the caller knows them: 12×1000, size×size).

import Foundation

/// Writes `values` as little-endian float32 to `url` atomically.
/// - Throws: `DataError.writeFailed` naming the file (folder missing, disk full, rename failed).
public func writeRawFloat32(_ values: [Float], to url: URL) throws {
    var data = Data(capacity: values.count * 4)
    for v in values {
        withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) }
    }
    try writeAtomically(to: url) { tmp in try data.write(to: tmp) }
}
