// RetrievalTests — Recall@K in both directions against the goldens (exact), ties shared in
// expectation (a collapsed encoder scores chance), and class-level precision@K on
// hand-checked cases.

import XCTest
import TestSupport
@testable import Eval

final class RetrievalTests: XCTestCase {
    func testRanksAndRecallMatchGoldensExactly() throws {
        let g = try MetricsGolden.load()
        for axis in QueryAxis.allCases {
            let e = g.retrievalExpected[axis == .rows ? "query_rows" : "query_columns"]!
            let ranks = try ranksOfTrueMatch(similarity: g.similarity, queries: axis)
            XCTAssertEqual(ranks.map(\.higher), (e["rank_of_true_match_0based"] as! [NSNumber]).map(\.intValue), "\(axis)")
            XCTAssertEqual(ranks.map(\.tied), [Int](repeating: 0, count: ranks.count), "the fixture has no ties")
            XCTAssertEqual(try recallAtK(similarity: g.similarity, k: 1, queries: axis), (e["recall_at_1"] as! NSNumber).doubleValue)
            XCTAssertEqual(try recallAtK(similarity: g.similarity, k: 5, queries: axis), (e["recall_at_5"] as! NSNumber).doubleValue)
        }
    }

    func testTiedCandidatesShareThePlaces() throws {
        // Query 0 ties with candidate 1: its match is first with probability ½.
        let s: [[Double]] = [[0.5, 0.5], [0.9, 0.1]]
        XCTAssertEqual(try ranksOfTrueMatch(similarity: s, queries: .rows), [MatchRank(higher: 0, tied: 1), MatchRank(higher: 1, tied: 0)])
        XCTAssertEqual(try recallAtK(similarity: s, k: 1), 0.25)
        XCTAssertEqual(try recallAtK(similarity: s, k: 2), 1)
        // Columns: candidate 0 is scored 0.5 by query 0 and 0.9 by query 1 → pushed down;
        // candidate 1 is scored 0.5 by query 0 and 0.1 by query 1 → pushed down too.
        XCTAssertEqual(try ranksOfTrueMatch(similarity: s, queries: .columns), [MatchRank(higher: 1), MatchRank(higher: 1)])
        XCTAssertEqual(MatchRank(higher: 2, tied: 3).recallCredit(k: 2), 0)
        XCTAssertEqual(MatchRank(higher: 2, tied: 3).recallCredit(k: 3), 0.25)
        XCTAssertEqual(MatchRank(higher: 2, tied: 3).recallCredit(k: 5), 0.75)
        XCTAssertEqual(MatchRank(higher: 2, tied: 3).recallCredit(k: 6), 1)
    }

    func testCollapsedEmbeddingsScoreChance() throws {
        // Every similarity equal (an encoder that maps every input to one point): Recall@K must
        // be the chance level K/N, not 1, and precision@K the share of relevant candidates.
        let n = 10
        let s = [[Double]](repeating: [Double](repeating: 0.3, count: n), count: n)
        for k in [1, 5, 10] {
            XCTAssertEqual(try recallAtK(similarity: s, k: k), Double(k) / Double(n), accuracy: 1e-15)
            XCTAssertEqual(try recallAtK(similarity: s, k: k, queries: .columns), Double(k) / Double(n), accuracy: 1e-15)
        }
        let classes = (0..<n).map { $0 < 3 ? 1 : 0 }          // 3 of 10 in class 1
        let p = try precisionAtK(similarity: s, k: 4, queryClasses: classes, candidateClasses: classes)
        XCTAssertEqual(p, (3.0 * 0.3 + 7.0 * 0.7) / 10, accuracy: 1e-15)
    }

    func testClassPrecisionAtK() throws {
        // Two queries over five candidates of classes [0, 1, 0, 1, 0].
        let s: [[Double]] = [[0.9, 0.8, 0.7, 0.1, 0.2],   // top 3: c0 (0), c1 (1), c2 (0) → 2/3
                             [0.1, 0.5, 0.5, 0.9, 0.0]]   // top 3: c3 (1), then the tied c1 (1), c2 (0) → 2/3
        let p3 = try precisionAtK(similarity: s, k: 3, queryClasses: [0, 1], candidateClasses: [0, 1, 0, 1, 0])
        XCTAssertEqual(p3, 2.0 / 3.0, accuracy: 1e-15)
        let p1 = try precisionAtK(similarity: s, k: 1, queryClasses: [0, 1], candidateClasses: [0, 1, 0, 1, 0])
        XCTAssertEqual(p1, 1)
        // k = 2: query 1's second place is a tie between c1 (relevant) and c2 (not) → ½ expected.
        let p2 = try precisionAtK(similarity: s, k: 2, queryClasses: [0, 1], candidateClasses: [0, 1, 0, 1, 0])
        XCTAssertEqual(p2, (0.5 + 0.75) / 2, accuracy: 1e-15)
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
