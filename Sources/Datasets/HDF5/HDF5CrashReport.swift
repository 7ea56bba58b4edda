// HDF5CrashReport — a message naming the file, instead of a bare crash, when libhdf5 crashes.
//
// libhdf5 walks a file's internal metadata (object headers, B-trees, heaps) before it can check
// it, so a file whose metadata bytes are damaged can make the library follow a wild pointer or
// free one it never allocated: the process dies of SIGSEGV or SIGABRT inside libhdf5 (h5dump
// crashes on the same files). No Swift error can be thrown from there. What can be done is to
// say which file it was and exit like any other bad input:
//
//     error: …/edema_val.h5: libhdf5 crashed reading this file (SIGSEGV): its internal
//     structure is damaged. Write it again (more data synth, more data convert) or copy it again.
//
// Every libhdf5 call of the project runs inside `HDF5.locked(file:)` (HDF5File.swift), which
// calls `enter`/`leave` here to record the file it works on. libhdf5 also works at process exit
// (its atexit handler frees what it cached, and a damaged file can crash it there too), so after
// the first call an atexit handler of ours, which runs before the library's, shuts the library
// down itself (H5close) inside such a region, naming the last file read. `install()` (called by `more` at
// start-up) sets a handler for SIGSEGV, SIGBUS, SIGFPE and SIGABRT: a signal raised on the
// thread that is running a libhdf5 call writes that message and exits with status 1; any other is passed to
// the handler that was there before (Swift's backtracer, or the default action), as if this
// file did not exist. The outputs stay whole either way (AtomicWrite.swift): a file is renamed
// into place only after it was written and checked.
//
// The handler does only what is safe in a signal handler: write(2) of bytes prepared before the
// fault, and _exit(2). Not here: libhdf5's ordinary errors, which are DataErrors (HDF5File.swift).

#if canImport(Glibc)
import Glibc
#endif
import CHDF5
import Foundation

public enum HDF5CrashReport {
    /// The signals caught, with the names the message gives them.
    static let signals: [(number: Int32, name: String)] = [(SIGSEGV, "SIGSEGV"), (SIGBUS, "SIGBUS"), (SIGFPE, "SIGFPE"), (SIGABRT, "SIGABRT")]

    /// Installs the handler (once; later calls do nothing). Returns whether it is installed.
    @discardableResult
    public static func install() -> Bool { installed }

    private static let installed: Bool = {
        #if canImport(Glibc)
        let state = CrashState.shared
        for (i, s) in signals.enumerated() {
            var action = sigaction()
            action.__sigaction_handler.sa_sigaction = hdf5CrashHandler
            action.sa_flags = SA_SIGINFO | SA_ONSTACK
            sigemptyset(&action.sa_mask)
            guard sigaction(s.number, &action, state.previous + i) == 0 else { return false }
        }
        return true
        #else
        return false
        #endif
    }()

    /// Called on entry to a libhdf5 region, lock held: one level deeper, working on `file` (nil:
    /// the enclosing region's file, or the last region's). Returns what `leave` restores.
    static func enter(_ file: String?) -> String? {
        let state = CrashState.shared
        let outer = state.file
        if let file, file != outer { state.setFile(file) }
        if state.depth.pointee == 0 { state.owner.pointee = pthread_self() }
        state.depth.pointee += 1
        return outer
    }

    /// Registered when the first region ends: libhdf5 registers its own atexit handler when its
    /// first call initialises it, and atexit handlers run in reverse order, so this one runs first and
    /// closes the library inside a region (the library's handler then has nothing left to do).
    private static let shutsDownAtExit: Void = {
        atexit {
            HDF5.locked(file: CrashState.shared.file) { _ = H5close() }
        }
    }()

    /// Called on exit from a libhdf5 region, lock held. Leaving the outermost region keeps its
    /// file (unused at depth 0; the next region on the same file then has nothing to prepare).
    static func leave(restoring outer: String?) {
        let state = CrashState.shared
        state.depth.pointee -= 1
        if let outer, outer != state.file { state.setFile(outer) }
        _ = shutsDownAtExit
    }
}

