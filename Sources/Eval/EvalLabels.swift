// EvalLabels — reading a named label set of a dataset split as the targets of an evaluation:
// either single-label (a class index per row, e.g. `chexpert5_class`, `edema_severity`,
// `ptbxl_super_single`) or multi-label (a 0/1 column per class, e.g. `mimic4`, `ptbxl_super`).
//
// Row policy (documented in PAPER.md "Evaluation protocols"): a row whose selected labels
// contain −1 — "uncertain" in CheXpert-style sets, "no superclass" in `ptbxl_super_single` —
// is left out and the kept row indices are returned, so features can be subset to match. The
// authors drop rows with any uncertain label among all 13 CheXpert labels (MoRE-reference
// §6.3); we drop on the selected columns only. For single-label sets, rows whose class is not
// among the selected classes are kept as all-negative rows (`otherClassRows: .negatives`, e.g.
// the Consolidation images of a 4-class CheXpert evaluation) or dropped (`.drop`).
//
// `requireBothValues` is the check of a use that needs every class with both label values.
// `labelColumn` reads one class of a set as a value per row, as it is stored (the explanation
// study's positives and negatives, the hit counts of the retrieval figures).
//
// Deliberately not here: label smoothing or U-ones/U-zeros mappings, label names of the cohort
// (`CohortLabels` in Datasets).

import TensorCore
import Datasets

/// What to do with rows of a single-label set whose class is not selected.
public enum OtherClassRows: String, Sendable, CaseIterable {
    /// Keep them: negative for every selected class.
    case negatives
    /// Leave them out.
    case drop
}

/// Targets of an evaluation taken from one label set.
public struct LabelTargets: Sendable, Equatable {
    /// Label set name ("mimic4", …) and its file, for messages and provenance.
    public let labelSet: String
    public let file: String
    /// The selected class names, in output order: [C].
    public let classNames: [String]
    /// Rows of the split that are kept: [N'].
    public let rows: [Int]
    /// Binary targets of the kept rows: [N', C].
    public let multiHot: [[Int]]
    /// Class index (into `classNames`) of each kept row for single-label sets, −1 for a kept
    /// row of another class; nil for multi-label sets: [N'].
    public let classIndex: [Int]?

    public var isSingleLabel: Bool { classIndex != nil }
    public var count: Int { rows.count }

    /// Reads `labelSet` of `split` (from `file`), keeping `classes` (all when nil) in that order.
    ///
    ///     let t = try LabelTargets(split, labelSet: "ptbxl_super", file: path, protocolName: "zero-shot ECG")
    public init(_ split: DatasetSplit, labelSet: String, file: String, classes: [String]? = nil,
                otherClassRows: OtherClassRows = .negatives, protocolName: String) throws {
        guard let t = split.labels[labelSet] else {
            throw EvalError.missingLabels(file: file, labelSet: labelSet, protocolName: protocolName,
                                          available: Array(split.labels.keys))
        }
        let n = split.count
        guard t.rank == 1 || t.rank == 2, t.shape[0] == n else {
            throw EvalError.labelShape(file: file, labelSet: labelSet, expected: "[\(n)] or [\(n), C]", found: t.shape)
        }
        let width = t.rank == 2 ? t.shape[1] : 0
        var names = split.labelNames[labelSet] ?? (0..<max(width, 1)).map { "class \($0)" }
        // A class-index set may name its classes in the root attribute `classes_<set>`
        // (comma-separated) while its `columns` attribute holds the set's own name.
        if t.rank == 1, names == [labelSet],
           let listed = DatasetSchema.classIndexNames(set: labelSet, columns: names, attributes: split.attributes) {
            names = listed
        }
        if t.rank == 2, names.count != width {
            throw EvalError.labelShape(file: file, labelSet: labelSet, expected: "[\(n), \(names.count)] (one column per name)", found: t.shape)
        }
        let wanted = classes ?? names
        guard !wanted.isEmpty else { throw EvalError.invalidParameter(name: "classes", value: "[]", reason: "select at least one class") }
        var columns: [Int] = []
        for c in wanted {
            guard let j = names.firstIndex(of: c) else {
                throw EvalError.unknownClass(file: file, labelSet: labelSet, className: c, available: names)
            }
            columns.append(j)
        }
        let v = t.scalars
        var rows: [Int] = [], hot: [[Int]] = [], index: [Int] = []
        if t.rank == 2 {
            for i in 0..<n {
                var row: [Int] = [], uncertain = false
                for j in columns {
                    let x = v[i * width + j]
                    if x == -1 { uncertain = true; break }
                    guard x == 0 || x == 1 else { throw EvalError.invalidLabel(file: file, labelSet: labelSet, row: i, value: x) }
                    row.append(Int(x))
                }
                if uncertain { continue }
                rows.append(i); hot.append(row)
            }
        } else {
            for i in 0..<n {
                let x = v[i]
                if x == -1 { continue }
                guard x >= 0, x == x.rounded(), Int(x) < names.count else {
                    throw EvalError.invalidLabel(file: file, labelSet: labelSet, row: i, value: x)
                }
                let k = columns.firstIndex(of: Int(x)) ?? -1
                if k < 0 && otherClassRows == .drop { continue }
                rows.append(i); index.append(k)
                hot.append(columns.indices.map { $0 == k ? 1 : 0 })
            }
        }
        guard !rows.isEmpty else {
            throw EvalError.noUsableRows(file: file, labelSet: labelSet, reason: "no row has a usable label for \(wanted)")
        }
        self.labelSet = labelSet; self.file = file; classNames = wanted
        self.rows = rows; multiHot = hot; classIndex = t.rank == 1 ? index : nil
    }

