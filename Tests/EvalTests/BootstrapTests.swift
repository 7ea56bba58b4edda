// BootstrapTests — determinism (same seed → same interval, for any thread count), the interval
// containing the point estimate, skipped single-class resamples, and the percentile rule.

import XCTest
import TestSupport
@testable import Eval
import TensorCore

final class BootstrapTests: XCTestCase {
    /// 200 samples, AUROC ≈ 0.8: scores = label + noise.
    private func fixture() -> ([Int], [Double]) {
        var rng = RNG(seed: 5, stream: 9)
        let y = (0..<200).map { _ in rng.int(below: 2) }
        let s = y.map { Double($0) * 1.2 + rng.normalDouble() }
        return (y, s)
    }

    func testSameSeedSameIntervalAnyThreadCount() throws {
        let (y, s) = fixture()
        let threads = ThreadPool.shared.threadCount
        defer { ThreadPool.shared.setThreadCount(threads) }
        ThreadPool.shared.setThreadCount(3)   // explicitly several, whatever MORE_THREADS or the machine say
        let a = try Bootstrap(resamples: 300, seed: 1).auroc(labels: y, scores: s)
        ThreadPool.shared.setThreadCount(1)
        let b = try Bootstrap(resamples: 300, seed: 1).auroc(labels: y, scores: s)
        XCTAssertEqual(a, b)
        let c = try Bootstrap(resamples: 300, seed: 2).auroc(labels: y, scores: s)
        XCTAssertNotEqual(a.lower, c.lower)
    }

    func testIntervalContainsEstimateWithSensibleWidth() throws {
        let (y, s) = fixture()
        let ci = try Bootstrap(seed: 3).auroc(labels: y, scores: s)
        XCTAssertEqual(ci.resamples, 1000)
        XCTAssertEqual(ci.skipped, 0)
        XCTAssertEqual(ci.estimate, try auroc(labels: y, scores: s))
        XCTAssertLessThan(ci.lower, ci.estimate)
        XCTAssertGreaterThan(ci.upper, ci.estimate)
        // Hanley–McNeil SE at AUC 0.8, n = 100 + 100 is about 0.03: the 95 % width ≈ 0.12.
        XCTAssertGreaterThan(ci.upper - ci.lower, 0.06)
        XCTAssertLessThan(ci.upper - ci.lower, 0.2)
    }

    func testSingleClassResamplesAreSkipped() throws {
        // One positive in 10: many resamples draw no positive.
        let y = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        let s = [0.9, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.95]
        let ci = try Bootstrap(resamples: 200, seed: 4).auroc(labels: y, scores: s)
        XCTAssertGreaterThan(ci.skipped, 40)        // P(no positive) = 0.9^10 ≈ 0.35
        XCTAssertLessThan(ci.skipped, 110)
        XCTAssertFalse(ci.lower.isNaN)
    }

    func testMultiLabelResamplesRowsJointly() throws {
        let g = try MetricsGolden.load()
        let ci = try Bootstrap(resamples: 200, seed: 6).multiLabel(labels: g.multiLabels, scores: g.multiScores, \.aurocMacro)
        XCTAssertEqual(ci.estimate, g.multi("roc_auc_macro"), accuracy: 1e-12)
        XCTAssertLessThanOrEqual(ci.lower, ci.estimate)
        XCTAssertGreaterThanOrEqual(ci.upper, ci.estimate)
        XCTAssertLessThan(ci.skipped, 10)            // P(a resample loses a class) ≈ 0.4 %
        XCTAssertLessThan(ci.upper - ci.lower, 0.3)
    }

    func testMultiLabelSkipsResamplesThatLoseAClass() throws {
        // Class 1 has a single positive: about (1 − 1/8)^8 ≈ 34 % of resamples lose it, and
        // those are skipped rather than averaged over class 0 alone.
        let labels = [[1, 1], [0, 0], [1, 0], [0, 0], [1, 0], [0, 0], [1, 0], [0, 0]]
        let scores: [[Double]] = [[0.9, 0.8], [0.1, 0.3], [0.7, 0.2], [0.4, 0.1], [0.6, 0.5], [0.2, 0.4], [0.3, 0.6], [0.5, 0.7]]
        let ci = try Bootstrap(resamples: 300, seed: 8).multiLabel(labels: labels, scores: scores, \.aurocMacro)
        XCTAssertGreaterThan(ci.skipped, 60)
        XCTAssertLessThan(ci.skipped, 150)
    }

