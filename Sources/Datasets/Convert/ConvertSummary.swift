// ConvertSummary — what a converter did: rows written per output file, records skipped with
// their reasons (grouped and counted), and the text printed at the end of `more data convert`.
//
// Also the shared plumbing every converter uses: the common options (`ConvertOptions`),
// `writeConvertedSplit`, which writes a split to a temporary file and validates it, and
// `finishConversion`, which refuses a conversion that wrote nothing, renames every validated
// split into place at once and removes the stale files of an earlier one. The splits of one
// conversion are one `FileTransaction` (AtomicWrite.swift): when a later split fails, the
// earlier ones are not renamed either, so the output folder keeps the previous conversion whole.
//
// Deliberately not here: any dataset knowledge (one file per dataset: PTBXLConverter.swift, …).

import Foundation
import TensorCore

/// Options shared by the converters.
public struct ConvertOptions: Sendable {
    /// Convert only the first `limit` records of the source table (quick trials); nil = all.
    public var limit: Int?
    /// ECG lead order of the output (`.asStored` = the authors' code).
    public var leadOrder: ECGLeadOrder
    /// X-ray side length (64 tiny config, 224 paper config).
    public var xraySize: Int
    /// Seed of every random choice a converter makes (2 % carve-out, 5×200 sampling).
    public var seed: UInt64
    /// Told how far the record reading has got (ConvertEach.swift); nil = silent.
    public var progress: ConvertProgress?

    public init(limit: Int? = nil, leadOrder: ECGLeadOrder = .asStored, xraySize: Int = 224, seed: UInt64 = 42,
                progress: ConvertProgress? = nil) {
        self.limit = limit; self.leadOrder = leadOrder; self.xraySize = xraySize; self.seed = seed; self.progress = progress
    }

    /// Name written to the `ecg_lead_order_option` attribute.
    public var leadOrderName: String {
        switch leadOrder {
        case .asStored: return "asStored"
        case .mimicToStandard: return "mimic"
        case .permutation(let p): return "permutation \(p)"
        }
    }
}

/// The outcome of one conversion.
public struct ConvertSummary: Sendable {
    /// Dataset converted ("ptbxl", "mimic", …).
    public var dataset: String
    /// Files written, with their row counts, in write order.
    public var written: [(file: String, rows: Int)] = []
    /// Skipped records: (record id, reason — the grouping key —, detail such as the error message).
    public var skipped: [(record: String, reason: String, detail: String)] = []
    /// Free-form counts worth reporting (e.g. "pairs before the 60-day filter").
    public var notes: [String] = []
    /// Output files this conversion has no rows for (not written), in write order.
    public var empty: [String] = []
    /// Files of an earlier conversion removed from the output folder because this conversion
    /// has no rows for them (`finishConversion`).
    public var removedStale: [String] = []

    public init(dataset: String) { self.dataset = dataset }

    /// Records one skipped record.
    public mutating func skip(_ record: String, _ reason: String, detail: String = "") {
        skipped.append((record, reason, detail))
    }

    /// Total rows written.
    public var rowsWritten: Int { written.reduce(0) { $0 + $1.rows } }

    /// Skip reasons with their counts, most frequent first (ties by reason).
    public var skipCounts: [(reason: String, count: Int)] {
        var c: [String: Int] = [:]
        for s in skipped { c[s.reason, default: 0] += 1 }
        return c.map { ($0.key, $0.value) }.sorted { $0.count != $1.count ? $0.count > $1.count : $0.reason < $1.reason }
    }

    /// The report printed at the end of a conversion.
    public var text: String {
        var out = ["\(dataset): \(counted(rowsWritten, "row")) in \(counted(written.count, "file"))"]
        for w in written { out.append("  \(w.file): \(counted(w.rows, "row"))") }
        out += empty.map { "  \($0): no rows, not written" }
        out += notes.map { "  \($0)" }
        out += removedStale.map { "  removed stale \($0): left by an earlier conversion, which this one has no rows for" }
        if skipped.isEmpty {
            out.append("  skipped: none")
        } else {
            out.append("  skipped: \(counted(skipped.count, "record"))")
            for (reason, n) in skipCounts {
                out.append("    \(n) × \(reason)")
                for s in skipped.filter({ $0.reason == reason }).prefix(3) {
                    out.append("      e.g. \(s.record)" + (s.detail.isEmpty ? "" : ": \(s.detail)"))
                }
            }
        }
        return out.joined(separator: "\n")
    }
}

