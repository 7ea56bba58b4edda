// HDF5BatchReader — reads a dataset file row range by row range (hyperslabs), so training and
// validation can stream batches of a file larger than memory; `readHDF5` reads a whole file.
//
// Opening checks the file's structure against the schema (types, ranks, N on axis 0, columns,
// required attributes) and throws the first problem as a DataError naming file and dataset;
// after that every read returns consistent rows. Safe to use from several threads (calls into
// libhdf5 are serialised).
// Every float32 read is also checked for NaN and ±Inf, which would otherwise surface, if at all,
// as a NaN loss or a wrong embedding far from their source: a DataError names the file, the
// dataset and the row. That costs one pass over rows already in memory.
// X-rays are also checked to lie in [0, 1] (the schema's range, before normalisation): a file
// that `more data check` calls invalid for it is not embedded or trained on either.
// Deliberately not here: the other value checks (label values: HDF5Validator.swift, `more data
// check`), shuffling and batching policy (the trainer's data loader decides which rows to ask for).

import CHDF5
import Foundation
import TensorCore

/// Streams rows of an HDF5 dataset file.
///
/// ```swift
/// let reader = try HDF5BatchReader(url: url)
/// for start in stride(from: 0, to: reader.count, by: 100) {
///     let batch = try reader.read(rows: start..<min(start + 100, reader.count))   // xray: [B, H, W]
/// }
/// ```
public final class HDF5BatchReader: @unchecked Sendable {
    public let url: URL
    /// N, the number of rows.
    public let count: Int
    /// Every dataset of the file with its type and shape (label datasets as "/labels/<name>").
    public let fields: [FieldInfo]
    /// Root attributes (lists joined with ", ").
    public let attributes: [String: String]
    /// Label-set names → column names.
    public let labelNames: [String: [String]]
    /// Schema warnings (missing recommended attributes, unexpected datasets).
    public let warnings: [String]
    /// Split name: the `split` attribute.
    public var name: String { attributes["split"] ?? url.deletingPathExtension().lastPathComponent }

    let file: HDF5File

    /// Opens `url` and checks its structure. Throws `.missingFile`, `.unreadable` (not HDF5,
    /// truncated), or the first schema problem (`.missingField`, `.wrongType`, `.wrongShape`,
    /// `.rowMismatch`, `.malformed`).
    public init(url: URL) throws {
        self.url = url
        file = try HDF5File.open(path: url.path)
        let inspection = try file.inspect()
        let check = inspection.schemaCheck(file: url.path)
        if let first = check.problems.first { throw first }
        count = check.n ?? 0
        fields = inspection.fields
        attributes = inspection.attributes
        warnings = check.warnings
        var names: [String: [String]] = [:]
        for f in fields where f.name.hasPrefix(DatasetSchema.labels + "/") {
            let label = String(f.name.dropFirst(DatasetSchema.labels.count + 1))
            names[label] = f.columns ?? [label]
        }
        labelNames = names
    }

    /// True when the file has dataset `name` (e.g. `DatasetSchema.xray`).
    public func has(_ name: String) -> Bool { fields.contains { $0.name == name } }

    private func checked(_ rows: Range<Int>) throws -> Range<Int> {
        guard rows.lowerBound >= 0, rows.upperBound <= count else {
            throw DataError.malformed(file: url.path, field: "rows",
                                      reason: "requested rows \(rows.lowerBound)..<\(rows.upperBound) of a file with N = \(count)")
        }
        return rows
    }

    /// Row identifiers `[rows]`.
    public func readIDs(rows: Range<Int>) throws -> [String] { try file.readStrings(DatasetSchema.ids, rows: checked(rows)) }
    /// Rows `rows` of float32 dataset `field`; throws `.malformed` naming the row of the first
    /// NaN or ±Inf.
    private func readFinite(_ field: String, rows: Range<Int>) throws -> Tensor {
        let t = try file.readFloat32(field, rows: checked(rows))
        if let r = t.firstNonFiniteRow {
            let row = rows.lowerBound + r
            throw DataError.malformed(file: url.path, field: field,
                                      reason: "non-finite value (NaN or ±Inf) in row \(row) (`more data check` lists every problem of the file)")
        }
        return t
    }

    /// X-rays `[rows, H, W]`; throws `.malformed` naming the first row with a value outside [0, 1].
    public func readXray(rows: Range<Int>) throws -> Tensor {
        let t = try readFinite(DatasetSchema.xray, rows: rows)
        let perRow = t.count / max(rows.count, 1)
        let bad = t.withUnsafeBufferPointer { p in p.firstIndex { !(0...1).contains($0) } }
        if let i = bad {
            throw DataError.malformed(file: url.path, field: DatasetSchema.xray,
                                      reason: "value \(t.pointer[i]) outside [0, 1] in row \(rows.lowerBound + i / max(perRow, 1)) (X-rays are stored before normalisation; `more data check` lists every problem of the file)")
        }
        return t
    }
    /// ECGs at 100 Hz `[rows, 12, L]`.
    public func readECG(rows: Range<Int>) throws -> Tensor { try readFinite(DatasetSchema.ecg, rows: rows) }
    /// Raw ECGs `[rows, 12, Lraw]`.
    public func readECGRaw(rows: Range<Int>) throws -> Tensor { try readFinite(DatasetSchema.ecgRaw, rows: rows) }
    /// Radiology reports `[rows]`.
    public func readReportXray(rows: Range<Int>) throws -> [String] { try file.readStrings(DatasetSchema.reportXray, rows: checked(rows)) }
    /// Cardiology reports `[rows]`.
    public func readReportECG(rows: Range<Int>) throws -> [String] { try file.readStrings(DatasetSchema.reportECG, rows: checked(rows)) }
    /// Label set `name`: `[rows]` or `[rows, C]`.
    public func readLabels(_ name: String, rows: Range<Int>) throws -> Tensor {
        try readFinite(DatasetSchema.labels + "/" + name, rows: rows)
    }

