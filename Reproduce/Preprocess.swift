// more ecg preprocess / more xray preprocess — the authors' preprocessing of one real record or
// image, written as raw little-endian float32 for inspection or comparison with Python.
//
//   more ecg preprocess ../shared/data/ludb/data/1 --out ludb1.f32     → 12×1000, [−1, 1]
//   more xray preprocess chest.jpeg --size 224 --out chest.f32          → 224×224, [0, 1]
//
// The ECG chain is Datasets/Preprocess/ECGPreprocess.swift, the X-ray chain XrayPreprocess.swift
// (before Normalize(0.499, 0.293)). Each command prints a one-line summary. Bad input (missing or
// malformed record, a record without 12 signals, unreadable image, an image larger than
// `maxImagePixels`, a folder given for the record or the image) is a one-line error naming the
// file and field; an --out that cannot be written (its folder missing or a file, or --out itself
// a folder) is one too, raised before the input is read.

import ArgumentParser
import Foundation
import Datasets

struct ECGCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ecg", abstract: "Real ECG records (WFDB).", subcommands: [ECGPreprocessCommand.self])
}

struct XrayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "xray", abstract: "Real chest X-ray images (JPEG/PNG).", subcommands: [XrayPreprocessCommand.self])
}

/// Summary statistics for the one-line report.
private func summary(_ x: [Float]) -> String {
    let lo = x.min() ?? 0, hi = x.max() ?? 0
    let mean = x.reduce(0.0) { $0 + Double($1) } / Double(max(x.count, 1))
    return String(format: "min %.4f max %.4f mean %.4f", lo, hi, mean)
}

struct ECGPreprocessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preprocess",
        abstract: "WFDB record → NaN→0, resample to 100 Hz, baseline removal, per-lead min-max; writes 12×1000 float32.")

    @Argument(help: "WFDB record path without extension (RECORD.hea + its .dat); it must hold 12 signals (the standard leads).")
    var record: String

    @Option(name: .long, help: "Output file (raw little-endian float32, [12, 1000]).")
    var out: String

    @Option(name: .long, help: ArgumentHelp(
        "Lead order: stored (the authors' default), mimic (swap aVF/aVL, MIMIC-IV-ECG → standard) or names (reorder by the header's lead names); as `more data convert --lead-order`, which has no names.",
        valueName: "stored|mimic|names"))
    var leadOrder: String = "stored"

    func validate() throws {
        // "asStored" is `data convert`'s spelling before 2 Dec 2026; both commands take both.
        guard leadOrder == "names" || parseLeadOrder(leadOrder) != nil else {
            throw ValidationError("--lead-order must be stored, mimic or names, got '\(leadOrder)'")
        }
    }

    func run() throws {
        let url = URL(fileURLWithPath: record.hasSuffix(".hea") ? String(record.dropLast(4)) : record)
        try requireWritableOutputFile(URL(fileURLWithPath: out))
        let rec = try WFDBRecord(record: url)
        try rec.requireSignals(12, headerFile: url.path + ".hea")   // the help promises 12×1000
        let order: ECGLeadOrder
        switch leadOrder {
        case "names":
            guard let o = ECGLeadOrder.standard(fromNames: rec.header.signalNames) else {
                throw DataError.malformed(file: url.path + ".hea", field: "record \(rec.header.recordName): lead names",
                                          reason: "\(rec.header.signalNames) do not name the 12 standard leads")
            }
            order = o
        default:
            order = parseLeadOrder(leadOrder) ?? .asStored   // checked by validate()
        }
        let y = try preprocessECG(rec.physical(), leads: rec.signalCount, samplingRate: rec.header.frequency,
                                  leadOrder: order, source: url.path + ".hea")
        let folder = url.deletingLastPathComponent()
        try requireNotAnInput(URL(fileURLWithPath: out),
                              inputs: [URL(fileURLWithPath: url.path + ".hea")] + rec.header.signals.map { folder.appendingPathComponent($0.fileName) })
        try writeRawFloat32(y, to: URL(fileURLWithPath: out))
        print("\(rec.header.recordName): \(rec.signalCount)×\(rec.sampleCount) at \(rec.header.frequency) Hz → \(rec.signalCount)×\(y.count / rec.signalCount) at 100 Hz, \(summary(y)) → \(out)")
    }
}

struct XrayPreprocessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preprocess",
        abstract: "Image → grayscale, bicubic resize, CLAHE, uint8; writes size×size float32 in [0, 1] (before normalisation).")

    @Argument(help: "JPEG or PNG file (one image; not a folder).")
    var image: String

    @Option(name: .long, help: "Output side length (224 in the paper).")
    var size: Int = 224

    @Option(name: .long, help: "Output file (raw little-endian float32, [size, size]).")
    var out: String

    func validate() throws {
        guard size >= 1 && size <= 8192 else { throw ValidationError("--size must be in 1…8192, got \(size)") }
    }

    func run() throws {
        try requireWritableOutputFile(URL(fileURLWithPath: out))
        try requireNotAnInput(URL(fileURLWithPath: out), inputs: [URL(fileURLWithPath: image)])
        let x = try preprocessXray(contentsOf: URL(fileURLWithPath: image), size: size)
        try writeRawFloat32(x, to: URL(fileURLWithPath: out))
        print("\((image as NSString).lastPathComponent): \(size)×\(size), \(summary(x)) → \(out)")
    }
}
