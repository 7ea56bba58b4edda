// AUROC — area under the ROC curve by the rank (Mann–Whitney) formula, ties counted ½.
//
//     AUROC = U / (N₊ N₋),   U = R₊ − N₊(N₊ + 1)/2
//
// where R₊ is the sum over positives of their 1-based ranks among all scores (ascending), tied
// scores sharing the mean of their ranks. U counts the (positive, negative) pairs with the
// positive scored higher, plus ½ for every tied pair; so this equals the trapezoidal area under
// scikit-learn's ROC curve. Ranks are half-integers, so U is exact in Double and the result is
// correctly rounded. O(N log N).
//
// Single-class policy: with no positive or no negative the AUROC is undefined and the function
// returns `Double.nan` (not an error); `MultiLabelMetrics` drops such classes from the macro
// mean and lists them in `undefinedAUROCClasses`, and `Bootstrap` counts such resamples as skipped.
//
// Deliberately not here: partial AUC, the ROC curve points (`ROCCurve.swift`).

/// Area under the ROC curve, ties counted ½; `nan` if only one class is present.
///
/// labels: [N] in {0, 1}; scores: [N] finite (any scale: probabilities, logits, similarities).
///
///     try auroc(labels: [0, 0, 1, 1], scores: [0.1, 0.4, 0.35, 0.8])   // 0.75
public func auroc(labels: [Int], scores: [Double]) throws -> Double {
    try validateBinary("auroc", labels: labels, scores: scores)
    return aurocUnchecked(labels: labels, scores: scores)
}

/// AUROC for input already validated.
func aurocUnchecked(labels: [Int], scores: [Double]) -> Double {
    let n = labels.count
    var positives = 0
    for y in labels { positives += y }
    let negatives = n - positives
    if positives == 0 || negatives == 0 { return .nan }
    let order = scores.indices.sorted { scores[$0] < scores[$1] }
    var rankSumPositives = 0.0
    var start = 0
    while start < n {
        var end = start + 1
        while end < n && scores[order[end]] == scores[order[start]] { end += 1 }
        // Ranks start+1 … end share their mean.
        let meanRank = Double(start + 1 + end) / 2
        var tiedPositives = 0
        for k in start..<end { tiedPositives += labels[order[k]] }
        rankSumPositives += meanRank * Double(tiedPositives)
        start = end
    }
    let p = Double(positives)
    let u = rankSumPositives - p * (p + 1) / 2
    return u / (p * Double(negatives))
}

/// One-vs-rest AUROC of a multiclass problem (e.g. edema grades 0–3): class k's scores against
/// "label == k". Returns per-class values (`nan` for a class absent or alone in `labels`) and
/// their macro mean over the defined classes (`nan` if none is defined).
///
/// labels: [N] in 0..<C; scores: [N, C].
public func aurocOneVsRest(labels: [Int], scores: [[Double]]) throws -> (perClass: [Double], macro: Double) {
    guard let c = scores.first?.count, c > 0 else { throw MetricError.empty(metric: "aurocOneVsRest", field: "scores") }
    guard labels.count == scores.count else {
        throw MetricError.lengthMismatch(metric: "aurocOneVsRest", field: "labels", expected: scores.count, got: labels.count)
    }
    for (i, y) in labels.enumerated() where y < 0 || y >= c {
        throw MetricError.invalidLabel(metric: "aurocOneVsRest", index: i, value: y)
    }
    var perClass: [Double] = []
    for k in 0..<c {
        let col = try scores.enumerated().map { (i, row) -> Double in
            guard row.count == c else {
                throw MetricError.lengthMismatch(metric: "aurocOneVsRest", field: "scores[\(i)]", expected: c, got: row.count)
            }
            return row[k]
        }
        perClass.append(try auroc(labels: labels.map { $0 == k ? 1 : 0 }, scores: col))
    }
    return (perClass, nanMean(perClass))
}

/// Mean of the non-NaN values; `nan` if there are none.
func nanMean(_ values: [Double]) -> Double {
    var s = 0.0, k = 0
    for v in values where !v.isNaN { s += v; k += 1 }
    return k == 0 ? .nan : s / Double(k)
}
