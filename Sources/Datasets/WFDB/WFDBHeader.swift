// WFDBHeader — parses a PhysioNet WFDB header (`.hea`): the record line and one line per signal.
//
// Record line:  `name[/segments] nsig [fs[/counterfreq[(base)]] [nsamp [basetime [basedate]]]]`
// Signal line:  `file format[xspf][:skew][+offset] [gain[(baseline)][/units] [adcres [adczero
//               [initval [checksum [blocksize [description…]]]]]]]`
// Comment lines start with `#` and are kept verbatim (LUDB puts age, sex and the diagnosis there,
// PTB-XL nothing). Defaults follow the WFDB specification (`header(5)`): sampling frequency 250 Hz,
// gain 200 ADC units per physical unit when absent or 0, baseline = ADC zero, units "mV".
//
// Deliberately not supported (a typed error, never a guess): multi-segment records (`name/n`),
// more than one sample per frame (`16x2`), skew (`16:3`). The reading of the signal files is in
// WFDBRecord.swift.

import Foundation

/// One signal line of a WFDB header.
public struct WFDBSignal: Equatable, Sendable {
    /// Signal file name relative to the header's folder (e.g. `1.dat`).
    public var fileName: String
    /// Storage format (16 = little-endian int16, 212 = packed 12-bit pairs).
    public var format: Int
    /// Byte offset of the first sample in the signal file (`16+512`), default 0.
    public var byteOffset: Int
    /// ADC units per physical unit; 200 when the header gives 0 or nothing.
    public var gain: Double
    /// Digital value of 0 physical units; defaults to `adcZero`.
    public var baseline: Int
    /// Physical units, default "mV".
    public var units: String
    /// ADC resolution in bits (0 = unspecified).
    public var adcResolution: Int
    /// ADC zero.
    public var adcZero: Int
    /// First sample as stored, when the header gives it.
    public var initialValue: Int?
    /// 16-bit sum of all samples, when the header gives it (signed or unsigned convention).
    public var checksum: Int?
    /// Block size (0 = not blocked).
    public var blockSize: Int
    /// Lead or signal name (the rest of the line; may contain spaces).
    public var description: String
}

/// A parsed WFDB header.
///
///     let h = try WFDBHeader(contentsOf: URL(fileURLWithPath: "ludb/data/1.hea"))
///     h.signals[0].gain      // 1716
///     h.signals[0].baseline  // 6   (from `1716(6)/mV`)
public struct WFDBHeader: Equatable, Sendable {
    /// Record name from the record line.
    public var recordName: String
    /// Sampling frequency in Hz (default 250).
    public var frequency: Double
    /// Samples per signal, or nil when the header leaves it out (then the file size decides).
    public var sampleCount: Int?
    /// One entry per signal line, in header order.
    public var signals: [WFDBSignal]
    /// Comment lines without the leading `#`, in order.
    public var comments: [String]

    /// Signal names (descriptions) in header order.
    public var signalNames: [String] { signals.map(\.description) }

    /// Reads and parses a `.hea` file.
    public init(contentsOf url: URL) throws {
        let data = try readInputFile(url, format: "WFDB header", expected: "WFDB header file (RECORD.hea)")
        guard let text = String(data: data, encoding: .utf8) ?? String(data: data, encoding: .isoLatin1) else {
            throw DataError.unreadable(file: url.path, format: "WFDB header", reason: "not text")
        }
        try self.init(parsing: text, file: url.path)
    }

