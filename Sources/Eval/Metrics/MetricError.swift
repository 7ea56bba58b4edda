// MetricError — the errors every metric throws on input a caller can get wrong, and the shared
// validation of (labels, scores) pairs.
//
// Metrics never trap on user data: an empty input, labels other than 0/1, a NaN or infinite
// score, mismatched lengths or an impossible K throw a `MetricError` naming the metric and the
// field. A metric that is *mathematically undefined* for valid input (AUROC when only one class
// is present) is not an error: it returns `Double.nan`, and the multi-label and bootstrap
// summaries record it (see `MultiLabel.swift`, `Bootstrap.swift`).
//
// Deliberately not here: the metrics themselves.

/// Invalid input to a metric. `description` names the metric and the offending field.
public enum MetricError: Error, Equatable, CustomStringConvertible {
    /// `field` of `metric` is empty.
    case empty(metric: String, field: String)
    /// Two fields that must have the same length do not.
    case lengthMismatch(metric: String, field: String, expected: Int, got: Int)
    /// A label that should be 0 or 1 (or a class index in 0..<classes) is not.
    case invalidLabel(metric: String, index: Int, value: Int)
    /// A score is NaN or infinite.
    case nonFiniteScore(metric: String, index: Int)
    /// A parameter (K, threshold, number of resamples, …) is out of range.
    case invalidParameter(metric: String, name: String, value: String)
    /// The quantity does not exist for this input (e.g. a ROC curve with one class only).
    case undefined(metric: String, reason: String)

    public var description: String {
        switch self {
        case let .empty(metric, field):
            return "\(metric): `\(field)` is empty"
        case let .lengthMismatch(metric, field, expected, got):
            return "\(metric): `\(field)` has \(got) entries, expected \(expected)"
        case let .invalidLabel(metric, index, value):
            return "\(metric): label \(value) at index \(index) is not a valid class"
        case let .nonFiniteScore(metric, index):
            return "\(metric): score at index \(index) is NaN or infinite"
        case let .invalidParameter(metric, name, value):
            return "\(metric): parameter `\(name)` = \(value) is out of range"
        case let .undefined(metric, reason):
            return "\(metric): undefined, \(reason)"
        }
    }
}

/// Checks a binary problem: same non-zero length, labels in {0, 1}, finite scores.
@usableFromInline
func validateBinary(_ metric: String, labels: [Int], scores: [Double]) throws {
    guard !labels.isEmpty else { throw MetricError.empty(metric: metric, field: "labels") }
    guard scores.count == labels.count else {
        throw MetricError.lengthMismatch(metric: metric, field: "scores", expected: labels.count, got: scores.count)
    }
    for (i, y) in labels.enumerated() where y != 0 && y != 1 {
        throw MetricError.invalidLabel(metric: metric, index: i, value: y)
    }
    for (i, s) in scores.enumerated() where !s.isFinite {
        throw MetricError.nonFiniteScore(metric: metric, index: i)
    }
}

/// Checks an N × C label matrix against an N × C score matrix (rows = samples).
func validateMatrix(_ metric: String, labels: [[Int]], scores: [[Double]]) throws -> (n: Int, c: Int) {
    guard let first = labels.first else { throw MetricError.empty(metric: metric, field: "labels") }
    guard !first.isEmpty else { throw MetricError.empty(metric: metric, field: "labels[0] (classes)") }
    guard scores.count == labels.count else {
        throw MetricError.lengthMismatch(metric: metric, field: "scores (rows)", expected: labels.count, got: scores.count)
    }
    let c = first.count
    for i in 0..<labels.count {
        guard labels[i].count == c else {
            throw MetricError.lengthMismatch(metric: metric, field: "labels[\(i)]", expected: c, got: labels[i].count)
        }
        guard scores[i].count == c else {
            throw MetricError.lengthMismatch(metric: metric, field: "scores[\(i)]", expected: c, got: scores[i].count)
        }
    }
    return (labels.count, c)
}

/// Column `j` of a row-major matrix given as rows.
@inline(__always)
func column<T>(_ rows: [[T]], _ j: Int) -> [T] { rows.map { $0[j] } }
