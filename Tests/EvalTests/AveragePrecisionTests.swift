// AveragePrecisionTests — sklearn's step-sum AP against the goldens and a direct per-positive
// formula, plus the no-positive policy.

import XCTest
import TestSupport
@testable import Eval
import TensorCore

final class AveragePrecisionTests: XCTestCase {
    func testMatchesSklearnGoldens() throws {
        let g = try MetricsGolden.load()
        for c in g.binary {
            XCTAssertEqual(try averagePrecision(labels: c.labels, scores: c.scores),
                           c.value("average_precision"), accuracy: 1e-12, c.name)
        }
    }

    /// Without ties, AP = mean over positives of the precision at that positive's rank.
    func testEqualsPerPositivePrecisionWithoutTies() throws {
        var rng = RNG(seed: 3, stream: 2)
        for _ in 0..<10 {
            let n = 30
            var y = (0..<n).map { _ in rng.int(below: 2) }
            y[0] = 1
            let s = (0..<n).map { _ in rng.uniformDouble() }
            let order = s.indices.sorted { s[$0] > s[$1] }
            var hits = 0, sum = 0.0
            for (r, i) in order.enumerated() where y[i] == 1 { hits += 1; sum += Double(hits) / Double(r + 1) }
            XCTAssertEqual(try averagePrecision(labels: y, scores: s), sum / Double(hits), accuracy: 1e-14)
        }
    }

    func testAllEqualScoresGivePrevalence() throws {
        XCTAssertEqual(try averagePrecision(labels: [1, 0, 0, 0], scores: [0.2, 0.2, 0.2, 0.2]), 0.25)
    }

    func testNoPositiveIsNaNAndNoNegativeIsOne() throws {
        XCTAssertTrue(try averagePrecision(labels: [0, 0, 0], scores: [0.1, 0.2, 0.3]).isNaN)
        XCTAssertEqual(try averagePrecision(labels: [1, 1], scores: [0.1, 0.2]), 1)
    }

    func testEmptyInputThrows() {
        XCTAssertThrowsError(try averagePrecision(labels: [], scores: []))
    }
}
