// Tests for DatasetFolder.swift: a split file given where its dataset folder is expected is an
// error naming the file; a folder that does not exist is one saying where dataset folders come from.

import Foundation
import XCTest
import TestSupport
@testable import Datasets

final class DatasetFolderTests: XCTestCase {
    func testAFileWhereTheFolderIsExpectedIsNamed() throws {
        let dir = try Fixtures.tempDirectory("dataset-folder")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("pretrain_train.h5")
        try Data().write(to: file)
        XCTAssertThrowsError(try requireDatasetFolder(file)) { e in
            XCTAssertEqual(e as? DataError, .notADirectory(file.path, expected: "dataset folder (the folder that holds the split files, e.g. pretrain_train.h5)"))
            XCTAssertTrue("\(e)".hasPrefix("\(file.path): is a file, expected a dataset folder"), "\(e)")
        }
        XCTAssertNoThrow(try requireDatasetFolder(dir))
        let missing = dir.appendingPathComponent("not-there")
        XCTAssertThrowsError(try requireDatasetFolder(missing)) { e in
            XCTAssertTrue("\(e)".hasPrefix("\(missing.path): no such folder, expected a dataset folder"), "\(e)")
            XCTAssertTrue("\(e)".contains("`make data`"), "\(e)")
        }
    }
}
