// OutputFolder — checks, before any work, that a command's output folder can be written, so
// that `more pretrain --out` (or `more table`/`more figure --out`) at a file, under a file or in
// a read-only place is an error naming the path at once, not a Foundation error after the model
// is built and the data read (or after minutes of evaluation).
//
// Deliberately not here: creating the folder (the command does that when it starts writing),
// so that a command that fails its checks leaves nothing behind.

import Foundation
import Datasets

/// Throws `DataError.writeFailed` ("PATH: could not write (…)") unless `folder` is a writable
/// folder or can be created: its nearest existing ancestor is a writable folder.
///
///     try requireWritableFolder(URL(fileURLWithPath: out))
func requireWritableFolder(_ folder: URL) throws {
    let fm = FileManager.default
    let path = folder.standardizedFileURL.path
    var isDir: ObjCBool = false
    var existing = folder.standardizedFileURL
    while !fm.fileExists(atPath: existing.path, isDirectory: &isDir) && existing.path != "/" {
        existing = existing.deletingLastPathComponent()
    }
    guard isDir.boolValue else {
        let what = existing.path == path ? "it is a file, expected a folder" : "\(existing.path) is a file, not a folder"
        throw DataError.writeFailed(file: path, reason: what)
    }
    guard access(existing.path, W_OK) == 0 else {
        let what = existing.path == path ? "the folder is not writable" : "cannot create it in \(existing.path)"
        throw DataError.writeFailed(file: path, reason: "\(what): \(String(cString: strerror(errno)))")
    }
}
