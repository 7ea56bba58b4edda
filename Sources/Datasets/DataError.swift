// DataError — the typed error of the Datasets target.
//
// Every failure a user can cause while reading or writing data (a missing or foreign file, a
// truncated file, a dataset with the wrong dtype or shape, a header that lies about offsets, an
// unknown value in a field) is one of these cases. Each message names the file and, where there
// is one, the field (HDF5 dataset, safetensors tensor, WFDB header line, vocabulary entry …), so
// the one line the CLI prints is enough to find the problem.
//
// Deliberately not here: programming errors (a shape mismatch between two in-memory tensors is a
// precondition failure in TensorCore), and CLI option errors (ArgumentParser's ValidationError).

import Foundation

/// A user-caused data error that names the file and the field.
///
/// Usage:
/// ```swift
/// throw DataError.wrongShape(file: url.path, field: "/ecg", expected: "[N, 12, L]", got: [10, 6, 1000])
/// ```
public enum DataError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The file (or folder) does not exist.
    case missingFile(String)
    /// A folder where a file was expected; `expected` says which, e.g. "safetensors checkpoint file".
    case isDirectory(String, expected: String)
    /// A file where a folder was expected; `expected` says which, e.g. "dataset folder".
    case notADirectory(String, expected: String)
    /// A folder without the files asked for (`pattern`, e.g. "*.h5"), or one that cannot be listed.
    case noFiles(folder: String, pattern: String)
    /// A folder that does not exist; `expected` says which and where it comes from.
    case missingFolder(String, expected: String)
    /// The file exists but is not in the expected format at all (e.g. not an HDF5 file,
    /// truncated, unreadable). `format` is e.g. "HDF5", "safetensors", "WFDB header".
    case unreadable(file: String, format: String, reason: String)
    /// A required field (dataset, tensor, attribute, header key) is absent.
    case missingField(file: String, field: String)
    /// A field is present but its content is invalid (bad JSON, offsets out of range, NaN, …).
    case malformed(file: String, field: String, reason: String)
    /// A field has the wrong shape. `expected` is symbolic where sizes vary, e.g. "[N, 12, L]".
    case wrongShape(file: String, field: String, expected: String, got: [Int])
    /// A field has the wrong element type, e.g. `/xray` stored as int32 instead of float32.
    case wrongType(file: String, field: String, expected: String, got: String)
    /// A field's number of rows (axis 0) differs from the file's N (taken from `/ids`).
    case rowMismatch(file: String, field: String, expected: Int, got: Int)
    /// Writing failed (folder missing, disk full, rename failed). No partial output is left.
    case writeFailed(file: String, reason: String)

    /// The file the error is about.
    public var file: String {
        switch self {
        case .missingFile(let f), .isDirectory(let f, _), .notADirectory(let f, _), .noFiles(let f, _), .missingFolder(let f, _): return f
        case .unreadable(let f, _, _), .missingField(let f, _), .malformed(let f, _, _),
             .wrongShape(let f, _, _, _), .wrongType(let f, _, _, _), .rowMismatch(let f, _, _, _),
             .writeFailed(let f, _):
            return f
        }
    }

    /// The field the error is about, when there is one.
    public var field: String? {
        switch self {
        case .missingFile, .isDirectory, .notADirectory, .noFiles, .missingFolder, .unreadable, .writeFailed: return nil
        case .missingField(_, let f), .malformed(_, let f, _), .wrongShape(_, let f, _, _),
             .wrongType(_, let f, _, _), .rowMismatch(_, let f, _, _):
            return f
        }
    }

    public var description: String {
        switch self {
        case .missingFile(let f):
            return "\(f): no such file"
        case .isDirectory(let f, let expected):
            return "\(f): is a directory, expected a \(expected)"
        case .notADirectory(let f, let expected):
            return "\(f): is a file, expected a \(expected)"
        case .noFiles(let f, let pattern):
            return "\(f): no \(pattern) files in this folder"
        case .missingFolder(let f, let expected):
            return "\(f.isEmpty ? "''" : f): no such folder, expected a \(expected)"
        case .unreadable(let f, let format, let reason):
            return "\(f): not a readable \(format) file (\(reason))"
        case .missingField(let f, let field):
            return "\(f): \(field): missing"
        case .malformed(let f, let field, let reason):
            return "\(f): \(field): \(reason)"
        case .wrongShape(let f, let field, let expected, let got):
            return "\(f): \(field): expected shape \(expected), found \(got)"
        case .wrongType(let f, let field, let expected, let got):
            return "\(f): \(field): expected type \(expected), found \(got)"
        case .rowMismatch(let f, let field, let expected, let got):
            return "\(f): \(field): has \(got) rows, expected N = \(expected) (the length of /ids)"
        case .writeFailed(let f, let reason):
            return "\(f): could not write (\(reason))"
        }
    }
}

extension DataError: LocalizedError {
    /// The same one-line message, so `error.localizedDescription` names file and field too.
    public var errorDescription: String? { description }
}
