// Tests for CheXpertConverter on the miniature CheXpert fixture (Tests/Golden/convert/chexpert,
// CheXpert's train.csv columns and folder layout, Kermany images): GLoRIA's candidate rule, the
// seeded per-class draw, labels (chexpert13, the 4-label protocol, the class index), and bad input.

import Foundation
import XCTest
import TensorCore
import TestSupport
@testable import Datasets

final class ConvertCheXpertTests: XCTestCase {
    static let fixture = Fixtures.repoRoot.appendingPathComponent("Tests/Golden/convert/chexpert")
    var dir: URL!
    var root: URL { dir.appendingPathComponent("CheXpert-v1.0-small") }
    var out: URL { dir.appendingPathComponent("out") }

    override func setUpWithError() throws {
        dir = try Fixtures.tempDirectory("convert-chexpert")
        try FileManager.default.copyItem(at: Self.fixture.appendingPathComponent("CheXpert-v1.0-small"), to: root)
    }
    override func tearDownWithError() throws { if let dir { try? FileManager.default.removeItem(at: dir) } }

    func convert(perClass: Int = 200, seed: UInt64 = 42) throws -> ConvertSummary {
        try CheXpertConverter.convert(root: root, out: out, perClass: perClass, options: ConvertOptions(xraySize: 64, seed: seed))
    }
    func patient(_ id: String) -> String { "CheXpert-v1.0-small/train/\(id)/study1/view1_frontal.jpg" }

    func testGLoRIACandidatesLabelsAndValidity() throws {
        let s = try convert()
        XCTAssertTrue(s.skipped.isEmpty, s.text)
        let url = out.appendingPathComponent("chexpert5x200.h5")
        XCTAssertTrue(try validateDataset(url).isValid)
        let d = try readHDF5(url)
        // Patients 3 (support devices), 4 (lateral) and 8 (uncertain edema) are not candidates.
        XCTAssertEqual(d.ids, ["patient00001", "patient00002", "patient00009", "patient00006", "patient00007", "patient00005"].map(patient))
        XCTAssertEqual(d.labels["chexpert5_class"]?.scalars, [0, 1, 1, 2, 3, 4])
        XCTAssertEqual(d.labelNames["chexpert5_class"], CohortLabels.chexpert5Names)
        XCTAssertEqual(d.labelNames["mimic4"], CohortLabels.mimic4Names)
        // Consolidation (row 3) is a negative for all four labels of the 4-label protocol.
        XCTAssertEqual(Array(d.labels["mimic4"]!.scalars[12..<16]), [0, 0, 0, 0])
        XCTAssertEqual(Array(d.labels["mimic4"]!.scalars[16..<20]), [0, 0, 1, 0])
        let first = root.appendingPathComponent("train/patient00001/study1/view1_frontal.jpg")
        XCTAssertEqual(Array(d.xray!.scalars[0..<4096]), try preprocessXray(contentsOf: first, size: 64))
    }

    func testSeededDrawPerClass() throws {
        var picks: Set<String> = []
        for seed in UInt64(0)..<8 {
            _ = try convert(perClass: 1, seed: seed)
            let d = try readHDF5(out.appendingPathComponent("chexpert5x200.h5"))
            XCTAssertEqual(d.count, 5)
            picks.insert(d.ids[1])
            _ = try convert(perClass: 1, seed: seed)
            XCTAssertEqual(try readHDF5(out.appendingPathComponent("chexpert5x200.h5")).ids, d.ids, "same seed, same set")
        }
        XCTAssertEqual(picks, [patient("patient00002"), patient("patient00009")], "both Cardiomegaly candidates are drawn by some seed")
    }

    func testUnreadableImageIsSkipped() throws {
        try Data([0xFF, 0xD8, 0xFF, 0x00]).write(to: root.appendingPathComponent("train/patient00006/study1/view1_frontal.jpg"))
        let s = try convert()
        XCTAssertEqual(s.skipped.map(\.record), [patient("patient00006")])
        XCTAssertEqual(s.skipped.first?.reason, "unreadable X-ray image")
    }

    func testMalformedLabelIsSkippedAndMissingColumnIsAnError() throws {
        let csv = root.appendingPathComponent("train.csv")
        var text = try String(contentsOf: csv, encoding: .utf8)
        try text.replacingOccurrences(of: "Frontal,AP,,,,,,,,,1.0", with: "Frontal,AP,,,,,,,,,maybe").write(to: csv, atomically: true, encoding: .utf8)
        let s = try convert()
        XCTAssertEqual(s.skipped.map(\.record), [patient("patient00001")])
        XCTAssertEqual(s.skipped.first?.reason, "malformed CheXpert label")
        text = try String(contentsOf: csv, encoding: .utf8)
        try text.replacingOccurrences(of: "Frontal/Lateral", with: "View").write(to: csv, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(at: out)
        XCTAssertThrowsError(try convert()) { XCTAssertEqual($0 as? DataError, .missingField(file: csv.path, field: "column Frontal/Lateral")) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
    }
}
