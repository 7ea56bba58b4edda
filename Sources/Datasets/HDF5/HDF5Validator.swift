// HDF5Validator — checks a dataset file against the schema and lists *every* problem: missing
// datasets, wrong dtypes, wrong ranks or fixed sizes, N mismatches, label columns, required
// attributes, and (streaming through the data) non-finite values, X-rays outside [0, 1],
// class-index labels outside −1…K−1, multi-column label values other than −1/0/1, box label
// sets (columns x0, y0, x1, y1; BoxLabels.swift) whose rows are neither boxes in [0, 1] nor
// absent, and duplicate ids. `more data check FILE` prints `ValidationReport.text`.
//
// Deliberately not here: repairing files, and semantic checks of the content (whether a label
// agrees with a report) — those belong to the cohort's own tests.

import Foundation
import TensorCore

/// Min, max and non-finite count of a float32 dataset.
public struct ValueStats: Sendable, Equatable {
    public var min: Float = .infinity
    public var max: Float = -.infinity
    public var nonFinite = 0
    /// Finite values that are not whole numbers.
    public var nonInteger = 0
    /// Row of the first non-finite value, when there is one.
    public var firstNonFiniteRow: Int?
}

/// The outcome of `validateDataset`.
public struct ValidationReport: Sendable {
    public var file: String
    /// N (length of `/ids`), when `/ids` is usable.
    public var n: Int?
    public var fields: [FieldInfo]
    public var attributes: [String: String]
    /// Per float32 dataset (when values were checked).
    public var stats: [String: ValueStats]
    /// Everything that makes the file invalid, each naming file and dataset.
    public var problems: [DataError]
    /// Things worth knowing that do not make the file invalid.
    public var warnings: [String]

    public var isValid: Bool { problems.isEmpty }

    /// Human-readable report: datasets with shapes, label sets, attributes, problems, verdict.
    public var text: String {
        var lines = ["file: \(file)", "N: \(n.map(String.init) ?? "unknown")", "datasets:"]
        let width = fields.map(\.name.count).max() ?? 0
        for f in fields {
            var line = "  " + f.name.padding(toLength: width, withPad: " ", startingAt: 0)
                + "  " + f.type.description.padding(toLength: 8, withPad: " ", startingAt: 0) + "  \(f.shape)"
            if let s = stats[f.name] {
                line += "  min \(s.min) max \(s.max)" + (s.nonFinite > 0 ? "  non-finite \(s.nonFinite)" : "")
            }
            lines.append(line)
            if let cols = f.columns, f.name.hasPrefix(DatasetSchema.labels + "/") {
                lines.append("      columns: " + cols.joined(separator: ", "))
            }
        }
        lines.append("attributes:")
        for k in attributes.keys.sorted() { lines.append("  \(k) = \(attributes[k] ?? "")") }
        lines.append("problems: \(problems.isEmpty ? "none" : String(problems.count))")
        lines += problems.map { "  - \($0)" }
        if !warnings.isEmpty {
            lines.append("warnings: \(warnings.count)")
            lines += warnings.map { "  - \($0)" }
        }
        lines.append(isValid ? "VALID" : "INVALID")
        return lines.joined(separator: "\n")
    }
}

