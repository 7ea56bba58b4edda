// CodeCommit — which commit of this repository made a checkpoint, a table or a figure.
//
//   1. MORE_COMMIT, set by the Makefile (`git rev-parse --short HEAD`, plus "-dirty" when a
//      tracked file outside Tables/ and Figures/ differs from HEAD; make rebuilds first);
//   2. else the same, asked of git at run time in the checkout that holds the running
//      executable (…/.build/release/more), so that `.build/release/more table …` run by hand
//      — as for the real datasets — still names its commit;
//   3. else "unknown" (no git, or an executable outside a checkout).
//
// Case 2 names the checkout as it is when the command runs: a binary not rebuilt after a
// `git checkout` reports the new HEAD. `make` cannot get this wrong; by hand, rebuild after
// switching commits (`make build`).
//
// Deliberately not here: build-time stamping (SwiftPM has no hook for it without a plugin).

import Foundation

/// The commit of the code (see the file header): MORE_COMMIT, else git's short HEAD (+ "-dirty")
/// of the checkout holding this executable, else "unknown". Computed once per process.
public let codeCommit: String = {
    if let c = ProcessInfo.processInfo.environment["MORE_COMMIT"], !c.isEmpty { return c }
    return executableDirectory().flatMap(gitCommit(near:)) ?? "unknown"
}()

/// The folder of the running executable, symbolic links resolved (`/proc/self/exe` on Linux).
func executableDirectory() -> URL? {
    if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
        return URL(fileURLWithPath: path).deletingLastPathComponent()
    }
    return Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent()
}

/// git's short HEAD of the checkout that contains `directory`, with "-dirty" when a tracked
/// file outside Tables/ and Figures/ differs from HEAD (the Makefile's rule); nil when git is
/// missing or `directory` is not inside a checkout.
func gitCommit(near directory: URL) -> String? {
    guard let top = runGit(["rev-parse", "--show-toplevel"], in: directory), top.status == 0, !top.output.isEmpty
    else { return nil }
    let root = URL(fileURLWithPath: top.output)
    guard let head = runGit(["rev-parse", "--short", "HEAD"], in: root), head.status == 0, !head.output.isEmpty
    else { return nil }
    let diff = runGit(["diff", "--quiet", "HEAD", "--", ".", ":!Tables", ":!Figures"], in: root)
    return head.output + (diff?.status == 1 ? "-dirty" : "")
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
