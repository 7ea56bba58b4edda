// MultiLabelTests — every multi-label field of metrics.json, and the single-class policy.

import XCTest
import TestSupport
@testable import Eval

final class MultiLabelTests: XCTestCase {
    func testEveryFieldMatchesSklearn() throws {
        let g = try MetricsGolden.load()
        let m = try MultiLabelMetrics(labels: g.multiLabels, scores: g.multiScores)
        XCTAssertEqual(m.aurocMacro, g.multi("roc_auc_macro"), accuracy: 1e-12)
        XCTAssertEqual(m.aurocMicro, g.multi("roc_auc_micro"), accuracy: 1e-12)
        assertAllClose(m.aurocPerClass, g.multiArray("roc_auc_per_class"), tol: 1e-12, "AUROC per class")
        XCTAssertEqual(m.averagePrecisionMacro, g.multi("average_precision_macro"), accuracy: 1e-12)
        XCTAssertEqual(m.averagePrecisionMicro, g.multi("average_precision_micro"), accuracy: 1e-12)
        assertAllClose(m.averagePrecisionPerClass, g.multiArray("average_precision_per_class"), tol: 1e-12, "AP per class")
        XCTAssertEqual(m.f1Macro, g.multi("f1_at_0_5_macro"), accuracy: 1e-12)
        XCTAssertEqual(m.f1Micro, g.multi("f1_at_0_5_micro"), accuracy: 1e-12)
        assertAllClose(m.f1PerClass, g.multiArray("f1_at_0_5_per_class"), tol: 1e-12, "F1 per class")
        XCTAssertEqual(m.subsetAccuracy, g.multi("subset_accuracy_at_0_5"), accuracy: 1e-12)
        XCTAssertEqual(m.labelAccuracy, g.multi("label_accuracy_at_0_5"), accuracy: 1e-12)
        XCTAssertEqual(m.undefinedAUROCClasses, [])
    }

    func testSingleClassColumnIsExcludedFromMacroAndFlagged() throws {
        let g = try MetricsGolden.load()
        // Append a fourth class that is negative for every sample.
        let labels = g.multiLabels.map { $0 + [0] }
        let scores = g.multiScores.enumerated().map { $0.element + [Double($0.offset) / 20] }
        let m = try MultiLabelMetrics(labels: labels, scores: scores)
        XCTAssertEqual(m.undefinedAUROCClasses, [3])
        XCTAssertEqual(m.undefinedAPClasses, [3])
        XCTAssertTrue(m.aurocPerClass[3].isNaN)
        XCTAssertEqual(m.aurocMacro, g.multi("roc_auc_macro"), accuracy: 1e-12)
        XCTAssertEqual(m.averagePrecisionMacro, g.multi("average_precision_macro"), accuracy: 1e-12)
        XCTAssertFalse(m.aurocMicro.isNaN)
        XCTAssertEqual(m.f1PerClass[3], 0)   // zero_division = 0: F1 stays defined
    }

    func testRaggedOrInvalidInputThrows() {
        XCTAssertThrowsError(try MultiLabelMetrics(labels: [[1, 0], [0]], scores: [[0.1, 0.2], [0.3, 0.4]])) {
            XCTAssertEqual($0 as? MetricError, .lengthMismatch(metric: "MultiLabelMetrics", field: "labels[1]", expected: 2, got: 1))
        }
        XCTAssertThrowsError(try MultiLabelMetrics(labels: [[1, 0], [0, 3]], scores: [[0.1, 0.2], [0.3, 0.4]])) {
            XCTAssertEqual($0 as? MetricError, .invalidLabel(metric: "MultiLabelMetrics (class 1)", index: 1, value: 3))
        }
        XCTAssertThrowsError(try MultiLabelMetrics(labels: [], scores: []))
    }
}
