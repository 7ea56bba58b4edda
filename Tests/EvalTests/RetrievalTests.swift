// RetrievalTests — Recall@K in both directions against the goldens (exact), and class-level
// precision@K on hand-checked cases.

import XCTest
import TestSupport
@testable import Eval

final class RetrievalTests: XCTestCase {
    func testRanksAndRecallMatchGoldensExactly() throws {
        let g = try MetricsGolden.load()
        for axis in QueryAxis.allCases {
            let e = g.retrievalExpected[axis == .rows ? "query_rows" : "query_columns"]!
            let ranks = try ranksOfTrueMatch(similarity: g.similarity, queries: axis)
            XCTAssertEqual(ranks, (e["rank_of_true_match_0based"] as! [NSNumber]).map(\.intValue), "\(axis)")
            XCTAssertEqual(try recallAtK(similarity: g.similarity, k: 1, queries: axis), (e["recall_at_1"] as! NSNumber).doubleValue)
            XCTAssertEqual(try recallAtK(similarity: g.similarity, k: 5, queries: axis), (e["recall_at_5"] as! NSNumber).doubleValue)
        }
    }

    func testTiesDoNotPushTheMatchDown() throws {
        let s: [[Double]] = [[0.5, 0.5], [0.9, 0.1]]
        XCTAssertEqual(try ranksOfTrueMatch(similarity: s, queries: .rows), [0, 1])
        XCTAssertEqual(try recallAtK(similarity: s, k: 2), 1)
    }

    func testClassPrecisionAtK() throws {
        // Two queries over five candidates of classes [0, 1, 0, 1, 0].
        let s: [[Double]] = [[0.9, 0.8, 0.7, 0.1, 0.2],   // top 3: c0 (0), c1 (1), c2 (0) → 2/3
                             [0.1, 0.5, 0.5, 0.9, 0.0]]   // top 3: c3 (1), c1 (1, tie → lower index), c2 → 2/3
        let p3 = try precisionAtK(similarity: s, k: 3, queryClasses: [0, 1], candidateClasses: [0, 1, 0, 1, 0])
        XCTAssertEqual(p3, 2.0 / 3.0, accuracy: 1e-15)
        let p1 = try precisionAtK(similarity: s, k: 1, queryClasses: [0, 1], candidateClasses: [0, 1, 0, 1, 0])
        XCTAssertEqual(p1, 1)
    }

    func testMultiLabelPrecisionCountsSharedPositive() throws {
        let s: [[Double]] = [[0.9, 0.8, 0.1]]
        let p = try precisionAtK(similarity: s, k: 2, queryLabels: [[1, 0, 1]], candidateLabels: [[0, 0, 1], [0, 1, 0], [1, 0, 0]])
        XCTAssertEqual(p, 0.5)
    }

    func testBadInputThrows() {
        XCTAssertThrowsError(try recallAtK(similarity: [[1, 2], [3]], k: 1))
        XCTAssertThrowsError(try recallAtK(similarity: [[1, 0], [0, 1]], k: 0))
        XCTAssertThrowsError(try recallAtK(similarity: [], k: 1))
        XCTAssertThrowsError(try precisionAtK(similarity: [[1, 2]], k: 3, queryClasses: [0], candidateClasses: [0, 1]))
    }
}
