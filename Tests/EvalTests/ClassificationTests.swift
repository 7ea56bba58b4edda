// ClassificationTests — F1 and accuracy at 0.5 against sklearn, zero_division = 0, and the
// multiclass confusion matrix with macro/micro F1.

import XCTest
import TestSupport
@testable import Eval

final class ClassificationTests: XCTestCase {
    func testF1AndAccuracyMatchSklearn() throws {
        let g = try MetricsGolden.load()
        for c in g.binary {
            XCTAssertEqual(try f1Score(labels: c.labels, scores: c.scores), c.value("f1_at_0_5"), accuracy: 1e-12, c.name)
            XCTAssertEqual(try accuracy(labels: c.labels, scores: c.scores), c.value("accuracy_at_0_5"), accuracy: 1e-12, c.name)
        }
    }

    func testThresholdIsInclusive() throws {
        let b = try BinaryCounts(labels: [1, 0], scores: [0.5, 0.4999])
        XCTAssertEqual(b.truePositives, 1)
        XCTAssertEqual(b.trueNegatives, 1)
    }

    func testZeroDivisionGivesZero() throws {
        // Nothing predicted positive and no positive label: precision, recall, F1 all 0/0 → 0.
        let b = try BinaryCounts(labels: [0, 0], scores: [0.1, 0.2])
        XCTAssertEqual(b.precision, 0)
        XCTAssertEqual(b.recall, 0)
        XCTAssertEqual(b.f1, 0)
        XCTAssertEqual(b.accuracy, 1)
    }

    func testConfusionMatrixMacroMicro() throws {
        // sklearn: f1_score([0,1,2,2,1,0,3], [0,2,2,2,1,1,3], average='macro') = 0.7416666…
        let y = [0, 1, 2, 2, 1, 0, 3], p = [0, 2, 2, 2, 1, 1, 3]
        let m = try ConfusionMatrix(labels: y, predictions: p, classes: 4)
        XCTAssertEqual(m.counts[1], [0, 1, 1, 0])
        XCTAssertEqual(m.accuracy, 5.0 / 7.0, accuracy: 1e-15)
        assertAllClose(m.perClassF1, [2.0 / 3.0, 0.5, 0.8, 1.0], tol: 1e-15, "per-class F1")
        XCTAssertEqual(m.macroF1, (2.0 / 3.0 + 0.5 + 0.8 + 1.0) / 4, accuracy: 1e-15)
        XCTAssertEqual(m.microF1, m.accuracy, accuracy: 1e-15)
    }

    func testArgmaxTakesFirstMaximum() throws {
        let m = try ConfusionMatrix(labels: [0, 1], scores: [[0.5, 0.5], [0.2, 0.7]])
        XCTAssertEqual(m.counts, [[1, 0], [0, 1]])
    }

    func testBadInputThrows() {
        XCTAssertThrowsError(try ConfusionMatrix(labels: [0, 4], predictions: [0, 1], classes: 4)) {
            XCTAssertEqual($0 as? MetricError, .invalidLabel(metric: "ConfusionMatrix", index: 1, value: 4))
        }
        XCTAssertThrowsError(try f1Score(labels: [], scores: []))
    }
}
