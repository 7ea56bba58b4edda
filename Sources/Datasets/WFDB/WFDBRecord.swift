// WFDBRecord — reads the samples of a WFDB record (formats 16 and 212) and converts them to
// physical units.
//
// A record is `NAME.hea` plus one or more signal files named in the header; the signals stored in
// one file are interleaved frame by frame (s0[l0] s0[l1] … s1[l0] …). Format 16 is little-endian
// int16; format 212 packs two 12-bit two's-complement samples into 3 bytes
// (b0 = low 8 bits of A, b1 = high nibble of B << 4 | high nibble of A, b2 = low 8 bits of B).
// Reading checks that each file holds whole frames, that the header's sample count matches the
// file size, and (by default) each signal's initial value and 16-bit checksum.
// Physical value = (digital − baseline) / gain, computed in Double and rounded once to Float
// (this is what `wfdb.rdsamp` does, so LUDB 1 and 2 match the goldens exactly). The WFDB
// "invalid sample" codes (−32768 in format 16, −2048 in 212) become NaN.
//
// Deliberately not here: preprocessing (ECGPreprocess.swift), other formats (a typed error).

import Foundation

/// The samples of one WFDB record.
///
///     let r = try WFDBRecord(record: URL(fileURLWithPath: "ludb/data/1"))   // no extension
///     let mv = r.physical()        // [nsig, nsamp], row-major, mV
public struct WFDBRecord: Sendable {
    /// The parsed header.
    public let header: WFDBHeader
    /// Digital samples, `[signal][sample]` row-major: `digital[s * sampleCount + t]`.
    public let digital: [Int32]
    /// Number of signals.
    public var signalCount: Int { header.signals.count }
    /// Samples per signal.
    public let sampleCount: Int

    /// Reads `record.hea` and its signal files. `record` is the path without extension; a folder
    /// there without a `.hea` beside it is `DataError.isDirectory` naming it (a folder of records
    /// given for one record).
    /// - Parameter verify: check every signal's initial value and checksum against the header.
    public init(record: URL, verify: Bool = true) throws {
        let heaURL = record.appendingPathExtension("hea")
        if !FileManager.default.fileExists(atPath: heaURL.path), isFolder(record) {
            throw DataError.isDirectory(record.path, expected: "WFDB record path without extension (RECORD for RECORD.hea and RECORD.dat)")
        }
        let header = try WFDBHeader(contentsOf: heaURL)
        try self.init(header: header, headerFile: heaURL, verify: verify)
    }

    /// Reads the signal files of an already parsed header (`headerFile` locates them).
    public init(header: WFDBHeader, headerFile: URL, verify: Bool = true) throws {
        let folder = headerFile.deletingLastPathComponent()
        let name = header.recordName
        // Group signals by file, keeping header order inside each file.
        var files: [String] = []
        var members: [String: [Int]] = [:]
        for (i, s) in header.signals.enumerated() {
            if members[s.fileName] == nil { files.append(s.fileName); members[s.fileName] = [] }
            members[s.fileName]!.append(i)
        }
        var n = header.sampleCount
        var decoded: [Int: [Int32]] = [:]
        for f in files {
            let idx = members[f]!
            let first = header.signals[idx[0]]
            for i in idx where header.signals[i].format != first.format || header.signals[i].byteOffset != first.byteOffset {
                throw DataError.malformed(file: headerFile.path, field: "record \(name): signal \(i): format",
                                          reason: "signals stored in \(f) must share format and byte offset")
            }
            let url = folder.appendingPathComponent(f)
            let bytes = [UInt8](try readInputFile(url, format: "WFDB signal", expected: "WFDB signal file"))
            let payload = bytes.count - first.byteOffset
            let perFrameSamples = idx.count
            // Whole frames: 16 → 2 bytes per sample; 212 → 3 bytes per 2 samples.
            let samplesInFile: Int
            switch first.format {
            case 16:
                guard payload >= 0, payload % (2 * perFrameSamples) == 0 else {
                    throw DataError.unreadable(file: url.path, format: "WFDB format 16 signal",
                                               reason: "record \(name): truncated: \(bytes.count) bytes is not a whole number of \(2 * perFrameSamples)-byte frames after offset \(first.byteOffset)")
                }
                samplesInFile = payload / 2
            default: // 212
                guard payload >= 0, payload % 3 == 0 || payload % 3 == 2 else {
                    throw DataError.unreadable(file: url.path, format: "WFDB format 212 signal",
                                               reason: "record \(name): truncated: \(bytes.count) bytes cannot hold whole 12-bit samples")
                }
                samplesInFile = (payload / 3) * 2 + (payload % 3 == 2 ? 1 : 0)
            }
            let frames = samplesInFile / perFrameSamples
            if let expected = n {
                guard frames >= expected else {
                    throw DataError.malformed(file: headerFile.path, field: "record \(name): samples per signal",
                                              reason: "header says \(expected), \(f) holds only \(frames) frames of \(perFrameSamples) signals")
                }
                // 212 pads an odd sample count to whole byte triples; format 16 must agree exactly.
                guard frames == expected || (first.format == 212 && samplesInFile - expected * perFrameSamples <= 1) else {
                    throw DataError.malformed(file: headerFile.path, field: "record \(name): samples per signal",
                                              reason: "header says \(expected), \(f) holds \(frames) frames of \(perFrameSamples) signals")
                }
            } else {
                n = frames
            }
            let count = n! * perFrameSamples
            let flat = first.format == 16
                ? WFDBRecord.decode16(bytes, offset: first.byteOffset, count: count)
                : WFDBRecord.decode212(bytes, offset: first.byteOffset, count: count)
            for (k, s) in idx.enumerated() {
                var lead = [Int32](repeating: 0, count: n!)
                for t in 0..<n! { lead[t] = flat[t * perFrameSamples + k] }
                decoded[s] = lead
            }
        }
        let nsamp = n ?? 0
        var digital = [Int32](repeating: 0, count: header.signals.count * nsamp)
        for s in 0..<header.signals.count {
            digital.replaceSubrange(s * nsamp..<(s + 1) * nsamp, with: decoded[s]!)
        }
        self.header = header
        self.sampleCount = nsamp
        self.digital = digital
        if verify { try self.verify(headerFile: headerFile.path) }
    }

