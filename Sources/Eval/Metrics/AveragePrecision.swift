// AveragePrecision — scikit-learn's average precision: the step sum over distinct thresholds
//
//     AP = Σₖ (Rₖ − Rₖ₋₁) Pₖ,   R₀ = 0,
//
// thresholds in decreasing order, Pₖ and Rₖ the precision and recall when predicting positive
// iff score ≥ tₖ. Tied scores enter together (one step), so ties are handled without any
// ordering choice. This is not the trapezoidal area under the PR curve (which is optimistic).
//
// Single-class policy: no positive → `nan` (recall is 0/0); no negative → 1.0, as sklearn.
//
// Deliberately not here: interpolated (11-point / VOC) AP, the curve points (`ROCCurve.swift`).

/// Average precision (sklearn `average_precision_score`); `nan` if there is no positive.
///
/// labels: [N] in {0, 1}; scores: [N] finite.
///
///     try averagePrecision(labels: [0, 0, 1, 1], scores: [0.1, 0.4, 0.35, 0.8])  // 0.8333…
public func averagePrecision(labels: [Int], scores: [Double]) throws -> Double {
    try validateBinary("averagePrecision", labels: labels, scores: scores)
    return averagePrecisionUnchecked(labels: labels, scores: scores)
}

/// AP for input already validated.
func averagePrecisionUnchecked(labels: [Int], scores: [Double]) -> Double {
    let c = ThresholdCounts(labels: labels, scores: scores)
    guard c.positives > 0 else { return .nan }
    let p = Double(c.positives)
    var ap = 0.0, previousRecall = 0.0
    for k in 0..<c.thresholds.count {
        let recall = Double(c.tps[k]) / p
        let precision = Double(c.tps[k]) / Double(c.tps[k] + c.fps[k])
        ap += (recall - previousRecall) * precision
        previousRecall = recall
    }
    return ap
}
