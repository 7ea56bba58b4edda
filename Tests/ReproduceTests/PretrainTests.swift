import XCTest
import Foundation
import MoRE
import TestSupport
@testable import more

/// `more pretrain` (Reproduce/Pretrain.swift).
final class PretrainTests: XCTestCase {
    /// `--resume` on a finished run returns before the model is built and the data read (`make`
    /// asks at every table): here the data folder holds only pretrain_train.h5, whose hash
    /// identifies the run, and no validation split, which reading the data would need.
    func testAFinishedRunIsRecognisedBeforeTheDataIsRead() throws {
        let s = try TableFixture.setup()
        let dir = try Fixtures.tempDirectory("pretrain-finished")
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: data.appendingPathComponent("pretrain_train.h5"),
                                                   withDestinationURL: s.data.appendingPathComponent("pretrain_train.h5"))
        let configFile = try TableFixture.writeConfigFile(in: dir)
        let run = s.checkpoint.deletingLastPathComponent().path
        XCTAssertNoThrow(try Pretrain.parse(["--config", configFile.path, "--data", data.path, "--out", run, "--resume", "--quiet"]).run())
        // Without --resume the same call must read the data, and finds the split missing.
        XCTAssertThrowsError(try Pretrain.parse(["--config", configFile.path, "--data", data.path,
                                                 "--out", dir.appendingPathComponent("fresh").path, "--quiet"]).run()) { e in
            XCTAssertTrue("\(e)".contains("pretrain_val.h5"), "\(e)")
        }
    }
}
