// Bootstrap — seeded percentile confidence intervals for any metric, by resampling rows.
//
// Resample b (b = 0 … B−1) draws N row indices uniformly with replacement from the stream
// `RNG(seed: seed, stream: RNG.stream("bootstrap", b))`, so each resample depends only on
// (seed, b): the result is identical for any thread count (resamples run in parallel on
// `ThreadPool.shared`) and across runs. The statistic sees the drawn indices and returns a
// value, or `nan` when it is undefined on that resample (e.g. AUROC of a resample that drew
// one class only); such resamples are skipped and counted in `skipped`.
//
// Interval (percentile method): with the V valid values sorted v₀ ≤ … ≤ v_{V−1} and
// α = 1 − confidence, lower = Q(α/2), upper = Q(1 − α/2), where Q(p) interpolates linearly
// between v_⌊h⌋ and v_⌈h⌉ at h = (V − 1)p (numpy's default `percentile`).
//
// Multi-label metrics resample samples jointly (whole rows of the N × C matrices), so the
// correlation between labels is kept.
//
// Deliberately not here: BCa or studentised intervals, paired tests between two models (use
// the same seed for both, which draws the same rows, and bootstrap the difference).

import TensorCore

/// A point estimate with its bootstrap interval.
public struct BootstrapInterval: Equatable, Sendable {
    /// The statistic on the full data (all N rows once).
    public let estimate: Double
    public let lower: Double
    public let upper: Double
    public let confidence: Double
    /// Resamples drawn.
    public let resamples: Int
    /// Resamples on which the statistic was undefined (`nan`), left out of the percentiles.
    public let skipped: Int
}

/// Percentile bootstrap with a fixed seed.
///
///     let ci = try Bootstrap(seed: 7).auroc(labels: y, scores: s)
///     print("\(ci.estimate) [\(ci.lower), \(ci.upper)]")
public struct Bootstrap: Sendable {
    public var resamples: Int
    public var confidence: Double
    public var seed: UInt64

    public init(resamples: Int = 1000, confidence: Double = 0.95, seed: UInt64 = 0) {
        self.resamples = resamples
        self.confidence = confidence
        self.seed = seed
    }

    /// The N row indices of resample b.
    public func indices(resample b: Int, count n: Int) -> [Int] {
        var rng = RNG(seed: seed, stream: RNG.stream("bootstrap", b))
        return (0..<n).map { _ in rng.int(below: n) }
    }

    /// Interval of `statistic(rowIndices)` over `resamples` resamples of `0..<count`.
    /// The statistic must be a pure function of its indices (it runs on several threads).
    public func interval(count n: Int, statistic: ([Int]) throws -> Double) throws -> BootstrapInterval {
        let metric = "Bootstrap"
        guard n > 0 else { throw MetricError.empty(metric: metric, field: "rows") }
        guard resamples >= 1 else { throw MetricError.invalidParameter(metric: metric, name: "resamples", value: "\(resamples)") }
        guard confidence > 0 && confidence < 1 else {
            throw MetricError.invalidParameter(metric: metric, name: "confidence", value: "\(confidence)")
        }
        let estimate = try statistic(Array(0..<n))
        var values = [Double](repeating: .nan, count: resamples)
        var errors = [Error?](repeating: nil, count: resamples)
        values.withUnsafeMutableBufferPointer { v in
            errors.withUnsafeMutableBufferPointer { e in
                ThreadPool.shared.parallelFor(resamples) { b in
                    do { v[b] = try statistic(indices(resample: b, count: n)) } catch { e[b] = error }
                }
            }
        }
        if let first = errors.first(where: { $0 != nil }), let error = first { throw error }
        let valid = values.filter { !$0.isNaN }.sorted()
        let alpha = 1 - confidence
        return BootstrapInterval(estimate: estimate,
                                 lower: percentile(valid, alpha / 2), upper: percentile(valid, 1 - alpha / 2),
                                 confidence: confidence, resamples: resamples, skipped: resamples - valid.count)
    }

    /// AUROC with its interval. labels: [N] in {0, 1}; scores: [N].
    public func auroc(labels: [Int], scores: [Double]) throws -> BootstrapInterval {
        try validateBinary("Bootstrap.auroc", labels: labels, scores: scores)
        return try interval(count: labels.count) { idx in
            aurocUnchecked(labels: idx.map { labels[$0] }, scores: idx.map { scores[$0] })
        }
    }

    /// Average precision with its interval. labels: [N] in {0, 1}; scores: [N].
    public func averagePrecision(labels: [Int], scores: [Double]) throws -> BootstrapInterval {
        try validateBinary("Bootstrap.averagePrecision", labels: labels, scores: scores)
        return try interval(count: labels.count) { idx in
            averagePrecisionUnchecked(labels: idx.map { labels[$0] }, scores: idx.map { scores[$0] })
        }
    }

    /// Recall@K with its interval, resampling queries. ranks: [N] from `ranksOfTrueMatch`
    /// (computed once on the full candidate set); each query counts its `recallCredit(k:)`.
    public func recallAtK(ranks: [MatchRank], k: Int) throws -> BootstrapInterval {
        guard k >= 1 else { throw MetricError.invalidParameter(metric: "Bootstrap.recallAtK", name: "k", value: "\(k)") }
        let credit = ranks.map { $0.recallCredit(k: k) }
        return try interval(count: ranks.count) { idx in
            idx.reduce(0) { $0 + credit[$1] } / Double(idx.count)
        }
    }

    /// Any multi-label metric (e.g. `\.aurocMacro`) with its interval; samples are resampled
    /// jointly. A resample is skipped when its set of undefined classes differs from the full
    /// data's, so a macro mean always averages the same classes. labels, scores: [N, C].
    public func multiLabel(labels: [[Int]], scores: [[Double]], threshold: Double = 0.5,
                           _ metric: KeyPath<MultiLabelMetrics, Double>) throws -> BootstrapInterval {
        let full = try MultiLabelMetrics(labels: labels, scores: scores, threshold: threshold)
        if metric == \MultiLabelMetrics.aurocMacro {   // the tables' metric: only what it needs, same bits
            return try interval(count: labels.count) { idx in
                let m = MultiLabelMetrics.aurocMacro(labels: labels, scores: scores, rows: idx)
                guard m.undefinedAUROC == full.undefinedAUROCClasses, m.undefinedAP == full.undefinedAPClasses else { return .nan }
                return m.value
            }
        }
        return try interval(count: labels.count) { idx in
            let m = try MultiLabelMetrics(labels: idx.map { labels[$0] }, scores: idx.map { scores[$0] }, threshold: threshold)
            guard m.undefinedAUROCClasses == full.undefinedAUROCClasses,
                  m.undefinedAPClasses == full.undefinedAPClasses else { return .nan }
            return m[keyPath: metric]
        }
    }
}

/// Linear-interpolation percentile of sorted values (numpy default); `nan` if empty.
/// sorted: [V] ascending; p in [0, 1].
func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    let h = Double(sorted.count - 1) * p
    let lo = Int(h.rounded(.down)), hi = min(lo + 1, sorted.count - 1)
    return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
}
