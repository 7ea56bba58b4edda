// Tests for TemporaryFiles.swift: every file a FileTransaction is writing is registered while it
// exists under its temporary name, and only then; `removeAll()` (what the interrupt handlers call)
// deletes exactly those files. The signal path itself runs in a child process
// (ReproduceTests/InterruptTests.swift).

import Foundation
import XCTest
import TestSupport
@testable import Datasets

final class TemporaryFilesTests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws { dir = try Fixtures.tempDirectory("temporary-files") }
    override func tearDownWithError() throws { if let dir { try? FileManager.default.removeItem(at: dir) } }

    /// The registered paths inside this test's folder.
    func registeredHere() -> [String] { TemporaryFiles.registered.filter { $0.hasPrefix(dir.path + "/") } }

    func testStagedFilesAreRegisteredUntilCommitOrAbort() throws {
        for finish in ["commit", "abort", "release"] {
            var files: FileTransaction? = FileTransaction()
            var seen: [String] = []
            try files!.stage(dir.appendingPathComponent("a-\(finish).txt")) { tmp in
                seen = self.registeredHere()                      // registered while it is written
                try Data("a".utf8).write(to: tmp)
            }
            XCTAssertEqual(seen.count, 1, finish)
            XCTAssertTrue(seen.first.map { ($0 as NSString).lastPathComponent.hasPrefix(".a-\(finish).txt.tmp-") } ?? false, "\(seen)")
            XCTAssertEqual(registeredHere(), seen, "\(finish): the staged file stays registered until the end")
            switch finish {
            case "commit": try files!.commit()
            case "abort": files!.abort()
            default: files = nil
            }
            XCTAssertEqual(registeredHere(), [], "\(finish) left a registration")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["a-commit.txt"])
    }

    func testAFailedStageIsUnregistered() throws {
        struct Boom: Error {}
        XCTAssertThrowsError(try FileTransaction().stage(dir.appendingPathComponent("x.txt")) { tmp in
            try Data("x".utf8).write(to: tmp)
            throw Boom()
        })
        XCTAssertEqual(registeredHere(), [])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [])
    }

    /// `removeAll` deletes the files being written and nothing else; the transaction, which is
    /// not told, then fails to commit with an error naming the file.
    func testRemoveAllDeletesExactlyTheFilesInProgress() throws {
        try Data("keep".utf8).write(to: dir.appendingPathComponent("keep.txt"))
        let files = FileTransaction()
        try files.stage(dir.appendingPathComponent("b.txt")) { try Data("b".utf8).write(to: $0) }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).count, 2)
        TemporaryFiles.removeAll()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["keep.txt"])
        XCTAssertThrowsError(try files.commit()) { e in
            guard case DataError.writeFailed(let file, _) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(file, self.dir.appendingPathComponent("b.txt").path)
        }
        XCTAssertEqual(registeredHere(), [])
    }

    /// The PID of a process that has ended (and been reaped).
    static func deadPID() throws -> pid_t {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/true")
        try p.run()
        p.waitUntilExit()
        return p.processIdentifier
    }

    /// What a SIGKILL left (no handler ran) is removed by the next write of the same file: the
    /// temporaries of dead processes for that name, nested ones included; those of running
    /// processes, of this one and of other names stay.
    func testTheNextWriteRemovesStaleTemporariesOfDeadProcesses() throws {
        let dead = try Self.deadPID(), live = getppid(), me = getpid()
        let stale = [".a.txt.tmp-\(dead)-AAAA1111", "..a.txt.tmp-\(dead)-BBBB2222.tmp-\(dead)-CCCC3333"]
        let kept = [".a.txt.tmp-\(live)-DDDD4444", ".a.txt.tmp-\(me)-EEEE5555", ".b.txt.tmp-\(dead)-FFFF6666", ".a.txt.tmp-x-GGGG7777"]
        for name in stale + kept { try Data("partial".utf8).write(to: dir.appendingPathComponent(name)) }
        try writeAtomically(to: dir.appendingPathComponent("a.txt")) { try Data("a".utf8).write(to: $0) }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), (kept + ["a.txt"]).sorted())
        XCTAssertEqual(TemporaryFiles.removeStale(besides: dir.appendingPathComponent("b.txt")), [".b.txt.tmp-\(dead)-FFFF6666"])
    }

    /// A path too long for the table is written as before, just not registered.
    func testAPathTooLongForTheTableIsStillWritten() throws {
        var deep = dir!
        while deep.path.utf8.count < TemporaryFiles.pathBytes { deep.appendPathComponent(String(repeating: "d", count: 200)) }
        try FileManager.default.createDirectory(at: deep, withIntermediateDirectories: true)
        try writeAtomically(to: deep.appendingPathComponent("f.txt")) { tmp in
            XCTAssertEqual(self.registeredHere(), [])
            try Data("f".utf8).write(to: tmp)
        }
        XCTAssertEqual(try String(contentsOf: deep.appendingPathComponent("f.txt"), encoding: .utf8), "f")
    }
}
