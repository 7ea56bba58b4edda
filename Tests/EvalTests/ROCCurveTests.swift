// ROCCurveTests — ROC and PR curve points against sklearn's roc_curve(drop_intermediate=False)
// and precision_recall_curve, and the single-class error.

import XCTest
import TestSupport
@testable import Eval

final class ROCCurveTests: XCTestCase {
    func testROCPointsMatchSklearn() throws {
        let g = try MetricsGolden.load()
        for c in g.binary {
            let roc = try ROCCurve(labels: c.labels, scores: c.scores)
            assertAllClose(roc.fpr, c.array("roc_curve_fpr"), tol: 1e-12, "\(c.name) fpr")
            assertAllClose(roc.tpr, c.array("roc_curve_tpr"), tol: 1e-12, "\(c.name) tpr")
            XCTAssertEqual(roc.thresholds.count, roc.fpr.count)
            XCTAssertEqual(roc.thresholds.first, .infinity)
        }
    }

    func testPRPointsMatchSklearn() throws {
        let g = try MetricsGolden.load()
        for c in g.binary {
            let pr = try PrecisionRecallCurve(labels: c.labels, scores: c.scores)
            assertAllClose(pr.precision, c.array("pr_curve_precision"), tol: 1e-12, "\(c.name) precision")
            assertAllClose(pr.recall, c.array("pr_curve_recall"), tol: 1e-12, "\(c.name) recall")
            XCTAssertEqual(pr.thresholds.count + 1, pr.precision.count)
        }
    }

    /// The trapezoidal area under the ROC points equals the rank AUROC (ties ½).
    func testTrapezoidAreaEqualsAUROC() throws {
        let g = try MetricsGolden.load()
        for c in g.binary {
            let roc = try ROCCurve(labels: c.labels, scores: c.scores)
            var area = 0.0
            for k in 1..<roc.fpr.count { area += (roc.fpr[k] - roc.fpr[k - 1]) * (roc.tpr[k] + roc.tpr[k - 1]) / 2 }
            XCTAssertEqual(area, try auroc(labels: c.labels, scores: c.scores), accuracy: 1e-12, c.name)
        }
    }

    func testMicroCurvePoolsCells() throws {
        let roc = try ROCCurve.micro(labels: [[1, 0], [0, 1]], scores: [[0.9, 0.1], [0.2, 0.8]])
        XCTAssertEqual(roc.fpr, [0, 0, 0, 0.5, 1])
        XCTAssertEqual(roc.tpr, [0, 0.5, 1, 1, 1])
    }

    func testSingleClassThrows() {
        XCTAssertThrowsError(try ROCCurve(labels: [1, 1], scores: [0.1, 0.2])) {
            XCTAssertTrue("\($0)".contains("only one class"))
        }
        XCTAssertThrowsError(try PrecisionRecallCurve(labels: [0, 0], scores: [0.1, 0.2]))
    }
}
