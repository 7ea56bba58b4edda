// CSVReader — an RFC 4180 CSV parser for the metadata tables of the real datasets (PTB-XL's
// ptbxl_database.csv, MIMIC's metadata/split/chexpert/record_list/machine_measurements, CheXpert's
// train.csv).
//
// Grammar (RFC 4180, plus what those files really contain):
//   file   = header *(EOL row) [EOL]        EOL = CRLF | LF
//   field  = quoted | plain                 quoted = '"' *(any but '"' | '""') '"'
//   a quoted field may contain commas, line breaks and doubled quotes ("" → ");
//   a plain field may contain anything but ',', '"', CR and LF.
// Columns are looked up by header name (the first header cell of PTB-XL's scp_statements.csv is
// empty — pandas' index — and is allowed). A leading UTF-8 byte-order mark is skipped.
// Errors (all `DataError`, naming file, line and column): an unterminated quote, a quote inside
// a plain field, text after a closing quote, a row whose field count differs from the header's,
// a field that is not UTF-8, a missing column.
//
// Deliberately not here: type conversion (the converters parse numbers and dates themselves, so
// the message can say what the value should have been), and streaming from disk (the largest
// file, machine_measurements.csv, is read whole; only the requested columns become Strings).

import Foundation

/// A parsed CSV table: header, rows (only the kept columns are materialised) and source lines.
///
///     let t = try CSVTable(contentsOf: url, columns: ["ecg_id", "scp_codes"])
///     let codes = try t.column("scp_codes")
///     for r in 0..<t.count { print(t[r, codes]) }
public struct CSVTable: Sendable {
    /// Path used in error messages.
    public let file: String
    /// Header cells, in file order.
    public let header: [String]
    /// `rows[r][c]`: the value of header column c in data row r; "" for columns not kept.
    public let rows: [[String]]
    /// 1-based line number where each data row starts (a quoted field may span lines).
    public let lines: [Int]

    /// Number of data rows.
    public var count: Int { rows.count }

    /// Value of row `r`, column index `c`.
    public subscript(_ r: Int, _ c: Int) -> String { rows[r][c] }

    /// Index of the column named `name` (exact match); `DataError.missingField` when absent.
    public func column(_ name: String) throws -> Int {
        guard let i = header.firstIndex(of: name) else {
            throw DataError.missingField(file: file, field: "column \(name)")
        }
        return i
    }

    /// Indices of several columns; the first missing one is the error.
    public func columns(_ names: [String]) throws -> [Int] { try names.map { try column($0) } }

    /// A location for messages: "line 12, column scp_codes".
    public func location(row r: Int, column c: Int) -> String { "line \(lines[r]), column \(header[c])" }

    /// Reads and parses `url`. `columns`: header names to materialise (nil = all); every listed
    /// name must exist. Missing file → `.missingFile`; a folder → `.isDirectory`; syntax errors → `.malformed`.
    public init(contentsOf url: URL, columns: [String]? = nil) throws {
        let data = try readInputFile(url, format: "CSV", expected: "CSV file")
        try self.init(bytes: [UInt8](data), file: url.path, columns: columns)
    }

    /// Parses CSV text (for tests and in-memory tables).
    public init(text: String, file: String = "<memory>", columns: [String]? = nil) throws {
        try self.init(bytes: Array(text.utf8), file: file, columns: columns)
    }

    /// Parses raw bytes (see the file header for the grammar).
    public init(bytes: [UInt8], file: String, columns: [String]? = nil) throws {
        var p = CSVParser(bytes: bytes, file: file)
        guard let (head, _) = try p.nextRecord(keep: nil, header: nil) else {
            throw DataError.malformed(file: file, field: "line 1", reason: "the file is empty (no header row)")
        }
        var keep: [Bool]? = nil
        if let columns {
            var k = [Bool](repeating: false, count: head.count)
            for name in columns {
                guard let i = head.firstIndex(of: name) else { throw DataError.missingField(file: file, field: "column \(name)") }
                k[i] = true
            }
            keep = k
        }
        var rows: [[String]] = [], lines: [Int] = []
        while let (row, line) = try p.nextRecord(keep: keep, header: head) {
            rows.append(row); lines.append(line)
        }
        self.file = file; self.header = head; self.rows = rows; self.lines = lines
    }
}

