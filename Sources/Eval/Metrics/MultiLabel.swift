// MultiLabel — every metric of a multi-label problem (N samples × C classes, each cell a binary
// label) at once: per-class, macro and micro AUROC, AP and F1, subset accuracy and label
// accuracy.
//
//     macro  = unweighted mean of the per-class values (over the classes where it is defined)
//     micro  = all N·C (sample, class) cells pooled into one binary problem
//     subset accuracy = fraction of samples whose C thresholded labels are all right
//     label accuracy  = fraction of the N·C cells that are right (= 1 − Hamming loss)
//
// Single-class policy: a class whose column has only one label value has an undefined AUROC
// (and, with no positive, an undefined AP). Its per-class value is `nan`, it is left out of
// the macro mean, and its index is listed in `undefinedAUROCClasses` / `undefinedAPClasses`
// so tables can print a warning. (scikit-learn raises an error instead.) Micro averages pool
// every cell, so they are defined as long as the whole matrix has both values. F1 is always
// defined (zero_division = 0).
//
// Deliberately not here: sample-averaged ("samples") or support-weighted averages.

/// Metrics of an N × C multi-label problem; thresholded ones use score ≥ `threshold`.
///
///     let m = try MultiLabelMetrics(labels: y, scores: s)   // y: [N][C] in {0,1}, s: [N][C]
///     print(m.aurocMacro, m.undefinedAUROCClasses)
public struct MultiLabelMetrics: Equatable, Sendable {
    public let aurocPerClass: [Double]
    public let aurocMacro: Double
    public let aurocMicro: Double
    public let averagePrecisionPerClass: [Double]
    public let averagePrecisionMacro: Double
    public let averagePrecisionMicro: Double
    public let f1PerClass: [Double]
    public let f1Macro: Double
    public let f1Micro: Double
    /// All C labels of a sample right.
    public let subsetAccuracy: Double
    /// Fraction of the N·C cells right.
    public let labelAccuracy: Double
    /// Classes with only one label value present: AUROC `nan`, excluded from `aurocMacro`.
    public let undefinedAUROCClasses: [Int]
    /// Classes without a positive: AP `nan`, excluded from `averagePrecisionMacro`.
    public let undefinedAPClasses: [Int]

    /// labels: [N, C] in {0, 1}; scores: [N, C] finite.
    public init(labels: [[Int]], scores: [[Double]], threshold: Double = 0.5) throws {
        let metric = "MultiLabelMetrics"
        let (n, c) = try validateMatrix(metric, labels: labels, scores: scores)
        var auc: [Double] = [], ap: [Double] = [], f1: [Double] = []
        var pooled = BinaryCounts()
        for j in 0..<c {
            let y = column(labels, j), s = column(scores, j)
            do {
                try validateBinary(metric, labels: y, scores: s)
            } catch MetricError.invalidLabel(_, let i, let v) {
                throw MetricError.invalidLabel(metric: "\(metric) (class \(j))", index: i, value: v)
            } catch MetricError.nonFiniteScore(_, let i) {
                throw MetricError.nonFiniteScore(metric: "\(metric) (class \(j))", index: i)
            }
            auc.append(aurocUnchecked(labels: y, scores: s))
            ap.append(averagePrecisionUnchecked(labels: y, scores: s))
            let counts = BinaryCounts(uncheckedLabels: y, scores: s, threshold: threshold)
            f1.append(counts.f1)
            pooled = pooled + counts
        }
        let flatLabels = labels.flatMap { $0 }, flatScores = scores.flatMap { $0 }
        aurocPerClass = auc
        aurocMacro = nanMean(auc)
        aurocMicro = aurocUnchecked(labels: flatLabels, scores: flatScores)
        averagePrecisionPerClass = ap
        averagePrecisionMacro = nanMean(ap)
        averagePrecisionMicro = averagePrecisionUnchecked(labels: flatLabels, scores: flatScores)
        f1PerClass = f1
        f1Macro = f1.reduce(0, +) / Double(c)
        f1Micro = pooled.f1
        labelAccuracy = pooled.accuracy
        var allRight = 0
        for i in 0..<n where (0..<c).allSatisfy({ (scores[i][$0] >= threshold) == (labels[i][$0] == 1) }) {
            allRight += 1
        }
        subsetAccuracy = Double(allRight) / Double(n)
        undefinedAUROCClasses = auc.indices.filter { auc[$0].isNaN }
        undefinedAPClasses = ap.indices.filter { ap[$0].isNaN }
    }
}

extension MultiLabelMetrics {
    /// `aurocMacro` of the rows `rows` of `labels` and `scores` (a bootstrap resample), with the
    /// classes whose AUROC or AP would be undefined — the values the full `init` gives on those
    /// rows, bit for bit (the same per-class `aurocUnchecked` and `nanMean`), without the AP, F1
    /// and micro averages, which cost three times as much. Input must already be validated.
    static func aurocMacro(labels: [[Int]], scores: [[Double]], rows: [Int])
        -> (value: Double, undefinedAUROC: [Int], undefinedAP: [Int]) {
        let c = labels.first?.count ?? 0
        var auc: [Double] = [], undefinedAP: [Int] = []
        for j in 0..<c {
            let y = rows.map { labels[$0][j] }
            auc.append(aurocUnchecked(labels: y, scores: rows.map { scores[$0][j] }))
            if !y.contains(1) { undefinedAP.append(j) }   // averagePrecisionUnchecked is nan without a positive
        }
        return (nanMean(auc), auc.indices.filter { auc[$0].isNaN }, undefinedAP)
    }
}
