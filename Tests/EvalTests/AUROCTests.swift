// AUROCTests — the rank-formula AUROC against scikit-learn's goldens, a brute-force pair count,
// the tie and single-class policies, and input errors.

import XCTest
import TestSupport
@testable import Eval
import TensorCore

final class AUROCTests: XCTestCase {
    func testMatchesSklearnGoldens() throws {
        let g = try MetricsGolden.load()
        for c in g.binary {
            XCTAssertEqual(try auroc(labels: c.labels, scores: c.scores), c.value("roc_auc"), accuracy: 1e-12, c.name)
        }
    }

    /// Pair count with ½ for ties, O(n²): the definition.
    private func pairCount(_ y: [Int], _ s: [Double]) -> Double {
        var u = 0.0, pairs = 0.0
        for i in y.indices where y[i] == 1 {
            for j in y.indices where y[j] == 0 {
                pairs += 1
                u += s[i] > s[j] ? 1 : (s[i] == s[j] ? 0.5 : 0)
            }
        }
        return u / pairs
    }

    func testEqualsPairCountOnRandomInputWithManyTies() throws {
        var rng = RNG(seed: 11, stream: 1)
        for trial in 0..<20 {
            let n = 5 + rng.int(below: 60)
            var y = (0..<n).map { _ in rng.int(below: 2) }
            y[0] = 0; y[1] = 1
            let s = (0..<n).map { _ in Double(rng.int(below: 6)) / 5 }   // heavy ties
            XCTAssertEqual(try auroc(labels: y, scores: s), pairCount(y, s), accuracy: 1e-14, "trial \(trial)")
        }
    }

    func testAllEqualScoresGiveOneHalf() throws {
        XCTAssertEqual(try auroc(labels: [1, 0, 0, 1, 0], scores: [3, 3, 3, 3, 3]), 0.5)
    }

    func testPerfectAndReversedRanking() throws {
        XCTAssertEqual(try auroc(labels: [0, 0, 1, 1], scores: [0.1, 0.2, 0.3, 0.4]), 1)
        XCTAssertEqual(try auroc(labels: [0, 0, 1, 1], scores: [0.4, 0.3, 0.2, 0.1]), 0)
    }

    func testSingleClassIsNaNNotAnError() throws {
        XCTAssertTrue(try auroc(labels: [1, 1, 1], scores: [0.2, 0.5, 0.9]).isNaN)
        XCTAssertTrue(try auroc(labels: [0, 0], scores: [0.2, 0.5]).isNaN)
    }

    func testOneVsRestMacroSkipsAbsentClass() throws {
        // Class 2 never occurs: its AUROC is NaN and the macro mean is over classes 0 and 1.
        let labels = [0, 1, 0, 1]
        let scores: [[Double]] = [[0.9, 0.1, 0.0], [0.2, 0.8, 0.0], [0.6, 0.3, 0.1], [0.4, 0.5, 0.1]]
        let r = try aurocOneVsRest(labels: labels, scores: scores)
        XCTAssertEqual(r.perClass[0], 1)
        XCTAssertEqual(r.perClass[1], 1)
        XCTAssertTrue(r.perClass[2].isNaN)
        XCTAssertEqual(r.macro, 1)
    }

    func testBadInputThrowsNamedErrors() {
        XCTAssertThrowsError(try auroc(labels: [], scores: [])) {
            XCTAssertEqual($0 as? MetricError, .empty(metric: "auroc", field: "labels"))
        }
        XCTAssertThrowsError(try auroc(labels: [0, 1], scores: [0.5])) {
            XCTAssertEqual($0 as? MetricError, .lengthMismatch(metric: "auroc", field: "scores", expected: 2, got: 1))
        }
        XCTAssertThrowsError(try auroc(labels: [0, 2], scores: [0.5, 0.1])) {
            XCTAssertEqual($0 as? MetricError, .invalidLabel(metric: "auroc", index: 1, value: 2))
        }
        XCTAssertThrowsError(try auroc(labels: [0, 1], scores: [.nan, 0.1])) {
            XCTAssertEqual($0 as? MetricError, .nonFiniteScore(metric: "auroc", index: 0))
            XCTAssertTrue("\($0)".contains("auroc"))
        }
    }
}