/// "1 row", "2 rows", "0 files": `n` and `noun`, plural unless `n` is 1.
public func counted(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

/// Writes `split` for `<folder>/<split.name>.h5` into `files` and records it in `summary`. The
/// file is written under a temporary name and checked as `more data check` checks it
/// (`validateDataset`: schema, NaN/Inf, label values, duplicate ids); `finishConversion` renames
/// it into place with the conversion's other splits. A file that fails is never left in `folder`:
/// its first problem is thrown, naming the final file and the field, and the splits staged
/// before it are dropped with `files`. An empty split is not written (recorded in
/// `summary.empty`): the schema allows it, but an empty file would only hide a wrong --root or
/// --limit.
func writeConvertedSplit(_ split: DatasetSplit, folder: URL, summary: inout ConvertSummary, files: FileTransaction) throws {
    let name = "\(split.name).h5"
    guard split.count > 0 else { summary.empty.append(name); return }
    let url = folder.appendingPathComponent(name)
    try files.stage(url) { tmp in
        try writeHDF5(split, to: tmp)
        if let problem = try validateDataset(tmp, reportingAs: url.path).problems.first { throw problem }
    }
    summary.written.append((name, split.count))
}

/// Ends a conversion into `folder`. A conversion that wrote no file is an error naming `table`
/// (the source table, when it has no data rows) or `root` (when every record was skipped), with
/// the most common skip reasons; nothing in `folder` is touched then. Otherwise the staged
/// splits (`files`) are renamed into place together, and a file of an earlier conversion that
/// this one has no rows for (e.g. an old `ptbxl_val.h5` when no record falls in fold 9 now) is
/// removed, so that `folder` never mixes two conversions; the removal is listed in the summary.
/// - Parameters:
///   - table: the source table whose rows are the records, and the number of its rows read
///     (for MIMIC, the frontal images of the metadata table).
func finishConversion(_ summary: inout ConvertSummary, files: FileTransaction, folder: URL, root: URL, table: (url: URL, rows: Int)) throws {
    guard summary.written.isEmpty else {
        try files.commit()
        for name in summary.empty {
            let stale = folder.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: stale.path) else { continue }
            do { try FileManager.default.removeItem(at: stale) } catch {
                throw DataError.writeFailed(file: stale.path, reason: "cannot remove this file of an earlier conversion, "
                                            + "which this one has no rows for: \(plainReason(error))")
            }
            summary.removedStale.append(name)
        }
        return
    }
    guard table.rows > 0 else {
        throw DataError.malformed(file: table.url.path, field: "rows", reason: "no data rows to convert; no file written")
    }
    let reasons = summary.skipCounts.prefix(3).map { "\($0.count) × \($0.reason)" }.joined(separator: ", ")
    let example = summary.skipped.first.map { "; e.g. \($0.record)" + ($0.detail.isEmpty ? "" : ": \($0.detail)") } ?? ""
    throw DataError.malformed(file: root.path, field: "records",
                              reason: "nothing converted from the \(table.rows) rows of \(table.url.lastPathComponent)"
                                + (reasons.isEmpty ? "" : " (\(reasons))") + example + "; no file written")
}

/// A float32 tensor `[rows.count] + shape` from per-row value arrays (each `shape` product long).
func stackRows(_ rows: [[Float]], shape: [Int]) -> Tensor {
    let per = shape.reduce(1, *)
    var flat = [Float](); flat.reserveCapacity(rows.count * per)
    for r in rows { precondition(r.count == per, "stackRows: row of \(r.count) values, expected \(per)"); flat += r }
    return Tensor(shape: [rows.count] + shape, values: flat)
}

