import XCTest
import Foundation
@testable import more

/// Provenance paths (`displayPath`): relative to the working directory when inside it, also
/// through a symbolic link that points outside it; absolute otherwise.
final class DisplayPathTests: XCTestCase {
    func testPathsInsideTheWorkingDirectoryAreRelativeEvenThroughASymlink() throws {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("displaypath-\(UUID().uuidString)")
        let repo = root.appendingPathComponent("repo"), elsewhere = root.appendingPathComponent("elsewhere")
        try fm.createDirectory(at: repo.appendingPathComponent("out"), withIntermediateDirectories: true)
        try fm.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        try fm.createSymbolicLink(at: repo.appendingPathComponent("out/runs"), withDestinationURL: elsewhere)
        let saved = fm.currentDirectoryPath
        defer { _ = fm.changeCurrentDirectoryPath(saved); try? fm.removeItem(at: root) }
        XCTAssertTrue(fm.changeCurrentDirectoryPath(repo.path))

        XCTAssertEqual(displayPath(repo.appendingPathComponent("out/data.h5")), "out/data.h5")
        XCTAssertEqual(displayPath(repo.appendingPathComponent("out/runs/best.safetensors")), "out/runs/best.safetensors",
                       "a symlinked folder inside the repository keeps its name in the provenance")
        let outside = elsewhere.appendingPathComponent("best.safetensors")
        XCTAssertEqual(displayPath(outside), outside.standardizedFileURL.path, "outside the working directory: absolute")
    }
}
