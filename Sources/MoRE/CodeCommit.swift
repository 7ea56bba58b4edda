// CodeCommit — which commit of this repository made a checkpoint, a table or a figure.
//
//   1. MORE_COMMIT, set by the Makefile (`git rev-parse --short HEAD`, plus "-dirty" when a
//      tracked file outside Tables/ and Figures/ differs from HEAD; make rebuilds first);
//   2. else the same, asked of git at run time in the checkout that holds the running
//      executable (…/.build/release/more), so that `.build/release/more table …` run by hand
//      — as for the real datasets — still names its commit;
//   3. else "unknown" (no git, or an executable outside a checkout).
//
// Case 2 names the checkout as it is when the command runs. A binary not rebuilt after its
// sources changed (a `git checkout`, an edit) would name code it was not built from, so case 2
// appends "-stale-binary" when a file under Sources/ or Reproduce/, or Package.swift, is newer
// than the executable. `make` cannot get this wrong (it rebuilds first); by hand, `make build`.
//
// Deliberately not here: build-time stamping (SwiftPM has no hook for it without a plugin).

import Foundation

/// The commit of the code (see the file header): MORE_COMMIT, else git's short HEAD (+ "-dirty")
/// of the checkout holding this executable, else "unknown". Computed once per process.
public let codeCommit: String = {
    if let c = ProcessInfo.processInfo.environment["MORE_COMMIT"], !c.isEmpty { return c }
    guard let exe = executableURL() else { return "unknown" }
    return gitCommit(near: exe.deletingLastPathComponent(), executable: exe) ?? "unknown"
}()

/// The running executable, symbolic links resolved (`/proc/self/exe` on Linux).
func executableURL() -> URL? {
    if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
        return URL(fileURLWithPath: path)
    }
    return Bundle.main.executableURL?.resolvingSymlinksInPath()
}

/// The folder of the running executable, symbolic links resolved.
func executableDirectory() -> URL? { executableURL()?.deletingLastPathComponent() }

/// git's short HEAD of the checkout that contains `directory`, with "-dirty" when a tracked
/// file outside Tables/ and Figures/ differs from HEAD (the Makefile's rule), and
/// "-stale-binary" when `executable` is older than a source of that checkout
/// (`sourcesNewer(than:in:)`); nil when git is missing or `directory` is not inside a checkout.
func gitCommit(near directory: URL, executable: URL? = nil) -> String? {
    guard let top = runGit(["rev-parse", "--show-toplevel"], in: directory), top.status == 0, !top.output.isEmpty
    else { return nil }
    let root = URL(fileURLWithPath: top.output)
    guard let head = runGit(["rev-parse", "--short", "HEAD"], in: root), head.status == 0, !head.output.isEmpty
    else { return nil }
    let diff = runGit(["diff", "--quiet", "HEAD", "--", ".", ":!Tables", ":!Figures"], in: root)
    let stale = executable.map { sourcesNewer(than: $0, in: root) } ?? false
    return head.output + (diff?.status == 1 ? "-dirty" : "") + (stale ? "-stale-binary" : "")
}

/// True when a file under `root`'s Sources/ or Reproduce/, or its Package.swift, was modified
/// after `executable` (which was then built from other sources); false when the executable
/// cannot be read.
func sourcesNewer(than executable: URL, in root: URL) -> Bool {
    let fm = FileManager.default
    func modified(_ path: String) -> Date? { (try? fm.attributesOfItem(atPath: path))?[.modificationDate] as? Date }
    guard let built = modified(executable.path) else { return false }
    if let p = modified(root.appendingPathComponent("Package.swift").path), p > built { return true }
    for folder in ["Sources", "Reproduce"] {
        let base = root.appendingPathComponent(folder)
        guard let walk = fm.enumerator(atPath: base.path) else { continue }
        for case let relative as String in walk where relative.hasSuffix(".swift") || relative.hasSuffix(".h") || relative.hasSuffix(".modulemap") {
            if let m = modified(base.appendingPathComponent(relative).path), m > built { return true }
        }
    }
    return false
}

/// Runs `git -C directory arguments…`: its standard output (trimmed) and exit status; nil when
/// git cannot be started. Standard error is discarded.
func runGit(_ arguments: [String], in directory: URL) -> (output: String, status: Int32)? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["git", "-C", directory.path] + arguments
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    do { try process.run() } catch { return nil }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines), process.terminationStatus)
}