    /// Interleaved little-endian int16 → Int32.
    static func decode16(_ b: [UInt8], offset: Int, count: Int) -> [Int32] {
        var out = [Int32](repeating: 0, count: count)
        for i in 0..<count {
            let lo = UInt16(b[offset + 2 * i]), hi = UInt16(b[offset + 2 * i + 1])
            out[i] = Int32(Int16(bitPattern: lo | hi << 8))
        }
        return out
    }

    /// Packed 12-bit pairs → Int32 (sign-extended from bit 11).
    static func decode212(_ b: [UInt8], offset: Int, count: Int) -> [Int32] {
        var out = [Int32](repeating: 0, count: count)
        func ext(_ v: Int32) -> Int32 { v >= 2048 ? v - 4096 : v }
        var i = 0, p = offset
        while i < count {
            let b0 = Int32(b[p]), b1 = Int32(b[p + 1])
            out[i] = ext(b0 | (b1 & 0x0F) << 8)
            if i + 1 < count {
                let b2 = Int32(b[p + 2])
                out[i + 1] = ext(b2 | (b1 & 0xF0) << 4)
            }
            i += 2; p += 3
        }
        return out
    }

    /// Checks each signal's initial value and 16-bit checksum (compared modulo 2^16, so both the
    /// signed convention of LUDB and the unsigned one of wfdb-python/PTB-XL are accepted).
    public func verify(headerFile: String) throws {
        for (s, sig) in header.signals.enumerated() {
            let lead = digital[s * sampleCount..<(s + 1) * sampleCount]
            let what = "record \(header.recordName): signal \(s) (\(sig.description))"
            if let iv = sig.initialValue, let first = lead.first, Int(first) != iv {
                throw DataError.malformed(file: headerFile, field: "\(what): initial value",
                                          reason: "header says \(iv), first sample is \(first)")
            }
            if let cs = sig.checksum {
                var sum: UInt16 = 0
                for v in lead { sum = sum &+ UInt16(truncatingIfNeeded: v) }
                guard sum == UInt16(truncatingIfNeeded: cs) else {
                    throw DataError.malformed(file: headerFile, field: "\(what): checksum",
                                              reason: "header says \(cs), samples sum to \(Int16(bitPattern: sum)) (mod 2^16)")
                }
            }
        }
    }

    /// Throws `DataError.wrongShape` naming `headerFile` and the record unless the record has
    /// `count` signals (the model's ECG input is the 12 standard leads):
    /// `…/r.hea: record r: signals: expected shape 12 leads, found [6]`.
    public func requireSignals(_ count: Int, headerFile: String) throws {
        guard signalCount == count else {
            throw DataError.wrongShape(file: headerFile, field: "record \(header.recordName): signals",
                                       expected: "\(count) leads", got: [signalCount])
        }
    }

    /// The 16-bit checksum of signal `s` as wfdb-python prints it (0…65535).
    public func checksum(signal s: Int) -> Int {
        var sum: UInt16 = 0
        for v in digital[s * sampleCount..<(s + 1) * sampleCount] { sum = sum &+ UInt16(truncatingIfNeeded: v) }
        return Int(sum)
    }

    /// Physical values `(digital − baseline) / gain` as `[nsig, nsamp]` row-major Float, computed
    /// in Double; invalid-sample codes become NaN.
    public func physical() -> [Float] {
        var out = [Float](repeating: 0, count: digital.count)
        for (s, sig) in header.signals.enumerated() {
            let invalid: Int32 = sig.format == 16 ? -32768 : -2048
            let base = Double(sig.baseline), gain = sig.gain
            for t in 0..<sampleCount {
                let d = digital[s * sampleCount + t]
                out[s * sampleCount + t] = d == invalid ? .nan : Float((Double(d) - base) / gain)
            }
        }
        return out
    }
}