    /// Parses header text; `file` is only used in error messages.
    public init(parsing text: String, file: String) throws {
        var lines: [Substring] = []
        var comments: [String] = []
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty { continue }
            if line.hasPrefix("#") { comments.append(String(line.dropFirst())); continue }
            lines.append(Substring(line))
        }
        guard let recordLine = lines.first else {
            throw DataError.missingField(file: file, field: "record line")
        }
        let rec = recordLine.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard rec.count >= 2 else {
            throw DataError.malformed(file: file, field: "record line",
                                      reason: "expected `name nsig [fs [nsamp]]`, found `\(recordLine)`")
        }
        let name = String(rec[0])
        if name.contains("/") {
            throw DataError.malformed(file: file, field: "record \(name): record line",
                                      reason: "multi-segment records are not supported")
        }
        guard let nsig = Int(rec[1]), nsig >= 0 else {
            throw DataError.malformed(file: file, field: "record \(name): number of signals",
                                      reason: "`\(rec[1])` is not a non-negative integer")
        }
        var fs = 250.0
        if rec.count >= 3 {
            // `fs[/counterfreq[(base)]]`: only the sampling frequency matters here.
            let fsText = rec[2].split(separator: "/", maxSplits: 1)[0]
            guard let f = Double(fsText), f > 0, f.isFinite else {
                throw DataError.malformed(file: file, field: "record \(name): sampling frequency",
                                          reason: "`\(rec[2])` is not a positive number")
            }
            fs = f
        }
        var nsamp: Int? = nil
        if rec.count >= 4 {
            guard let n = Int(rec[3]), n >= 0 else {
                throw DataError.malformed(file: file, field: "record \(name): samples per signal",
                                          reason: "`\(rec[3])` is not a non-negative integer")
            }
            nsamp = n == 0 ? nil : n
        }
        guard lines.count - 1 >= nsig else {
            throw DataError.malformed(file: file, field: "record \(name): signal lines",
                                      reason: "record line announces \(nsig) signals, found \(lines.count - 1) signal lines")
        }
        var signals: [WFDBSignal] = []
        for s in 0..<nsig {
            signals.append(try WFDBHeader.parseSignal(lines[1 + s], index: s, record: name, file: file))
        }
        self.recordName = name
        self.frequency = fs
        self.sampleCount = nsamp
        self.signals = signals
        self.comments = comments
    }

    /// Parses one signal line (`index` and `record` name the field in errors).
    static func parseSignal(_ line: Substring, index: Int, record: String, file: String) throws -> WFDBSignal {
        // Split off the first 8 fields; the description is the rest of the line, spaces included.
        var fields: [Substring] = []
        var rest = line[...]
        while fields.count < 8 {
            rest = rest.drop(while: { $0 == " " || $0 == "\t" })
            if rest.isEmpty { break }
            let end = rest.firstIndex(where: { $0 == " " || $0 == "\t" }) ?? rest.endIndex
            fields.append(rest[rest.startIndex..<end])
            rest = rest[end...]
        }
        let description = rest.trimmingCharacters(in: .whitespaces)
        let field = { (what: String) in "record \(record): signal \(index) (line \(index + 2)): \(what)" }
        guard fields.count >= 2 else {
            throw DataError.malformed(file: file, field: field("signal line"),
                                      reason: "expected `file format [gain …]`, found `\(line)`")
        }
        // format[xspf][:skew][+offset]
        var fmtText = fields[1]
        var offset = 0
        if let plus = fmtText.firstIndex(of: "+") {
            guard let o = Int(fmtText[fmtText.index(after: plus)...]), o >= 0 else {
                throw DataError.malformed(file: file, field: field("byte offset"), reason: "`\(fields[1])`")
            }
            offset = o
            fmtText = fmtText[..<plus]
        }
        if fmtText.contains("x") || fmtText.contains(":") {
            throw DataError.malformed(file: file, field: field("format"),
                                      reason: "`\(fields[1])`: multiple samples per frame and skew are not supported")
        }
        guard let format = Int(fmtText) else {
            throw DataError.malformed(file: file, field: field("format"), reason: "`\(fields[1])` is not a number")
        }
        guard format == 16 || format == 212 else {
            throw DataError.malformed(file: file, field: field("format"),
                                      reason: "format \(format) is not supported (supported: 16, 212)")
        }
        func int(_ i: Int, _ name: String) throws -> Int? {
            guard i < fields.count else { return nil }
            guard let v = Int(fields[i]) else {
                throw DataError.malformed(file: file, field: field(name), reason: "`\(fields[i])` is not an integer")
            }
            return v
        }
        let adcRes = try int(3, "ADC resolution") ?? 0
        let adcZero = try int(4, "ADC zero") ?? 0
        let initial = try int(5, "initial value")
        let checksum = try int(6, "checksum")
        let blockSize = try int(7, "block size") ?? 0
        // gain[(baseline)][/units]
        var gain = 0.0, baseline = adcZero, units = "mV"
        if fields.count >= 3 {
            var g = fields[2]
            if let slash = g.firstIndex(of: "/") {
                units = String(g[g.index(after: slash)...])
                g = g[..<slash]
            }
            if let open = g.firstIndex(of: "(") {
                guard g.last == ")", let b = Int(g[g.index(after: open)..<g.index(before: g.endIndex)]) else {
                    throw DataError.malformed(file: file, field: field("baseline"),
                                              reason: "`\(fields[2])` is not of the form gain(baseline)/units")
                }
                baseline = b
                g = g[..<open]
            }
            guard let gv = Double(g), gv.isFinite else {
                throw DataError.malformed(file: file, field: field("gain"), reason: "`\(fields[2])` is not a number")
            }
            gain = gv
        }
        if gain == 0 { gain = 200 }
        return WFDBSignal(fileName: String(fields[0]), format: format, byteOffset: offset, gain: gain,
                          baseline: baseline, units: units, adcResolution: adcRes, adcZero: adcZero,
                          initialValue: initial, checksum: checksum, blockSize: blockSize,
                          description: description)
    }
}