/// The byte-level state machine behind `CSVTable`.
struct CSVParser {
    let bytes: [UInt8]
    let file: String
    var pos = 0
    var line = 1

    init(bytes: [UInt8], file: String) {
        self.bytes = bytes; self.file = file
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { pos = 3 }
    }

    /// The next record and its first line, or nil at end of input. Blank lines between records
    /// are skipped. With `header`, the field count must equal `header.count`.
    mutating func nextRecord(keep: [Bool]?, header: [String]?) throws -> ([String], Int)? {
        // Skip blank lines (a trailing newline, or CRLF pairs, at the end of the file).
        while pos < bytes.count, bytes[pos] == 0x0A || bytes[pos] == 0x0D {
            if bytes[pos] == 0x0A { line += 1 }
            pos += 1
        }
        guard pos < bytes.count else { return nil }
        let startLine = line
        var fields: [String] = []
        var index = 0
        while true {
            let name = header.flatMap { index < $0.count ? $0[index] : nil } ?? "#\(index + 1)"
            let wanted = keep.map { index < $0.count && $0[index] } ?? true
            let (value, end) = try field(column: name, materialise: wanted)
            fields.append(value)
            index += 1
            if end { break }
        }
        if let header, fields.count != header.count {
            throw DataError.malformed(file: file, field: "line \(startLine)",
                                      reason: "has \(fields.count) fields, the header has \(header.count)")
        }
        return (fields, startLine)
    }

    /// Parses one field starting at `pos`; returns its value and whether it ended the record.
    mutating func field(column: String, materialise: Bool) throws -> (String, Bool) {
        let where_ = { (l: Int) in "line \(l), column \(column)" }
        var raw: [UInt8] = []
        if pos < bytes.count, bytes[pos] == 0x22 {  // quoted
            let openLine = line
            pos += 1
            while true {
                guard pos < bytes.count else {
                    throw DataError.malformed(file: file, field: where_(openLine), reason: "unterminated quoted field")
                }
                let b = bytes[pos]
                if b == 0x22 {
                    if pos + 1 < bytes.count, bytes[pos + 1] == 0x22 { raw.append(0x22); pos += 2; continue }
                    pos += 1
                    break
                }
                if b == 0x0A { line += 1 }
                raw.append(b); pos += 1
            }
            guard pos >= bytes.count || bytes[pos] == 0x2C || bytes[pos] == 0x0A || bytes[pos] == 0x0D else {
                throw DataError.malformed(file: file, field: where_(line),
                                          reason: "text after the closing quote of a quoted field")
            }
        } else {
            let start = pos
            while pos < bytes.count {
                let b = bytes[pos]
                if b == 0x2C || b == 0x0A || b == 0x0D { break }
                if b == 0x22 {
                    throw DataError.malformed(file: file, field: where_(line),
                                              reason: "a quote inside an unquoted field (quote the field and double the quote)")
                }
                pos += 1
            }
            if materialise { raw = Array(bytes[start..<pos]) }
        }
        var value = ""
        if materialise, !raw.isEmpty {
            guard let s = String(bytes: raw, encoding: .utf8) else {
                throw DataError.malformed(file: file, field: where_(line), reason: "not valid UTF-8 text")
            }
            value = s
        }
        // Delimiter: ',' continues the record; CRLF, LF or end of input ends it.
        if pos < bytes.count, bytes[pos] == 0x2C { pos += 1; return (value, false) }
        if pos < bytes.count, bytes[pos] == 0x0D { pos += 1 }
        if pos < bytes.count, bytes[pos] == 0x0A { pos += 1; line += 1 }
        return (value, true)
    }
}

/// Reads a whole text file as UTF-8; `DataError` naming the file when missing or not UTF-8.
public func readUTF8Text(_ url: URL, field: String = "text") throws -> String {
    let data = try readInputFile(url, format: "text", expected: "text file")
    guard let s = String(data: data, encoding: .utf8) else {
        throw DataError.malformed(file: url.path, field: field, reason: "not valid UTF-8 text")
    }
    return s
}
