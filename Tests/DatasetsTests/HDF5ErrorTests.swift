// Tests for bad HDF5 input: each user-causable failure is a typed DataError naming the file
// and the dataset, for the reader and for the validator (which lists all problems at once).

import Foundation
import XCTest
import TensorCore
import TestSupport
@testable import Datasets

final class HDF5ErrorTests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws { dir = try Fixtures.tempDirectory("h5-errors") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// Builds a file field by field with the low-level writer (to produce invalid layouts).
    func craft(_ name: String, _ body: (HDF5File) throws -> Void) throws -> URL {
        let url = dir.appendingPathComponent(name)
        let file = try HDF5File.create(path: url.path)
        try body(file)
        try file.close()
        return url
    }

    func baseAttributes(_ f: HDF5File) throws {
        try f.setAttribute(on: "/", "schema_version", [DatasetSchema.version], list: false)
        try f.setAttribute(on: "/", "split", ["train"], list: false)
    }

    func assertReadFails(_ url: URL, _ expected: DataError, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try readHDF5(url), file: file, line: line) { error in
            XCTAssertEqual(error as? DataError, expected, file: file, line: line)
            XCTAssertTrue("\(error)".contains(url.path), "message names the file: \(error)", file: file, line: line)
        }
    }

    func testMissingFile() {
        let url = dir.appendingPathComponent("nope.h5")
        assertReadFails(url, .missingFile(url.path))
        XCTAssertThrowsError(try validateDataset(url)) { XCTAssertEqual($0 as? DataError, .missingFile(url.path)) }
    }

    /// A folder (a dataset folder given where a split file was asked) is named as a folder, not
    /// with libhdf5's "file read failed … errno = 21 …" dump.
    func testAFolderIsNamedAsAFolder() throws {
        let folder = dir.appendingPathComponent("cohort.h5")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        assertReadFails(folder, .isDirectory(folder.path, expected: "HDF5 file"))
        XCTAssertThrowsError(try validateDataset(folder)) { XCTAssertEqual($0 as? DataError, .isDirectory(folder.path, expected: "HDF5 file")) }
    }

    func testNotAnHDF5File() throws {
        let url = dir.appendingPathComponent("text.h5")
        try Data("just some text, not HDF5\n".utf8).write(to: url)
        XCTAssertThrowsError(try readHDF5(url)) {
            guard case .unreadable(let f, let format, _)? = $0 as? DataError else { return XCTFail("\($0)") }
            XCTAssertEqual(f, url.path); XCTAssertEqual(format, "HDF5")
        }
    }

    func testTruncatedFile() throws {
        let url = dir.appendingPathComponent("cut.h5")
        try writeHDF5(sampleSplit(n: 20), to: url)
        let bytes = try Data(contentsOf: url)
        try bytes.prefix(bytes.count / 2).write(to: url)
        XCTAssertThrowsError(try readHDF5(url)) {
            guard case .unreadable(let f, _, let reason)? = $0 as? DataError else { return XCTFail("\($0)") }
            XCTAssertEqual(f, url.path)
            XCTAssertTrue(reason.contains("truncated"), reason)
        }
    }

    func testXrayStoredAsIntIsWrongType() throws {
        let url = try craft("int.h5") { f in
            try baseAttributes(f)
            try f.writeStrings("/ids", ["a", "b"], options: HDF5WriteOptions())
            try f.writeInt32("/xray", shape: [2, 3, 3], values: Array(repeating: 1, count: 18))
        }
        assertReadFails(url, .wrongType(file: url.path, field: "/xray", expected: "float32", got: "int32"))
    }

    func testWrongRankIsWrongShape() throws {
        let url = try craft("rank.h5") { f in
            try baseAttributes(f)
            try f.writeStrings("/ids", ["a", "b"], options: HDF5WriteOptions())
            try f.writeFloat32("/ecg", Tensor(zeros: [2, 12]), options: HDF5WriteOptions())
        }
        assertReadFails(url, .wrongShape(file: url.path, field: "/ecg", expected: "[N, 12, L]", got: [2, 12]))
    }

    func testRowMismatchBetweenFields() throws {
        let url = try craft("rows.h5") { f in
            try baseAttributes(f)
            try f.writeStrings("/ids", ["a", "b", "c"], options: HDF5WriteOptions())
            try f.writeFloat32("/ecg", Tensor(zeros: [4, 12, 10]), options: HDF5WriteOptions())
        }
        assertReadFails(url, .rowMismatch(file: url.path, field: "/ecg", expected: 3, got: 4))
    }

    func testMissingIDs() throws {
        let url = try craft("noids.h5") { f in
            try baseAttributes(f)
            try f.writeFloat32("/xray", Tensor(zeros: [2, 4, 4]), options: HDF5WriteOptions())
        }
        assertReadFails(url, .missingField(file: url.path, field: "/ids"))
    }

    func testValidatorListsEveryProblem() throws {
        let url = try craft("many.h5") { f in
            try f.setAttribute(on: "/", "split", ["train"], list: false)                  // no schema_version
            try f.writeStrings("/ids", ["a", "b", "c"], options: HDF5WriteOptions())
            try f.writeInt32("/xray", shape: [3, 2, 2], values: Array(repeating: 0, count: 12))
            try f.writeFloat32("/ecg", Tensor(zeros: [2, 12, 10]), options: HDF5WriteOptions())
            try f.writeFloat32("/ecg_raw", Tensor(zeros: [3, 6, 10]), options: HDF5WriteOptions())
            try f.writeStrings("/report_ecg", ["x"], options: HDF5WriteOptions())
            try f.createGroup("/labels")
            try f.writeFloat32("/labels/chexpert", Tensor(zeros: [3, 4]), options: HDF5WriteOptions())  // no columns
            try f.writeFloat32("/labels/super", Tensor(zeros: [3, 2]), options: HDF5WriteOptions())
            try f.setAttribute(on: "/labels/super", "columns", ["NORM"], list: true)                    // 1 name for 2
        }
        let report = try validateDataset(url)
        XCTAssertFalse(report.isValid)
        XCTAssertEqual(report.n, 3)
        let p = url.path
        let expected: [DataError] = [
            .wrongType(file: p, field: "/xray", expected: "float32", got: "int32"),
            .rowMismatch(file: p, field: "/ecg", expected: 3, got: 2),
            .wrongShape(file: p, field: "/ecg_raw", expected: "[N, 12, L]", got: [3, 6, 10]),
            .rowMismatch(file: p, field: "/report_ecg", expected: 3, got: 1),
            .missingField(file: p, field: "/labels/chexpert attribute columns"),
            .malformed(file: p, field: "/labels/super", reason: "has 2 columns but attribute columns lists 1 names"),
            .missingField(file: p, field: "attribute schema_version"),
        ]
        for e in expected { XCTAssertTrue(report.problems.contains(e), "missing problem \(e)\nreport:\n\(report.text)") }
        XCTAssertEqual(report.problems.count, expected.count, report.text)
        XCTAssertTrue(report.text.contains("INVALID"))
        XCTAssertTrue(report.text.contains("/ecg_raw: expected shape [N, 12, L], found [3, 6, 10]"), report.text)
    }

    func testValidatorFindsBadValuesAndDuplicateIDs() throws {
        var split = sampleSplit(n: 6)
        split.ids[4] = split.ids[1]
        split.ecg!.pointer[12 * 20 * 3 + 5] = .nan
        split.xray!.pointer[0] = 1.5
        let url = dir.appendingPathComponent("values.h5")
        try writeHDF5(split, to: url)
        let report = try validateDataset(url)
        let fields = report.problems.map(\.field)
        XCTAssertEqual(fields, ["/ecg", "/xray", "/ids"], report.text)
        XCTAssertEqual(report.stats["/ecg"]?.nonFinite, 1)
        XCTAssertEqual(report.stats["/ecg"]?.firstNonFiniteRow, 3)
        XCTAssertTrue(report.problems[2].description.contains("rows 1 and 4"), report.problems[2].description)
        XCTAssertTrue(try validateDataset(url, checkValues: false).isValid, "structure alone is fine")
    }

    func testValidatorChecksClassIndexLabels() throws {
        var split = sampleSplit(n: 4)
        split.labels = ["grade": Tensor(shape: [4], values: [0, 3, -1, 2]), "bad": Tensor(shape: [4], values: [0, 1, 2.5, 4])]
        split.labelNames = ["grade": ["none", "mild", "moderate", "severe"], "bad": ["a", "b", "c"]]
        let url = dir.appendingPathComponent("classes.h5")
        try writeHDF5(split, to: url)
        let report = try validateDataset(url)
        XCTAssertEqual(report.problems, [.malformed(file: url.path, field: "/labels/bad",
            reason: "a class-index label over 3 classes must hold integers in −1…2, found min 0.0 max 4.0, 1 non-integers")])
        XCTAssertEqual(try readHDF5(url).labelNames["grade"], ["none", "mild", "moderate", "severe"])
    }

    func testValidatorChecksLabelValues() throws {
        var split = sampleSplit(n: 4)
        // A multi-column set holds −1/0/1; a class-index set may name its classes in the root
        // attribute classes_<set> (the synthetic cohort's form) instead of its columns.
        split.labels["chexpert"]!.pointer[4] = 2
        split.labels["rhythm"] = Tensor(shape: [4], values: [0, 1, 2, 1])
        split.labelNames["rhythm"] = ["rhythm"]
        split.attributes["classes_rhythm"] = "sinus,AF"
        let url = dir.appendingPathComponent("label-values.h5")
        try writeHDF5(split, to: url)
        let report = try validateDataset(url)
        XCTAssertEqual(report.problems, [
            .malformed(file: url.path, field: "/labels/chexpert",
                       reason: "a multi-column label set must hold −1 (uncertain), 0 or 1, found min -1.0 max 2.0, 0 non-integers"),
            .malformed(file: url.path, field: "/labels/rhythm",
                       reason: "a class-index label over 2 classes must hold integers in −1…1, found min 0.0 max 2.0, 0 non-integers"),
        ], report.text)
    }

    /// Box label sets (columns x0, y0, x1, y1) are held to the box rule, not to −1/0/1: valid and
    /// absent boxes pass, the first bad row is named with the count of bad rows.
    func testValidatorChecksBoxLabels() throws {
        var split = sampleSplit(n: 4)
        split.labels["regions_heart"] = Tensor(shape: [4, 4], values: [0.27, 0.4, 0.84, 0.9, -1, -1, -1, -1,
                                                                       0.1, 0.2, 0.3, 0.4, 0.5, 0.5, 0.5, 0.5])
        split.labels["regions_bad"] = Tensor(shape: [4, 4], values: [0.2, 0.2, 0.3, 0.3, 0.6, 0.1, 0.2, 0.3,
                                                                     -1, 0.1, 0.2, 0.3, 0.1, 0.2, 0.3, 0.4])
        split.labelNames["regions_heart"] = BoxLabels.columns
        split.labelNames["regions_bad"] = BoxLabels.columns
        let url = dir.appendingPathComponent("boxes.h5")
        try writeHDF5(split, to: url)
        let report = try validateDataset(url)
        XCTAssertEqual(report.problems, [.malformed(file: url.path, field: "/labels/regions_bad",
            reason: "a box label set (columns x0, y0, x1, y1) holds boxes in [0, 1] with x0 ≤ x1 and y0 ≤ y1, "
                + "or −1 in all four columns when absent; row 1: x0 0.6 > x1 0.2 (2 invalid rows in all)")], report.text)
    }

    /// The reader refuses NaN and ±Inf in whatever it reads (they would otherwise surface far from
    /// their source, if at all), naming the dataset and the file's row; rows without one still read.
    func testReaderRefusesNonFiniteValues() throws {
        let split = sampleSplit(n: 6)
        split.ecg!.pointer[12 * 20 * 3 + 5] = .nan
        split.labels["chexpert"]!.pointer[3 * 5 + 1] = .infinity
        let url = dir.appendingPathComponent("nonfinite.h5")
        try writeHDF5(split, to: url)
        let reader = try HDF5BatchReader(url: url)
        XCTAssertNoThrow(try reader.read(rows: 0..<3))
        XCTAssertThrowsError(try reader.read(rows: 2..<5, fields: [DatasetSchema.ecg])) { error in
            guard case .malformed(let f, let field, let reason)? = error as? DataError else { return XCTFail("\(error)") }
            XCTAssertEqual(f, url.path); XCTAssertEqual(field, "/ecg")
            XCTAssertTrue(reason.hasPrefix("non-finite value (NaN or ±Inf) in row 3 "), reason)
        }
        XCTAssertThrowsError(try reader.read(indices: [0, 5], fields: [DatasetSchema.labels])) { error in
            XCTAssertEqual((error as? DataError)?.field, "/labels/chexpert", "\(error)")
            XCTAssertTrue("\(error)".contains("in row 5 "), "\(error)")
        }
        XCTAssertThrowsError(try readHDF5(url)) { XCTAssertTrue("\($0)".contains(url.path), "\($0)") }
    }

    /// An X-ray value outside [0, 1], which `more data check` reports, is refused by the reader
    /// too (so `more embed` and pre-training do not use the file), naming the row.
    func testReaderRefusesXraysOutsideTheUnitRange() throws {
        let split = sampleSplit(n: 6)
        let perRow = split.xray!.count / 6
        split.xray!.pointer[4 * perRow + 7] = 7
        let url = dir.appendingPathComponent("xray-range.h5")
        try writeHDF5(split, to: url)
        let reader = try HDF5BatchReader(url: url)
        XCTAssertNoThrow(try reader.read(rows: 0..<4))
        XCTAssertThrowsError(try reader.read(rows: 2..<6, fields: [DatasetSchema.xray])) { error in
            guard case .malformed(let f, let field, let reason)? = error as? DataError else { return XCTFail("\(error)") }
            XCTAssertEqual(f, url.path); XCTAssertEqual(field, "/xray")
            XCTAssertTrue(reason.hasPrefix("value 7.0 outside [0, 1] in row 4 "), reason)
        }
        XCTAssertFalse(try validateDataset(url).isValid)
    }

    func testValidFileReport() throws {
        let url = dir.appendingPathComponent("ok.h5")
        try writeHDF5(sampleSplit(n: 5), to: url)
        let report = try validateDataset(url)
        XCTAssertTrue(report.isValid, report.text)
        XCTAssertEqual(report.n, 5)
        XCTAssertEqual(report.fields.map(\.name), ["/ecg", "/ecg_raw", "/ids", "/labels/chexpert", "/labels/edema_severity",
                                                   "/report_ecg", "/report_xray", "/xray"])
        XCTAssertEqual(report.warnings, ["root attribute generator_version is missing", "root attribute preprocessing is missing"])
        XCTAssertTrue(report.text.contains("columns: Atelectasis, Cardiomegaly, Edema"), report.text)
        XCTAssertLessThanOrEqual(report.stats["/xray"]!.max, 1)
    }
}
