// AtomicWrite — "never a half-written output": write to a temporary file in the destination
// folder, then rename it over the destination (rename is atomic within one file system).
//
// Used by every writer of the Datasets target (HDF5, safetensors). Deliberately not here:
// fsync of the folder (a power cut may lose the new file, but never leaves a partial one under
// the final name) and any format knowledge.

import Foundation

/// Runs `body` with a temporary URL in `url`'s folder, then renames that file to `url`. When
/// `body` throws or the rename fails, the temporary file is removed and a `DataError` naming
/// `url` is thrown (`.writeFailed` for I/O problems; DataErrors from `body` pass through).
///
/// ```swift
/// try writeAtomically(to: url) { tmp in try bytes.write(to: tmp) }
/// ```
public func writeAtomically(to url: URL, _ body: (URL) throws -> Void) throws {
    let dir = url.deletingLastPathComponent()
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDir), isDir.boolValue else {
        throw DataError.writeFailed(file: url.path, reason: "folder \(dir.path) does not exist")
    }
    let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UUID().uuidString.prefix(8))")
    do {
        try body(tmp)
        guard rename(tmp.path, url.path) == 0 else {
            throw DataError.writeFailed(file: url.path, reason: "rename failed: \(String(cString: strerror(errno)))")
        }
    } catch {
        try? FileManager.default.removeItem(at: tmp)
        if case DataError.writeFailed(_, let reason) = error { throw DataError.writeFailed(file: url.path, reason: reason) }
        if error is DataError { throw error }
        throw DataError.writeFailed(file: url.path, reason: "\(error)")
    }
}