/// What the handler reads, all prepared before any fault: raw buffers it writes as they are
/// (no String is built, nothing is allocated in the handler).
private final class CrashState: @unchecked Sendable {
    static let shared = CrashState()
    /// Libhdf5 regions currently entered (the lock makes this one thread's count), and that thread.
    let depth = UnsafeMutablePointer<Int>.allocate(capacity: 1)
    let owner = UnsafeMutablePointer<pthread_t>.allocate(capacity: 1)
    /// "Error: FILE: libhdf5 crashed reading this file (" — or without the file when none is known.
    let head = UnsafeMutablePointer<UInt8>.allocate(capacity: CrashState.headCapacity)
    let headLength = UnsafeMutablePointer<Int>.allocate(capacity: 1)
    /// The signal names, and the rest of the message.
    let names: [(number: Int32, bytes: UnsafeMutablePointer<UInt8>, count: Int)]
    let tail: (bytes: UnsafeMutablePointer<UInt8>, count: Int)
    /// The handlers that were installed before, by signal (same order as `HDF5CrashReport.signals`).
    let previous = UnsafeMutablePointer<sigaction>.allocate(capacity: HDF5CrashReport.signals.count)
    /// The file of `head`: the current region's, or at depth 0 the last one's (read and written
    /// only with the HDF5 lock held, never by the handler).
    private(set) var file: String?

    static let headCapacity = 8192

    private init() {
        depth.initialize(to: 0)
        owner.initialize(to: pthread_self())
        headLength.initialize(to: 0)
        previous.initialize(repeating: sigaction(), count: HDF5CrashReport.signals.count)
        names = HDF5CrashReport.signals.map { s in
            let b = CrashState.bytes(s.name)
            return (s.number, b.bytes, b.count)
        }
        tail = CrashState.bytes("): its internal structure is damaged. Write it again (more data synth, more data convert) or copy it again.\n")
        setFile(nil)
    }

    /// Prepares `head` for `file`.
    func setFile(_ file: String?) {
        self.file = file
        let text = "Error: " + (file.map { "\($0): libhdf5 crashed reading this file (" } ?? "libhdf5 crashed reading an HDF5 file (")
        let utf8 = Array(text.utf8.prefix(CrashState.headCapacity))
        utf8.withUnsafeBufferPointer { head.update(from: $0.baseAddress!, count: utf8.count) }
        headLength.pointee = utf8.count
    }

    private static func bytes(_ s: String) -> (bytes: UnsafeMutablePointer<UInt8>, count: Int) {
        let utf8 = Array(s.utf8)
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: utf8.count)
        p.initialize(from: utf8, count: utf8.count)
        return (p, utf8.count)
    }
}

#if canImport(Glibc)
/// The signal handler (see the file header). On the thread that is inside a libhdf5 region: the
/// message, then exit 1. Elsewhere: the previous handler, or the default action when there was none.
private func hdf5CrashHandler(_ signal: Int32, _ info: UnsafeMutablePointer<siginfo_t>?, _ context: UnsafeMutableRawPointer?) {
    let state = CrashState.shared
    if state.depth.pointee > 0 && pthread_equal(state.owner.pointee, pthread_self()) != 0 {
        _ = write(2, state.head, state.headLength.pointee)
        if let name = state.names.first(where: { $0.number == signal }) { _ = write(2, name.bytes, name.count) }
        _ = write(2, state.tail.bytes, state.tail.count)
        TemporaryFiles.removeAll()      // no hidden half-written file left by the crashed command
        _exit(1)
    }
    guard let i = HDF5CrashReport.signals.firstIndex(where: { $0.number == signal }) else { return }
    let old = state.previous[i]
    if old.sa_flags & SA_SIGINFO != 0, let chained = old.__sigaction_handler.sa_sigaction {
        chained(signal, info, context)
        return
    }
    // No handler with siginfo before: put back what was there (the default action, or a plain
    // handler) and let the signal happen again — a fault re-executes, abort(3) raises again.
    var restore = old
    sigaction(signal, &restore, nil)
    if signal != SIGSEGV && signal != SIGBUS && signal != SIGFPE { raise(signal) }
}
#endif
