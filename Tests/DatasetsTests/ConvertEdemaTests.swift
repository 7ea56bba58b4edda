// Tests for EdemaConverter: the image-level (consensus) and study-level (regex) label files of
// Tests/Golden/convert/edema joined to the MIMIC fixture's images, and bad label rows.

import Foundation
import XCTest
import TensorCore
import TestSupport
@testable import Datasets

final class ConvertEdemaTests: XCTestCase {
    static let golden = Fixtures.repoRoot.appendingPathComponent("Tests/Golden/convert")
    var cxr: URL { Self.golden.appendingPathComponent("mimic/mimic-cxr-jpg") }
    var dir: URL!
    var out: URL { dir.appendingPathComponent("out") }

    override func setUpWithError() throws { dir = try Fixtures.tempDirectory("convert-edema") }
    override func tearDownWithError() throws { if let dir { try? FileManager.default.removeItem(at: dir) } }

    func convert(_ labels: URL) throws -> ConvertSummary {
        try EdemaConverter.convert(cxrRoot: cxr, labels: labels, out: out, options: ConvertOptions(xraySize: 64))
    }

    func testImageLevelLabels() throws {
        let s = try convert(Self.golden.appendingPathComponent("edema/edema_labels_consensus.csv"))
        XCTAssertTrue(s.skipped.isEmpty, s.text)
        XCTAssertEqual(s.written.map(\.file), ["edema_train.h5", "edema_val.h5", "edema_test.h5"])
        for w in s.written { XCTAssertTrue(try validateDataset(out.appendingPathComponent(w.file)).isValid, w.file) }
        let train = try readHDF5(out.appendingPathComponent("edema_train.h5"))
        XCTAssertEqual(train.labels["edema_severity"]?.scalars, [0, 2])
        XCTAssertEqual(train.labelNames["edema_severity"], CohortLabels.edemaSeverityNames)
        XCTAssertEqual(try readHDF5(out.appendingPathComponent("edema_val.h5")).labels["edema_severity"]?.scalars, [1])
        let test = try readHDF5(out.appendingPathComponent("edema_test.h5"))
        XCTAssertEqual(test.labels["edema_severity"]?.scalars, [3])
        XCTAssertEqual(test.reportXray, ["Cardiomegaly, Edema is present"])
    }

    func testStudyLevelLabelsAndBadRows() throws {
        let labels = dir.appendingPathComponent("regex.csv")
        let text = try String(contentsOf: Self.golden.appendingPathComponent("edema/edema_labels_regex.csv"), encoding: .utf8)
        try (text + "10000764,57375967,severe\n").write(to: labels, atomically: true, encoding: .utf8)
        let s = try convert(labels)
        XCTAssertEqual(s.skipped.map(\.record), ["s57375967"])
        XCTAssertEqual(s.skipped.first?.reason, "edema_severity is not 0-3")
        XCTAssertEqual(s.written.map(\.rows), [2, 1])
        XCTAssertEqual(try readHDF5(out.appendingPathComponent("edema_train.h5")).labels["edema_severity"]?.scalars, [0, 2])
    }

    func testMissingGradeColumnIsATypedError() throws {
        let labels = dir.appendingPathComponent("bad.csv")
        try "subject_id,study_id,grade\n10000032,50414267,1\n".write(to: labels, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try convert(labels)) { XCTAssertEqual($0 as? DataError, .missingField(file: labels.path, field: "column edema_severity")) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
    }
}
