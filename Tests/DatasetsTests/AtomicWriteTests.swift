// Tests for AtomicWrite.swift: one file written atomically, several files all or none
// (`FileTransaction`, `writeAllOrNone`), and what is left in the folder after each kind of
// failure — the previous files as they were, and no temporary file.

import Foundation
import XCTest
import TestSupport
@testable import Datasets

final class AtomicWriteTests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws { dir = try Fixtures.tempDirectory("atomic-write") }
    override func tearDownWithError() throws { if let dir { try? FileManager.default.removeItem(at: dir) } }

    func file(_ name: String) -> URL { dir.appendingPathComponent(name) }
    func contents() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() }
    func text(_ name: String) throws -> String { try String(contentsOf: file(name), encoding: .utf8) }
    func put(_ name: String, _ s: String) throws { try Data(s.utf8).write(to: file(name)) }

    /// Nothing under a final name changes before `commit`; then every file is in place.
    func testStagedFilesAppearOnlyAtCommit() throws {
        try put("a.txt", "old a")
        let files = FileTransaction()
        try files.stage(file("a.txt")) { try Data("new a".utf8).write(to: $0) }
        try files.stage(file("b.txt")) { try Data("new b".utf8).write(to: $0) }
        XCTAssertEqual(try text("a.txt"), "old a")
        XCTAssertFalse(FileManager.default.fileExists(atPath: file("b.txt").path))
        XCTAssertEqual(files.destinations.map(\.lastPathComponent), ["a.txt", "b.txt"])
        try files.commit()
        XCTAssertEqual(try text("a.txt"), "new a")
        XCTAssertEqual(try text("b.txt"), "new b")
        XCTAssertEqual(try contents(), ["a.txt", "b.txt"], "no temporary file left")
    }

    /// A failing second file: the first one's previous content stays, its new version is dropped
    /// with the transaction, and the error names the file that failed.
    func testAFailedFileLeavesThePreviousSetWhole() throws {
        try put("a.txt", "old a"); try put("b.txt", "old b")
        struct Boom: Error {}
        do {
            let files = FileTransaction()
            try files.stage(file("a.txt")) { try Data("new a".utf8).write(to: $0) }
            XCTAssertThrowsError(try files.stage(file("b.txt")) { tmp in
                try Data("half".utf8).write(to: tmp)
                throw Boom()
            }) { e in
                guard case DataError.writeFailed(let f, _) = e else { return XCTFail("\(e)") }
                XCTAssertEqual(f, file("b.txt").path)
            }
        }   // released without commit
        XCTAssertEqual(try text("a.txt"), "old a")
        XCTAssertEqual(try text("b.txt"), "old b")
        XCTAssertEqual(try contents(), ["a.txt", "b.txt"], "no temporary file left")
    }

    /// DataErrors from the body pass through unchanged (a converter's validation names the field).
    func testDataErrorsFromTheBodyPassThrough() throws {
        let files = FileTransaction()
        let problem = DataError.malformed(file: file("x.h5").path, field: "/ids", reason: "duplicate id")
        XCTAssertThrowsError(try files.stage(file("x.h5")) { _ in throw problem }) { XCTAssertEqual($0 as? DataError, problem) }
        files.abort()
        XCTAssertEqual(try contents(), [])
    }

    /// A destination that is a folder, or in a folder that does not exist, is refused before
    /// anything is written.
    func testFolderDestinationAndMissingFolderAreTypedErrors() throws {
        try FileManager.default.createDirectory(at: file("d.json"), withIntermediateDirectories: false)
        var ran = false
        XCTAssertThrowsError(try FileTransaction().stage(file("d.json")) { _ in ran = true }) {
            XCTAssertEqual($0 as? DataError, .writeFailed(file: self.file("d.json").path, reason: "is a folder"))
        }
        let missing = file("no/such/folder/x.txt")
        XCTAssertThrowsError(try writeAtomically(to: missing) { _ in ran = true }) {
            XCTAssertEqual($0 as? DataError, .writeFailed(file: missing.path, reason: "folder \(self.file("no/such/folder").path) does not exist"))
        }
        XCTAssertFalse(ran)
        XCTAssertEqual(try contents(), ["d.json"])
    }

    /// A rename that fails during commit (here a folder put in a destination's place after it was
    /// staged) leaves the set absent rather than mixed: the file renamed before it is removed, the
    /// one after it is never renamed, and the error names the file whose rename failed.
    func testARenameFailingInCommitLeavesNoneOfTheSet() throws {
        try put("c.txt", "old c")
        let files = FileTransaction()
        for name in ["a.txt", "b.txt", "c.txt"] { try files.stage(file(name)) { try Data("new".utf8).write(to: $0) } }
        try FileManager.default.createDirectory(at: file("b.txt"), withIntermediateDirectories: false)
        try put("b.txt/keep", "x")   // a non-empty folder: rename(2) cannot replace it
        XCTAssertThrowsError(try files.commit()) { e in
            guard case DataError.writeFailed(let f, let reason) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(f, self.file("b.txt").path)
            XCTAssertTrue(reason.hasPrefix("rename failed: "), reason)
        }
        XCTAssertEqual(try contents(), ["b.txt", "c.txt"], "a.txt removed again, no temporary file left")
        XCTAssertEqual(try text("c.txt"), "old c")
    }

    /// `writeAllOrNone`: both files or neither (the embeddings and their manifest).
    func testWriteAllOrNone() throws {
        let values = file("z.f32"), manifest = file("z.f32.json")
        try FileManager.default.createDirectory(at: manifest, withIntermediateDirectories: false)
        XCTAssertThrowsError(try writeAllOrNone([(values, Data([1, 2, 3, 4])), (manifest, Data("{}".utf8))])) { e in
            XCTAssertTrue("\(e)".contains(manifest.path), "\(e)")
        }
        XCTAssertEqual(try contents(), ["z.f32.json"], "only the folder that was there")

        try FileManager.default.removeItem(at: manifest)
        try writeAllOrNone([(values, Data([1, 2, 3, 4])), (manifest, Data("{}".utf8))])
        XCTAssertEqual(try Data(contentsOf: values), Data([1, 2, 3, 4]))
        XCTAssertEqual(try text("z.f32.json"), "{}")
        XCTAssertEqual(try contents(), ["z.f32", "z.f32.json"], "no temporary file left")
    }

    /// One file: the destination is replaced whole or not at all.
    func testWriteAtomicallyReplacesOrKeeps() throws {
        try put("one.txt", "old")
        XCTAssertThrowsError(try writeAtomically(to: file("one.txt")) { tmp in
            try Data("partial".utf8).write(to: tmp)
            throw DataError.writeFailed(file: tmp.path, reason: "disk full")
        }) { XCTAssertEqual($0 as? DataError, .writeFailed(file: self.file("one.txt").path, reason: "disk full")) }
        XCTAssertEqual(try text("one.txt"), "old")
        try writeAtomically(to: file("one.txt")) { try Data("new".utf8).write(to: $0) }
        XCTAssertEqual(try text("one.txt"), "new")
        XCTAssertEqual(try contents(), ["one.txt"])
    }
}
