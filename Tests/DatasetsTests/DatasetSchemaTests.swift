// Tests for DatasetSchema: the rules on field descriptions and on in-memory splits (the same
// rules the HDF5 validator applies to files).

import XCTest
import TensorCore
import TestSupport
@testable import Datasets

final class DatasetSchemaTests: XCTestCase {
    let file = "split.h5"

    func fields(_ extra: [FieldInfo] = [], n: Int = 4) -> [FieldInfo] {
        [FieldInfo(name: "/ids", type: .string, shape: [n])] + extra
    }

    let attributes = ["schema_version": DatasetSchema.version, "split": "train", "source": "s", "generator": "g",
                      "generator_version": "1", "seed": "0", "preprocessing": "none"]

    func testMinimalFileIsValid() {
        let check = DatasetSchema.check(fields: fields(), attributes: attributes, file: file)
        XCTAssertEqual(check.n, 4)
        XCTAssertEqual(check.problems, [])
        XCTAssertEqual(check.warnings, [])
    }

    func testEachRuleNamesTheField() {
        let bad: [(FieldInfo, DataError)] = [
            (FieldInfo(name: "/xray", type: .other("float64"), shape: [4, 8, 8]),
             .wrongType(file: file, field: "/xray", expected: "float32", got: "float64")),
            (FieldInfo(name: "/xray", type: .float32, shape: [4, 8, 0]),
             .wrongShape(file: file, field: "/xray", expected: "[N, H, W]", got: [4, 8, 0])),
            (FieldInfo(name: "/ecg", type: .float32, shape: [4, 6, 1000]),
             .wrongShape(file: file, field: "/ecg", expected: "[N, 12, L]", got: [4, 6, 1000])),
            (FieldInfo(name: "/ecg_raw", type: .float32, shape: [5, 12, 5000]),
             .rowMismatch(file: file, field: "/ecg_raw", expected: 4, got: 5)),
            (FieldInfo(name: "/report_xray", type: .float32, shape: [4]),
             .wrongType(file: file, field: "/report_xray", expected: "string", got: "float32")),
            (FieldInfo(name: "/labels/x", type: .float32, shape: [4, 2, 2], columns: ["a", "b"]),
             .wrongShape(file: file, field: "/labels/x", expected: "[N] or [N, C]", got: [4, 2, 2])),
            (FieldInfo(name: "/labels/x", type: .other("int64"), shape: [4], columns: ["x"]),
             .wrongType(file: file, field: "/labels/x", expected: "float32", got: "int64")),
            (FieldInfo(name: "/labels/x", type: .float32, shape: [4, 3], columns: ["a", "b"]),
             .malformed(file: file, field: "/labels/x", reason: "has 3 columns but attribute columns lists 2 names")),
            (FieldInfo(name: "/labels/x", type: .float32, shape: [4], columns: []),
             .malformed(file: file, field: "/labels/x", reason: "attribute columns is empty")),
        ]
        for (field, expected) in bad {
            let check = DatasetSchema.check(fields: fields([field]), attributes: attributes, file: file)
            XCTAssertEqual(check.problems, [expected], "\(field)")
        }
    }

    func testClassIndexLabelNamesItsClasses() {
        let grades = FieldInfo(name: "/labels/edema_severity", type: .float32, shape: [4],
                               columns: ["none", "mild", "moderate", "severe"])
        XCTAssertEqual(DatasetSchema.check(fields: fields([grades]), attributes: attributes, file: file).problems, [])
    }

    func testAttributesAndUnexpectedDatasets() {
        var attrs = attributes
        attrs["schema_version"] = "99"
        attrs["split"] = nil
        attrs["seed"] = nil
        let check = DatasetSchema.check(fields: fields([FieldInfo(name: "/extra", type: .float32, shape: [4])]),
                                        attributes: attrs, file: file)
        XCTAssertEqual(check.problems, [
            .missingField(file: file, field: "attribute split"),
            .malformed(file: file, field: "attribute schema_version", reason: "version 99 is not supported (this build reads 1)"),
        ])
        XCTAssertEqual(check.warnings, ["unexpected dataset /extra (ignored by the reader)", "root attribute seed is missing"])
    }

    func testInMemorySplit() {
        var split = sampleSplit(n: 5)
        XCTAssertEqual(split.schemaCheck(file: file).problems, [])
        XCTAssertEqual(split.fileAttributes["split"], "train")
        XCTAssertEqual(split.schemaFields.first { $0.name == "/labels/edema_severity" }?.columns, ["edema_severity"])

        split.labels["bad/name"] = Tensor(zeros: [5])
        split.labels["multi"] = Tensor(zeros: [5, 2])            // rank 2 without column names
        split.reportECG = ["only one"]
        split.labelNames["orphan"] = ["a"]
        let check = split.schemaCheck(file: file)
        XCTAssertEqual(check.problems, [
            .rowMismatch(file: file, field: "/report_ecg", expected: 5, got: 1),
            .missingField(file: file, field: "/labels/multi attribute columns"),
            .malformed(file: file, field: "/labels/bad/name", reason: "a label-set name must be non-empty and contain no '/'"),
        ])
        XCTAssertTrue(check.warnings.contains("labelNames[orphan] has no label tensor (not written)"))
    }

    func testMessagesNameFileAndField() {
        let e = DataError.wrongShape(file: "/data/train.h5", field: "/ecg", expected: "[N, 12, L]", got: [3, 6, 10])
        XCTAssertEqual(e.description, "/data/train.h5: /ecg: expected shape [N, 12, L], found [3, 6, 10]")
        XCTAssertEqual(e.localizedDescription, e.description)
        XCTAssertEqual(e.file, "/data/train.h5"); XCTAssertEqual(e.field, "/ecg")
        XCTAssertNil(DataError.missingFile("x").field)
    }
}