/// Checks the dataset file `url` against `DatasetSchema` and returns every problem found.
/// With `checkValues` the float datasets are streamed (a few MB at a time) for NaN/Inf and the
/// X-ray range, and `/ids` for duplicates. `reportingAs` names the file in the report and its
/// problems instead of `url` (a converter checks a temporary file under its final name).
/// - Throws: only when the file cannot be opened at all (`.missingFile`, `.unreadable`).
public func validateDataset(_ url: URL, checkValues: Bool = true, reportingAs name: String? = nil) throws -> ValidationReport {
    let file = try HDF5File.open(path: url.path)
    let inspection = try file.inspect()
    let path = name ?? url.path
    let check = inspection.schemaCheck(file: path)
    var report = ValidationReport(file: path, n: check.n, fields: inspection.fields, attributes: inspection.attributes,
                                  stats: [:], problems: check.problems, warnings: check.warnings)
    guard checkValues else { return report }
    let broken = Set(report.problems.compactMap(\.field))
    for f in report.fields where f.type == .float32 && !f.shape.isEmpty && !broken.contains(f.name) {
        let s = try scanValues(file, f)
        report.stats[f.name] = s
        if s.nonFinite > 0 {
            report.problems.append(.malformed(file: path, field: f.name,
                                              reason: "\(s.nonFinite) non-finite values (NaN or ±Inf), first in row \(s.firstNonFiniteRow ?? 0)"))
        }
        if let classes = classIndexClasses(f, attributes: report.attributes), f.shape[0] > 0,
           s.nonInteger > 0 || s.min < -1 || s.max > Float(classes - 1) {
            report.problems.append(.malformed(file: path, field: f.name,
                                              reason: "a class-index label over \(classes) classes must hold integers in −1…\(classes - 1), found min \(s.min) max \(s.max), \(s.nonInteger) non-integers"))
        }
        let isBoxSet = f.name.hasPrefix(DatasetSchema.labels + "/") && BoxLabels.isBoxSet(columns: f.columns)
        if isBoxSet, f.shape.count == 2, s.nonFinite == 0, let problem = try boxProblem(file, f, path: path) {
            report.problems.append(problem)
        }
        if f.name.hasPrefix(DatasetSchema.labels + "/"), !isBoxSet, f.shape.count == 2, s.nonFinite == 0, f.shape[0] > 0,
           s.nonInteger > 0 || s.min < -1 || s.max > 1 {
            report.problems.append(.malformed(file: path, field: f.name,
                                              reason: "a multi-column label set must hold −1 (uncertain), 0 or 1, found min \(s.min) max \(s.max), \(s.nonInteger) non-integers"))
        }
        if f.name == DatasetSchema.xray, s.nonFinite == 0, f.shape[0] > 0, s.min < 0 || s.max > 1 {
            report.problems.append(.malformed(file: path, field: f.name,
                                              reason: "values must lie in [0, 1] before normalisation, found min \(s.min) max \(s.max)"))
        }
    }
    if check.n != nil, !broken.contains(DatasetSchema.ids) {
        var seen: [String: Int] = [:]
        for (row, id) in try file.readStrings(DatasetSchema.ids).enumerated() {
            if let first = seen[id] {
                report.problems.append(.malformed(file: path, field: DatasetSchema.ids,
                                                  reason: "duplicate id \"\(id)\" in rows \(first) and \(row)"))
                break
            }
            seen[id] = row
        }
    }
    return report
}

/// K > 1 when `f` is a class-index label set ([N] holding 0…K−1, −1 = none) whose classes are
/// named (`DatasetSchema.classIndexNames`: its `columns`, or the root attribute `classes_<set>`).
private func classIndexClasses(_ f: FieldInfo, attributes: [String: String]) -> Int? {
    guard f.shape.count == 1, f.name.hasPrefix(DatasetSchema.labels + "/") else { return nil }
    let set = String(f.name.dropFirst(DatasetSchema.labels.count + 1))
    guard let k = DatasetSchema.classIndexNames(set: set, columns: f.columns, attributes: attributes)?.count, k > 1 else { return nil }
    return k
}

/// The first invalid row of box label set `f` ([N, 4], `BoxLabels`), with the number of invalid
/// rows; nil when every row is a box in [0, 1] or absent (all −1).
private func boxProblem(_ file: HDF5File, _ f: FieldInfo, path: String) throws -> DataError? {
    guard f.shape.count == 2, f.shape[0] > 0, f.shape[1] == 4 else { return nil }
    let v = try file.readFloat32(f.name, rows: 0..<f.shape[0]).scalars
    var first: (row: Int, reason: String)?, bad = 0
    for row in 0..<f.shape[0] {
        guard let reason = BoxLabels.problem(Array(v[row * 4 ..< row * 4 + 4])) else { continue }
        bad += 1
        if first == nil { first = (row, reason) }
    }
    guard let first else { return nil }
    return .malformed(file: path, field: f.name,
                      reason: "a box label set (columns x0, y0, x1, y1) holds boxes in [0, 1] with x0 ≤ x1 and y0 ≤ y1, "
                        + "or −1 in all four columns when absent; row \(first.row): \(first.reason)"
                        + (bad > 1 ? " (\(bad) invalid rows in all)" : ""))
}

/// Streams dataset `f` in batches of about 8 M values and accumulates its statistics.
private func scanValues(_ file: HDF5File, _ f: FieldInfo) throws -> ValueStats {
    var s = ValueStats()
    let rowSize = max(f.shape.dropFirst().reduce(1, *), 1)
    let batch = max(1, (8 << 20) / rowSize)
    for start in stride(from: 0, to: f.shape[0], by: batch) {
        let t = try file.readFloat32(f.name, rows: start..<min(start + batch, f.shape[0]))
        t.withUnsafeBufferPointer { p in
            for i in 0..<p.count {
                let v = p[i]
                if !v.isFinite {
                    if s.nonFinite == 0 { s.firstNonFiniteRow = start + i / rowSize }
                    s.nonFinite += 1
                } else {
                    s.min = Swift.min(s.min, v); s.max = Swift.max(s.max, v)
                    if v.rounded() != v { s.nonInteger += 1 }
                }
            }
        }
    }
    return s
}
