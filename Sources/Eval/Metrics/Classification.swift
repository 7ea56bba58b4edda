// Classification — thresholded and argmax metrics: accuracy, precision, recall, F1 (binary,
// macro, micro) and the confusion matrix.
//
// Binary: predict positive iff score ≥ threshold (default 0.5, as the goldens). Every ratio
// with a zero denominator is 0 (scikit-learn's zero_division = 0):
//
//     precision = TP / (TP + FP),  recall = TP / (TP + FN),  F1 = 2TP / (2TP + FP + FN)
//
// Multiclass (single-label, e.g. edema grades 0–3): a K × K confusion matrix (rows = true
// class, columns = predicted class); macro F1 = unweighted mean of the K per-class F1 values
// (a class never true nor predicted has F1 0 by zero_division); micro F1 pools the per-class
// counts and equals accuracy for single-label problems.
//
// Deliberately not here: ranking metrics (`AUROC.swift`, `AveragePrecision.swift`),
// multi-label averaging (`MultiLabel.swift`), threshold tuning.

/// Counts of a binary confusion at a threshold.
public struct BinaryCounts: Equatable, Sendable {
    public var truePositives = 0, falsePositives = 0, trueNegatives = 0, falseNegatives = 0

    public init() {}

    /// labels: [N] in {0, 1}; scores: [N]; positive iff score ≥ threshold.
    public init(labels: [Int], scores: [Double], threshold: Double = 0.5) throws {
        try validateBinary("BinaryCounts", labels: labels, scores: scores)
        self.init(uncheckedLabels: labels, scores: scores, threshold: threshold)
    }

    init(uncheckedLabels labels: [Int], scores: [Double], threshold: Double) {
        for i in 0..<labels.count {
            let predicted = scores[i] >= threshold
            switch (labels[i] == 1, predicted) {
            case (true, true): truePositives += 1
            case (false, true): falsePositives += 1
            case (false, false): trueNegatives += 1
            case (true, false): falseNegatives += 1
            }
        }
    }

    public var total: Int { truePositives + falsePositives + trueNegatives + falseNegatives }
    /// (TP + TN) / N.
    public var accuracy: Double { ratio(truePositives + trueNegatives, total) }
    /// TP / (TP + FP), 0 if nothing is predicted positive.
    public var precision: Double { ratio(truePositives, truePositives + falsePositives) }
    /// TP / (TP + FN), 0 if there is no positive.
    public var recall: Double { ratio(truePositives, truePositives + falseNegatives) }
    /// 2TP / (2TP + FP + FN), 0 if the denominator is 0.
    public var f1: Double { ratio(2 * truePositives, 2 * truePositives + falsePositives + falseNegatives) }

    static func + (a: BinaryCounts, b: BinaryCounts) -> BinaryCounts {
        var c = a
        c.truePositives += b.truePositives; c.falsePositives += b.falsePositives
        c.trueNegatives += b.trueNegatives; c.falseNegatives += b.falseNegatives
        return c
    }
}

/// a / b with 0 for b = 0 (zero_division = 0).
@inline(__always) func ratio(_ a: Int, _ b: Int) -> Double { b == 0 ? 0 : Double(a) / Double(b) }

/// F1 of "score ≥ threshold" against labels, zero_division = 0.
///
///     try f1Score(labels: [1, 0, 1], scores: [0.9, 0.6, 0.2])   // TP 1, FP 1, FN 1 → 0.5
public func f1Score(labels: [Int], scores: [Double], threshold: Double = 0.5) throws -> Double {
    try BinaryCounts(labels: labels, scores: scores, threshold: threshold).f1
}

/// Accuracy of "score ≥ threshold" against labels.
public func accuracy(labels: [Int], scores: [Double], threshold: Double = 0.5) throws -> Double {
    try BinaryCounts(labels: labels, scores: scores, threshold: threshold).accuracy
}

/// K × K confusion matrix of a single-label multiclass problem; `counts[t][p]` = number of
/// samples of true class t predicted as p.
public struct ConfusionMatrix: Equatable, Sendable {
    public let counts: [[Int]]
    public var classes: Int { counts.count }

    /// labels, predictions: [N] in 0..<classes.
    public init(labels: [Int], predictions: [Int], classes: Int) throws {
        let m = "ConfusionMatrix"
        guard classes > 0 else { throw MetricError.invalidParameter(metric: m, name: "classes", value: "\(classes)") }
        guard !labels.isEmpty else { throw MetricError.empty(metric: m, field: "labels") }
        guard predictions.count == labels.count else {
            throw MetricError.lengthMismatch(metric: m, field: "predictions", expected: labels.count, got: predictions.count)
        }
        var c = [[Int]](repeating: [Int](repeating: 0, count: classes), count: classes)
        for i in 0..<labels.count {
            guard (0..<classes).contains(labels[i]) else { throw MetricError.invalidLabel(metric: m, index: i, value: labels[i]) }
            guard (0..<classes).contains(predictions[i]) else {
                throw MetricError.invalidLabel(metric: m, index: i, value: predictions[i])
            }
            c[labels[i]][predictions[i]] += 1
        }
        counts = c
    }

    /// Predictions = argmax of each score row (first maximum on ties). scores: [N, C].
    public init(labels: [Int], scores: [[Double]]) throws {
        guard let c = scores.first?.count, c > 0 else { throw MetricError.empty(metric: "ConfusionMatrix", field: "scores") }
        var predictions: [Int] = []
        for (i, row) in scores.enumerated() {
            guard row.count == c else {
                throw MetricError.lengthMismatch(metric: "ConfusionMatrix", field: "scores[\(i)]", expected: c, got: row.count)
            }
            var best = 0
            for k in 1..<c where row[k] > row[best] { best = k }
            predictions.append(best)
        }
        try self.init(labels: labels, predictions: predictions, classes: c)
    }

    /// One-vs-rest counts of class k.
    public func counts(of k: Int) -> BinaryCounts {
        var b = BinaryCounts()
        for t in 0..<classes {
            for p in 0..<classes {
                let n = counts[t][p]
                switch (t == k, p == k) {
                case (true, true): b.truePositives += n
                case (false, true): b.falsePositives += n
                case (true, false): b.falseNegatives += n
                case (false, false): b.trueNegatives += n
                }
            }
        }
        return b
    }

    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }
    /// Σ diagonal / N.
    public var accuracy: Double { ratio((0..<classes).reduce(0) { $0 + counts[$1][$1] }, total) }
    /// F1 of each class against the rest.
    public var perClassF1: [Double] { (0..<classes).map { counts(of: $0).f1 } }
    /// Unweighted mean of the per-class F1.
    public var macroF1: Double { perClassF1.reduce(0, +) / Double(classes) }
    /// F1 of the pooled one-vs-rest counts (= accuracy for single-label data).
    public var microF1: Double { (0..<classes).map { counts(of: $0) }.reduce(BinaryCounts(), +).f1 }
}
