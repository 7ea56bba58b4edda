import XCTest
import Foundation
import Datasets
import TestSupport
@testable import more

/// `requireWritableOutputFolder` (Datasets/Convert/ConvertPaths.swift): `more pretrain`, `more table` and
/// `more figure` check their --out folder before any work, with errors naming the path, and the
/// check itself creates nothing.
final class OutputFolderTests: XCTestCase {
    func testANewNestedFolderPassesAndIsNotCreated() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("out-\(UUID().uuidString)/a/b")
        try requireWritableOutputFolder(dir)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.deletingLastPathComponent().deletingLastPathComponent().path))
        try requireWritableOutputFolder(FileManager.default.temporaryDirectory)   // an existing folder is fine
    }

    func testAFileOrAPathUnderAFileIsAnErrorNamingIt() throws {
        let dir = try Fixtures.tempDirectory("out-file")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("afile")
        try Data("x".utf8).write(to: file)
        for (path, reason) in [(file, "it is a file, expected a folder"), (file.appendingPathComponent("sub"), "\(file.path) is a file, not a folder")] {
            XCTAssertThrowsError(try requireWritableOutputFolder(path)) { e in
                XCTAssertEqual(e as? DataError, .writeFailed(file: path.path, reason: reason))
            }
        }
    }

    /// The table and figure commands check their --out before they load the checkpoint or read
    /// any data (both would fail here too, on the missing files, but later and about those).
    func testTableAndFigureCommandsRefuseAFileAsOutBeforeAnyWork() throws {
        let dir = try Fixtures.tempDirectory("out-file")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("afile")
        try Data("x".utf8).write(to: file)
        let missing = ["--data", "/nonexistent", "--checkpoint", "/nonexistent.safetensors"]
        let commands: [(String, () throws -> Void)] = [
            ("table", { try TableCommand.parse(["table-zeroshot-cxr", "--out", file.path] + missing).run() }),
            ("figure", { try FigureCommand.parse(["figure3", "--out", file.path] + missing).run() }),
        ]
        for (name, command) in commands {
            XCTAssertThrowsError(try command()) { e in
                XCTAssertEqual(e as? DataError, .writeFailed(file: file.path, reason: "it is a file, expected a folder"), "\(name): \(e)")
            }
        }
    }

    /// A split file given as --data is named before any checkpoint is loaded, by training, the
    /// tables and the figures; and a figure command that fails leaves no new --out folder.
    func testASplitFileAsDataIsNamedAndAFailedFigureCreatesNoFolder() throws {
        let dir = try Fixtures.tempDirectory("data-file")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("chexpert5x200.h5")
        try Data().write(to: file)
        let out = dir.appendingPathComponent("out")
        let missing = ["--checkpoint", dir.appendingPathComponent("none.safetensors").path]
        let commands: [(String, () throws -> Void)] = [
            ("pretrain", { try Pretrain.parse(["--config", "tiny", "--data", file.path, "--out", out.path]).run() }),
            ("table", { try TableCommand.parse(["table-zeroshot-cxr", "--data", file.path, "--out", out.path] + missing).run() }),
        ]
        for (name, command) in commands {
            XCTAssertThrowsError(try command()) { e in
                XCTAssertEqual((e as? DataError)?.file, file.path, "\(name): \(e)")
            }
        }
        XCTAssertThrowsError(try FigureCommand.parse(["figure3", "--data", dir.path, "--out", out.path] + missing).run())
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "a failed command created --out")
    }

    /// An output that is one of the inputs, also through a symbolic link, is refused.
    func testAnOutputThatIsAnInputIsRefused() throws {
        let dir = try Fixtures.tempDirectory("out-input")
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.h5"), link = dir.appendingPathComponent("link.h5")
        try Data("x".utf8).write(to: input)
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: input)
        XCTAssertNoThrow(try requireNotAnInput(dir.appendingPathComponent("out.f32"), inputs: [input]))
        for out in [input, link, URL(fileURLWithPath: dir.path + "/./in.h5")] {
            XCTAssertThrowsError(try requireNotAnInput(out, inputs: [dir.appendingPathComponent("other"), input]), out.path) { e in
                XCTAssertTrue("\(e)".contains("it is an input of this command (\(input.path))"), "\(e)")
            }
        }
    }
}