    /// Throws `EvalError.noUsableRows` for the first class whose kept rows are all negative or
    /// all positive ("class 'Edema' has no positive row (`why`)"): for a use whose metric is
    /// undefined with a single label value — a probe choosing C by validation AUROC, a ROC curve
    /// to draw. (The tables' AUROC columns tolerate such a class: `nan`, left out of the macro
    /// mean, AUROC.swift.)
    ///
    ///     try validation.requireBothValues("the probe chooses C by validation AUROC")
    public func requireBothValues(_ why: String) throws {
        for (j, name) in classNames.enumerated() {
            let positives = multiHot.reduce(0) { $0 + $1[j] }
            guard positives > 0, positives < count else {
                throw EvalError.noUsableRows(file: file, labelSet: labelSet,
                                             reason: "class '\(name)' has no \(positives == 0 ? "positive" : "negative") row (\(why))")
            }
        }
    }

    /// Targets built directly (tests, baselines). multiHot: [N, C]; classIndex: [N] or nil.
    public init(labelSet: String, file: String = "(memory)", classNames: [String], rows: [Int], multiHot: [[Int]],
                classIndex: [Int]? = nil) {
        self.labelSet = labelSet; self.file = file; self.classNames = classNames
        self.rows = rows; self.multiHot = multiHot; self.classIndex = classIndex
    }
}

/// Rows `rows` of a [N, D] tensor as a new [rows.count, D] tensor.
public func selectRows(_ x: Tensor, _ rows: [Int]) -> Tensor {
    let d = x.count / max(x.shape[0], 1)
    var shape = x.shape
    shape[0] = rows.count
    let out = Tensor(zeros: shape)
    let src = x.pointer, dst = out.pointer
    for (k, r) in rows.enumerated() { (dst + k * d).update(from: src + r * d, count: d) }
    return out
}

/// One class of a label set of `split` (read from `file`, which its errors name), a value per
/// row (1 positive, 0 negative, −1 uncertain where the set has them), or a typed error naming
/// what is missing.
public func labelColumn(_ split: DatasetSplit, _ set: String, _ column: String, file: String, protocolName: String) throws -> [Float] {
    guard let t = split.labels[set] else {
        throw EvalError.missingLabels(file: file, labelSet: set, protocolName: protocolName,
                                      available: split.labels.keys.sorted())
    }
    let names = split.labelNames[set] ?? []
    guard let c = names.firstIndex(of: column) else {
        throw EvalError.unknownClass(file: file, labelSet: set, className: column, available: names)
    }
    guard t.rank == 2, t.shape[0] == split.count, t.shape[1] == names.count else {
        throw EvalError.labelShape(file: file, labelSet: set, expected: "[\(split.count), \(names.count)]", found: t.shape)
    }
    let v = t.scalars
    return (0..<split.count).map { v[$0 * names.count + c] }
}