    /// Every field of `rows` as a split (same name, attributes and label names as the file).
    /// `fields` restricts what is read (ids always are): dataset paths such as
    /// `DatasetSchema.xray`, `"/labels/<name>"`, or `DatasetSchema.labels` for every label set;
    /// nil reads everything. E.g. a trainer skips the 500 Hz `/ecg_raw` (80 % of a file's bytes).
    public func read(rows: Range<Int>, fields: Set<String>? = nil) throws -> DatasetSplit {
        let r = try checked(rows)
        func wants(_ path: String) -> Bool {
            guard let fields else { return has(path) }
            return has(path) && (fields.contains(path)
                || (path.hasPrefix(DatasetSchema.labels + "/") && fields.contains(DatasetSchema.labels)))
        }
        var labels: [String: Tensor] = [:]
        for name in labelNames.keys where wants(DatasetSchema.labels + "/" + name) {
            labels[name] = try readLabels(name, rows: r)
        }
        return DatasetSplit(
            name: name, ids: try readIDs(rows: r),
            xray: wants(DatasetSchema.xray) ? try readXray(rows: r) : nil,
            ecg: wants(DatasetSchema.ecg) ? try readECG(rows: r) : nil,
            ecgRaw: wants(DatasetSchema.ecgRaw) ? try readECGRaw(rows: r) : nil,
            reportXray: wants(DatasetSchema.reportXray) ? try readReportXray(rows: r) : [],
            reportECG: wants(DatasetSchema.reportECG) ? try readReportECG(rows: r) : [],
            labels: labels, labelNames: labelNames.filter { labels[$0.key] != nil }, attributes: attributes)
    }

    /// The rows `indices` in that order (e.g. a shuffled batch). Contiguous runs of ascending
    /// indices are read as one hyperslab each. `fields` as in `read(rows:fields:)`.
    public func read(indices: [Int], fields: Set<String>? = nil) throws -> DatasetSplit {
        for i in indices where i < 0 || i >= count {
            throw DataError.malformed(file: url.path, field: "rows", reason: "requested row \(i) of a file with N = \(count)")
        }
        if indices.isEmpty { return try read(rows: 0..<0, fields: fields) }
        var parts: [DatasetSplit] = []
        var start = 0
        while start < indices.count {
            var end = start + 1
            while end < indices.count && indices[end] == indices[end - 1] + 1 { end += 1 }
            parts.append(try read(rows: indices[start]..<(indices[end - 1] + 1), fields: fields))
            start = end
        }
        return DatasetSplit(concatenating: parts, name: name, labelNames: parts[0].labelNames, attributes: attributes)
    }
}

/// Reads a whole dataset file into memory (see `HDF5BatchReader` for streaming); `fields`
/// restricts the datasets read, as in `HDF5BatchReader.read(rows:fields:)`.
/// - Throws: `DataError` naming the file and dataset (missing, not HDF5, truncated, wrong dtype,
///   wrong rank, N mismatch).
public func readHDF5(_ url: URL, fields: Set<String>? = nil) throws -> DatasetSplit {
    let reader = try HDF5BatchReader(url: url)
    return try reader.read(rows: 0..<reader.count, fields: fields)
}

extension DatasetSplit {
    /// Rows of `parts` one after the other (all parts have the same fields and trailing shapes).
    init(concatenating parts: [DatasetSplit], name: String, labelNames: [String: [String]], attributes: [String: String]) {
        func cat(_ ts: [Tensor?]) -> Tensor? {
            guard let first = ts.first ?? nil else { return nil }
            let all = ts.compactMap { $0 }
            let rows = all.reduce(0) { $0 + $1.shape[0] }
            let out = Tensor(zeros: [rows] + first.shape.dropFirst())
            var offset = 0
            for t in all {
                t.withUnsafeBufferPointer { src in
                    (out.pointer + offset).update(from: src.baseAddress!, count: src.count)
                }
                offset += t.count
            }
            return out
        }
        var labels: [String: Tensor] = [:]
        for key in parts.first?.labels.keys.sorted() ?? [] { labels[key] = cat(parts.map { $0.labels[key] }) }
        self.init(name: name, ids: parts.flatMap(\.ids), xray: cat(parts.map(\.xray)), ecg: cat(parts.map(\.ecg)),
                  ecgRaw: cat(parts.map(\.ecgRaw)), reportXray: parts.flatMap(\.reportXray),
                  reportECG: parts.flatMap(\.reportECG), labels: labels, labelNames: labelNames, attributes: attributes)
    }
}