    /// The macro-AUROC bootstrap computes only that metric on each resample; it must give the
    /// interval of the generic path (the full `MultiLabelMetrics` per resample) bit for bit,
    /// skipped resamples included — here a class with one positive and one with one negative.
    func testMacroAUROCFastPathIsTheFullMetrics() throws {
        var rng = RNG(seed: 11, stream: 3)
        var labels = (0..<60).map { _ in (0..<4).map { _ in rng.int(below: 2) } }
        for i in labels.indices { labels[i][2] = i == 7 ? 1 : 0; labels[i][3] = i == 9 ? 0 : 1 }
        let scores = labels.map { row in row.map { Double($0) * 0.8 + rng.normalDouble() } }
        let boot = Bootstrap(resamples: 300, seed: 4)
        let fast = try boot.multiLabel(labels: labels, scores: scores, \.aurocMacro)
        let full = try MultiLabelMetrics(labels: labels, scores: scores)
        let generic = try boot.interval(count: labels.count) { idx in
            let m = try MultiLabelMetrics(labels: idx.map { labels[$0] }, scores: idx.map { scores[$0] })
            guard m.undefinedAUROCClasses == full.undefinedAUROCClasses, m.undefinedAPClasses == full.undefinedAPClasses else { return .nan }
            return m.aurocMacro
        }
        XCTAssertEqual(fast, generic)
        XCTAssertEqual(fast.estimate.bitPattern, full.aurocMacro.bitPattern)
        XCTAssertGreaterThan(fast.skipped, 100, "resamples that lose class 2's positive or class 3's negative are skipped")
        XCTAssertLessThan(fast.skipped, 300)
    }

    func testRecallAtKResamplesQueries() throws {
        let ranks = (0..<100).map { MatchRank(higher: $0 % 10) }   // Recall@3 = 0.3
        let ci = try Bootstrap(resamples: 500, seed: 2).recallAtK(ranks: ranks, k: 3)
        XCTAssertEqual(ci.estimate, 0.3, accuracy: 1e-15)
        XCTAssertLessThan(ci.lower, 0.3)
        XCTAssertGreaterThan(ci.upper, 0.3)
        XCTAssertEqual(ci.upper - ci.lower, 2 * 1.96 * (0.3 * 0.7 / 100).squareRoot(), accuracy: 0.04)
        XCTAssertThrowsError(try Bootstrap().recallAtK(ranks: ranks, k: 0))
        // Every query tied with 9 others: credit 3/10 each, so every resample gives 0.3.
        let tied = try Bootstrap(resamples: 200, seed: 2).recallAtK(ranks: [MatchRank](repeating: MatchRank(higher: 0, tied: 9), count: 10), k: 3)
        XCTAssertEqual(tied.estimate, 0.3, accuracy: 1e-15)
        XCTAssertEqual(tied.lower, 0.3, accuracy: 1e-15)
        XCTAssertEqual(tied.upper, 0.3, accuracy: 1e-15)
    }

    func testPercentileInterpolatesLikeNumpy() {
        // numpy.percentile([1, 2, 3, 4], [2.5, 97.5]) = [1.075, 3.925]
        XCTAssertEqual(percentile([1, 2, 3, 4], 0.025), 1.075, accuracy: 1e-14)
        XCTAssertEqual(percentile([1, 2, 3, 4], 0.975), 3.925, accuracy: 1e-14)
        XCTAssertTrue(percentile([], 0.5).isNaN)
    }

    func testBadParametersThrow() {
        XCTAssertThrowsError(try Bootstrap(resamples: 0).interval(count: 3) { _ in 1 })
        XCTAssertThrowsError(try Bootstrap(confidence: 1).interval(count: 3) { _ in 1 })
        XCTAssertThrowsError(try Bootstrap().interval(count: 0) { _ in 1 })
    }
}
