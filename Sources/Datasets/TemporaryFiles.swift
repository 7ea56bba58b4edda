// TemporaryFiles — the temporary files of writes still in progress (FileTransaction's staged
// files, and so every atomic write), removed when the process is interrupted.
//
// A write goes to `.NAME.tmp-PID-XXXXXXXX` beside its destination and is renamed at the end
// (AtomicWrite.swift). Ctrl-C or a `kill` in between used to leave that hidden file behind: a
// 170 MB `.pretrain_train.h5.tmp-…` from an interrupted `more data synth`, far more from an
// interrupted `more data convert` of MIMIC. `more` installs `installInterruptHandlers()`: on
// SIGINT, SIGTERM or SIGHUP it removes every registered file, then ends by the same signal
// (exit status 128 + n, so `make` and shells see an interruption). The HDF5 crash report and
// `more runs`' handler call `removeAll()` too.
//
// Signal safety: the handler may not allocate or take a lock, so the paths live in a fixed
// table of C strings allocated once. Writers register and unregister under a lock; a slot's
// path is written completely (then a release fence) before its state word says "in use", and
// the handler reads only slots in use, calling nothing but unlink(2). A path longer than the
// table's slots is not registered (its write works as before, it is just not cleaned up on an
// interruption).
// What no handler can catch — SIGKILL, the out-of-memory killer, a power cut — is cleaned up by
// the next write of the same file: `removeStale(besides:)` removes temporaries of that name whose
// process no longer runs. Not here: the writing itself (AtomicWrite.swift).

import Foundation
import Synchronization

public enum TemporaryFiles {
    /// Slots in the table (concurrent writes in progress; the converters stage one file per
    /// split, a figure command a dozen) and bytes per path, NUL included.
    static let capacity = 256, pathBytes = 1024

    private static let lock = NSLock()
    /// 0: free, 1: in use. Read by the handler.
    nonisolated(unsafe) private static let states: UnsafeMutablePointer<Int> = {
        let p = UnsafeMutablePointer<Int>.allocate(capacity: capacity)
        p.initialize(repeating: 0, count: capacity)
        return p
    }()
    nonisolated(unsafe) private static let paths: UnsafeMutablePointer<CChar> = {
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: capacity * pathBytes)
        p.initialize(repeating: 0, count: capacity * pathBytes)
        return p
    }()

    /// Records `url` as a file to remove on an interruption; returns its slot for
    /// `unregister`, or nil when the table is full or the path too long (then it is not cleaned up).
    static func register(_ url: URL) -> Int? {
        let bytes = Array(url.path.utf8CString)
        guard bytes.count <= pathBytes else { return nil }
        lock.lock(); defer { lock.unlock() }
        guard let slot = (0..<capacity).first(where: { states[$0] == 0 }) else { return nil }
        bytes.withUnsafeBufferPointer { (paths + slot * pathBytes).update(from: $0.baseAddress!, count: bytes.count) }
        atomicMemoryFence(ordering: .releasing)     // the whole path before the state word
        states[slot] = 1
        return slot
    }

    /// Forgets the file of `slot` (renamed into place or removed).
    static func unregister(_ slot: Int?) {
        guard let slot else { return }
        lock.lock(); defer { lock.unlock() }
        states[slot] = 0
    }

    /// The paths registered now (for tests).
    static var registered: [String] {
        lock.lock(); defer { lock.unlock() }
        return (0..<capacity).filter { states[$0] != 0 }.map { String(cString: paths + $0 * pathBytes) }
    }

    /// Removes every registered file. Async-signal-safe: only unlink(2) on prepared strings.
    public static func removeAll() {
        for slot in 0..<capacity where states[slot] != 0 { unlink(paths + slot * pathBytes) }
    }

    /// Removes the temporary files that writes of `url` by processes no longer running left in
    /// its folder (`.NAME.tmp-PID-…`, also the `..NAME.tmp-PID-….tmp-PID-…` of a write nested in
    /// a staged one, with a PID that `kill(pid, 0)` says does not exist): what a SIGKILL, the
    /// kernel's out-of-memory killer or a power cut left behind, which no handler could remove.
    /// Files of this process and of running processes stay. Returns the names removed.
    @discardableResult
    public static func removeStale(besides url: URL) -> [String] {
        let folder = url.deletingLastPathComponent(), prefix = "\(url.lastPathComponent).tmp-"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
        var removed: [String] = []
        for name in names where name.hasPrefix(".") {
            let bare = name.drop { $0 == "." }
            guard bare.hasPrefix(prefix) else { continue }
            let digits = bare.dropFirst(prefix.count).prefix { $0.isASCII && $0.isNumber }
            guard let pid = pid_t(digits), pid > 0, pid != getpid() else { continue }
            guard kill(pid, 0) == -1 && errno == ESRCH else { continue }     // running (or not ours to signal)
            if (try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))) != nil { removed.append(name) }
        }
        return removed
    }

    /// The signals that `installInterruptHandlers` handles.
    public static let interruptSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// On SIGINT, SIGTERM and SIGHUP: `removeAll()`, then the signal's default action (the
    /// process ends by that signal). Installed once by `more`'s main.
    public static func installInterruptHandlers() {
        _ = states; _ = paths       // allocate the table before any signal can arrive
        for s in interruptSignals {
            signal(s) { sig in
                TemporaryFiles.removeAll()
                signal(sig, SIG_DFL)
                raise(sig)
            }
        }
    }
}
