// RunLog — a pre-training run's CSV logs (train_log.csv, one row per optimiser step;
// val_log.csv, one row per epoch) read back for figure-training, with errors that name the file,
// the line and the column.
//
// The trainer writes them (`Trainer.logURL`, `Trainer.valLogURL`): a header, then rows of
// numbers. Reading is strict where the figure depends on it — the columns it draws must be in
// the header, and every row must have one field per column and a finite number in each drawn
// column — because a half-written or hand-edited log would otherwise draw a silently wrong
// curve. A diverged run never logs a non-finite loss (the trainer stops before it logs the step).
//
// Not here: writing the logs (MoRE/Trainer.swift), the figure itself (FigureCurves.swift).

import Foundation

/// The rows of one run log, as column name → value.
struct RunLog {
    let url: URL
    let rows: [[String: Double]]

    /// Reads `url`, which must have every column of `required` and at least one row.
    ///
    ///     let log = try RunLog(url: run.appendingPathComponent("train_log.csv"), required: ["step", "loss"])
    init(url: URL, required: [String]) throws {
        self.url = url
        guard FileManager.default.fileExists(atPath: url.path) else { throw RunLogError.missing(file: url.path) }
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { throw RunLogError.unreadable(file: url.path) }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        guard let headLine = lines.first, !headLine.isEmpty else { throw RunLogError.noRows(file: url.path) }
        let head = headLine.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        for column in required where !head.contains(column) {
            throw RunLogError.missingColumn(file: url.path, column: column, header: head)
        }
        var rows: [[String: Double]] = []
        for (i, line) in lines.enumerated().dropFirst() where !line.isEmpty {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == head.count else {
                throw RunLogError.fieldCount(file: url.path, line: i + 1, found: fields.count, expected: head.count)
            }
            var row: [String: Double] = [:]
            for (column, field) in zip(head, fields) {
                let value = Double(field)
                if required.contains(column) {
                    guard let value, value.isFinite else {
                        throw RunLogError.badValue(file: url.path, line: i + 1, column: column, value: field)
                    }
                }
                row[column] = value
            }
            rows.append(row)
        }
        guard !rows.isEmpty else { throw RunLogError.noRows(file: url.path) }
        self.rows = rows
    }
}

/// Why a run log cannot be drawn; every case names the file (and the line and column).
enum RunLogError: Error, CustomStringConvertible, Equatable {
    case missing(file: String)
    case unreadable(file: String)
    case noRows(file: String)
    case missingColumn(file: String, column: String, header: [String])
    case fieldCount(file: String, line: Int, found: Int, expected: Int)
    case badValue(file: String, line: Int, column: String, value: String)

    var description: String {
        switch self {
        case .missing(let f):
            return "\(f): missing (the log `more pretrain` writes beside its checkpoints; is --checkpoint in a run folder?)"
        case .unreadable(let f): return "\(f): not readable as UTF-8 text"
        case .noRows(let f): return "\(f): no rows (the run logged no step)"
        case .missingColumn(let f, let c, let h): return "\(f): no column '\(c)' (header: \(h.joined(separator: ",")))"
        case .fieldCount(let f, let l, let n, let e): return "\(f) line \(l): \(n) fields, the header has \(e)"
        case .badValue(let f, let l, let c, let v): return "\(f) line \(l): column '\(c)' is '\(v)', not a finite number"
        }
    }
}
