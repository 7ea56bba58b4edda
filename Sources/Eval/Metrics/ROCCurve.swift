// ROCCurve — the ROC and precision–recall curves of a binary scorer, as points for plotting,
// and the cumulative counts at distinct thresholds that average precision is built on.
//
// Thresholds are the distinct scores in decreasing order; at threshold t a sample is predicted
// positive iff score ≥ t. The points equal scikit-learn's `roc_curve(drop_intermediate=False)`
// and `precision_recall_curve` (sklearn 1.9: no truncation at full recall).
//
// Deliberately not here: AUROC (rank formula, `AUROC.swift`), interpolation or smoothing of
// curves, dropping collinear points.

/// True- and false-positive counts at each distinct threshold, highest threshold first.
struct ThresholdCounts {
    /// Distinct scores, decreasing.
    var thresholds: [Double] = []
    /// Positives with score ≥ thresholds[k].
    var tps: [Int] = []
    /// Negatives with score ≥ thresholds[k].
    var fps: [Int] = []

    /// Counts for validated binary input (see `validateBinary`). O(n log n).
    init(labels: [Int], scores: [Double]) {
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var tp = 0, fp = 0
        for (rank, i) in order.enumerated() {
            if labels[i] == 1 { tp += 1 } else { fp += 1 }
            let last = rank == order.count - 1
            if last || scores[order[rank + 1]] != scores[i] {
                thresholds.append(scores[i]); tps.append(tp); fps.append(fp)
            }
        }
    }

    var positives: Int { tps.last ?? 0 }
    var negatives: Int { fps.last ?? 0 }
}

/// Receiver operating characteristic: false- and true-positive rates at every distinct
/// threshold, starting from (0, 0) at threshold +∞ and ending at (1, 1).
///
///     fpr_k = FP(score ≥ t_k) / N₋,   tpr_k = TP(score ≥ t_k) / N₊
///
/// Throws `MetricError.undefined` when only one class is present (a rate would be 0/0).
///
///     let roc = try ROCCurve(labels: [0, 1, 1, 0], scores: [0.1, 0.8, 0.4, 0.35])
///     // roc.fpr = [0, 0, 0, 0.5, 1], roc.tpr = [0, 0.5, 1, 1, 1]
public struct ROCCurve: Equatable, Sendable {
    public let fpr: [Double]
    public let tpr: [Double]
    /// thresholds[0] = +∞, then the distinct scores in decreasing order.
    public let thresholds: [Double]

    /// labels: [N] in {0, 1}; scores: [N] finite.
    public init(labels: [Int], scores: [Double]) throws {
        try validateBinary("ROCCurve", labels: labels, scores: scores)
        let c = ThresholdCounts(labels: labels, scores: scores)
        guard c.positives > 0, c.negatives > 0 else {
            throw MetricError.undefined(metric: "ROCCurve", reason: "only one class present in `labels`")
        }
        let p = Double(c.positives), n = Double(c.negatives)
        fpr = [0] + c.fps.map { Double($0) / n }
        tpr = [0] + c.tps.map { Double($0) / p }
        thresholds = [.infinity] + c.thresholds
    }

    /// Micro-averaged ROC of a multi-label problem: all (sample, class) cells pooled.
    /// labels, scores: [N, C].
    public static func micro(labels: [[Int]], scores: [[Double]]) throws -> ROCCurve {
        _ = try validateMatrix("ROCCurve.micro", labels: labels, scores: scores)
        return try ROCCurve(labels: labels.flatMap { $0 }, scores: scores.flatMap { $0 })
    }
}

/// Precision–recall curve in scikit-learn's order: recall decreasing from the lowest threshold
/// to the highest, then a final point (recall 0, precision 1) with no threshold.
///
///     precision_k = TP_k / (TP_k + FP_k),   recall_k = TP_k / N₊
///
/// Throws `MetricError.undefined` when there is no positive (recall would be 0/0).
public struct PrecisionRecallCurve: Equatable, Sendable {
    public let precision: [Double]
    public let recall: [Double]
    /// Distinct scores, increasing (one fewer than the points).
    public let thresholds: [Double]

    /// labels: [N] in {0, 1}; scores: [N] finite.
    public init(labels: [Int], scores: [Double]) throws {
        try validateBinary("PrecisionRecallCurve", labels: labels, scores: scores)
        let c = ThresholdCounts(labels: labels, scores: scores)
        guard c.positives > 0 else {
            throw MetricError.undefined(metric: "PrecisionRecallCurve", reason: "no positive label")
        }
        let p = Double(c.positives)
        var prec: [Double] = [], rec: [Double] = []
        for k in stride(from: c.thresholds.count - 1, through: 0, by: -1) {
            prec.append(Double(c.tps[k]) / Double(c.tps[k] + c.fps[k]))
            rec.append(Double(c.tps[k]) / p)
        }
        precision = prec + [1]
        recall = rec + [0]
        thresholds = c.thresholds.reversed()
    }
}
