// CodeCommitTests — the commit a checkpoint or table names when MORE_COMMIT is not set: git's
// short HEAD of the checkout, "-dirty" for a changed tracked file outside Tables/ and Figures/,
// nothing outside a checkout.

import XCTest
import Foundation
@testable import MoRE

final class CodeCommitTests: XCTestCase {
    /// Runs git in `dir` and returns its trimmed output (fails the test on a non-zero exit).
    func git(_ args: [String], in dir: URL) throws -> String {
        guard let r = runGit(["-c", "user.name=test", "-c", "user.email=test@example.org"] + args, in: dir) else {
            throw XCTSkip("git cannot be started here")
        }
        XCTAssertEqual(r.status, 0, "git \(args.joined(separator: " "))")
        return r.output
    }

    func temporaryFolder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("codecommit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    func testCheckoutGivesShortHeadAndDirtyOnlyOutsideOutputs() throws {
        let repo = try temporaryFolder()
        _ = try git(["init", "-q"], in: repo)
        let sources = repo.appendingPathComponent("Sources"), tables = repo.appendingPathComponent("Tables")
        let build = repo.appendingPathComponent(".build/release")
        for d in [sources, tables, build] { try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true) }
        try "let a = 1\n".write(to: sources.appendingPathComponent("a.swift"), atomically: true, encoding: .utf8)
        try "| t |\n".write(to: tables.appendingPathComponent("t.md"), atomically: true, encoding: .utf8)
        _ = try git(["add", "."], in: repo)
        _ = try git(["commit", "-q", "-m", "first"], in: repo)
        let head = try git(["rev-parse", "--short", "HEAD"], in: repo)

        // From a folder inside the checkout (as .build/release, where the executable lives).
        XCTAssertEqual(gitCommit(near: build), head)
        // A regenerated table does not make the code dirty…
        try "| t2 |\n".write(to: tables.appendingPathComponent("t.md"), atomically: true, encoding: .utf8)
        XCTAssertEqual(gitCommit(near: build), head)
        // …a changed source does.
        try "let a = 2\n".write(to: sources.appendingPathComponent("a.swift"), atomically: true, encoding: .utf8)
        XCTAssertEqual(gitCommit(near: build), head + "-dirty")
    }

    /// A binary older than a source of its checkout names the commit with "-stale-binary": it
    /// was not built from the code that commit holds.
    func testAnExecutableOlderThanTheSourcesIsMarkedStale() throws {
        let repo = try temporaryFolder()
        _ = try git(["init", "-q"], in: repo)
        let sources = repo.appendingPathComponent("Sources/A"), build = repo.appendingPathComponent(".build/release")
        for d in [sources, build] { try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true) }
        let source = sources.appendingPathComponent("a.swift"), exe = build.appendingPathComponent("more")
        try "let a = 1\n".write(to: source, atomically: true, encoding: .utf8)
        try ".build\n".write(to: repo.appendingPathComponent(".gitignore"), atomically: true, encoding: .utf8)
        _ = try git(["add", "."], in: repo)
        _ = try git(["commit", "-q", "-m", "first"], in: repo)
        let head = try git(["rev-parse", "--short", "HEAD"], in: repo)
        try Data("binary".utf8).write(to: exe)
        let now = Date()
        try FileManager.default.setAttributes([.modificationDate: now.addingTimeInterval(-60)], ofItemAtPath: source.path)
        try FileManager.default.setAttributes([.modificationDate: now], ofItemAtPath: exe.path)
        XCTAssertEqual(gitCommit(near: build, executable: exe), head, "built after its sources")
        // A checkout of other code touches the source after the build.
        try FileManager.default.setAttributes([.modificationDate: now.addingTimeInterval(60)], ofItemAtPath: source.path)
        XCTAssertEqual(gitCommit(near: build, executable: exe), head + "-stale-binary")
        XCTAssertEqual(gitCommit(near: build), head, "no executable given: no staleness check")
    }

    func testOutsideACheckoutThereIsNoCommit() throws {
        let dir = try temporaryFolder()
        guard runGit(["--version"], in: dir)?.status == 0 else { throw XCTSkip("git is not installed") }
        XCTAssertNil(gitCommit(near: dir))
    }

    func testMakefileValueWins() throws {
        guard let c = ProcessInfo.processInfo.environment["MORE_COMMIT"], !c.isEmpty else {
            throw XCTSkip("MORE_COMMIT is not set (it is under `make test`)")
        }
        XCTAssertEqual(codeCommit, c)
    }
}
