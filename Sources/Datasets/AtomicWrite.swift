// AtomicWrite — "never a half-written output": write to a temporary file in the destination
// folder, then rename it over the destination (rename is atomic within one file system).
//
// One file: `writeAtomically`. Several files that belong together (a converter's splits, a
// table's Markdown and CSVs, embeddings and their manifest): `FileTransaction`, which stages
// every file under a temporary name and renames them only when all were written, so an error on
// the way leaves the earlier outputs as they were, never a new file beside an old partner.
//
// Used by every writer of the Datasets target (HDF5, safetensors) and by `more`'s writers.
// Deliberately not here: fsync of the folder (a power cut may lose the new file, but never
// leaves a partial one under the final name) and any format knowledge.

import Foundation

/// Runs `body` with a temporary URL in `url`'s folder, then renames that file to `url`. When
/// `body` throws or the rename fails, the temporary file is removed and a `DataError` naming
/// `url` is thrown (`.writeFailed` for I/O problems; DataErrors from `body` pass through).
///
/// ```swift
/// try writeAtomically(to: url) { tmp in try bytes.write(to: tmp) }
/// ```
public func writeAtomically(to url: URL, _ body: (URL) throws -> Void) throws {
    let files = FileTransaction()
    try files.stage(url, body)
    try files.commit()
}

/// Several files written all or none.
///
/// `stage` writes each file under a temporary name beside its destination; `commit` renames
/// them all into place. Until `commit`, no file under a final name changes. A transaction
/// released without `commit` — an error between two `stage` calls — removes its temporary
/// files, so the folder keeps exactly what it held before.
///
/// ```swift
/// let files = FileTransaction()
/// try files.stage(a) { tmp in try dataA.write(to: tmp) }
/// try files.stage(b) { tmp in try dataB.write(to: tmp) }   // throws: `a` is left as it was
/// try files.commit()                                        // both renamed into place
/// ```
///
/// POSIX renames one file at a time. If a rename fails during `commit` (the folder's
/// permissions changed after staging, say), the files already renamed are removed too: the set
/// is left absent rather than mixed, and the `DataError` names the file whose rename failed.
public final class FileTransaction {
    private var staged: [(temporary: URL, destination: URL, slot: Int?)] = []

    public init() {}

    /// The destinations staged so far, in staging order.
    public var destinations: [URL] { staged.map(\.destination) }

    /// Writes one file: runs `body` with a temporary URL in `url`'s folder and keeps that file
    /// for `commit`. Throws a `DataError` naming `url` when the folder is missing, `url` is a
    /// folder, or `body` fails (`.writeFailed` for I/O problems; DataErrors from `body` pass
    /// through); the temporary file is removed then, and the files staged before stay staged.
    public func stage(_ url: URL, _ body: (URL) throws -> Void) throws {
        let dir = url.deletingLastPathComponent()
        guard isFolder(dir) else { throw DataError.writeFailed(file: url.path, reason: "folder \(dir.path) does not exist") }
        guard !isFolder(url) else { throw DataError.writeFailed(file: url.path, reason: "is a folder") }
        precondition(!staged.contains { $0.destination.standardizedFileURL == url.standardizedFileURL }, "FileTransaction: \(url.path) staged twice")
        TemporaryFiles.removeStale(besides: url)     // left by a killed earlier write of this file
        let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UUID().uuidString.prefix(8))")
        let slot = TemporaryFiles.register(tmp)     // removed if the process is interrupted
        do { try body(tmp) } catch {
            try? FileManager.default.removeItem(at: tmp)
            TemporaryFiles.unregister(slot)
            if case DataError.writeFailed(_, let reason) = error { throw DataError.writeFailed(file: url.path, reason: reason) }
            if error is DataError { throw error }
            throw DataError.writeFailed(file: url.path, reason: plainReason(error))
        }
        staged.append((tmp, url, slot))
    }

    /// Renames every staged file into place, in staging order. See the type's documentation
    /// for a rename that fails.
    public func commit() throws {
        let files = staged
        staged = []
        defer { for f in files { TemporaryFiles.unregister(f.slot) } }
        for (i, f) in files.enumerated() where rename(f.temporary.path, f.destination.path) != 0 {
            let reason = "rename failed: \(String(cString: strerror(errno)))"
            for done in files[..<i] { try? FileManager.default.removeItem(at: done.destination) }
            for left in files[i...] { try? FileManager.default.removeItem(at: left.temporary) }
            throw DataError.writeFailed(file: f.destination.path, reason: reason)
        }
    }

    /// Drops every staged file (also what releasing an uncommitted transaction does).
    public func abort() {
        for f in staged { try? FileManager.default.removeItem(at: f.temporary); TemporaryFiles.unregister(f.slot) }
        staged = []
    }

    deinit { abort() }
}

/// Writes each (file, bytes) all or none: one `FileTransaction`, committed when every file is
/// written.
///
/// ```swift
/// try writeAllOrNone([(values, bytes), (manifest, json)])
/// ```
public func writeAllOrNone(_ files: [(URL, Data)]) throws {
    let transaction = FileTransaction()
    for (url, bytes) in files { try transaction.stage(url) { tmp in try bytes.write(to: tmp) } }
    try transaction.commit()
}

/// True when `url` names an existing folder (a symbolic link to one counts).
public func isFolder(_ url: URL) -> Bool {
    var isDir: ObjCBool = false
    return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) && isDir.boolValue
}
