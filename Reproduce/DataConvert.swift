// more data convert — converts a published dataset the user holds into the HDF5 schema the
// suite reads (DatasetSchema.swift), one file per split, then validates every file written:
//
//   more data convert ptbxl    --root PTBXL_DIR --out DIR [--rate 100|500]
//   more data convert mimic    --root MIMIC_CXR_JPG_DIR --ecg-root MIMIC_IV_ECG_DIR --out DIR [--size 64|224]
//                              [--reports DIR] [--day-window calendarDays|authorsTimestamp]
//   more data convert chexpert --root CHEXPERT_DIR --out DIR [--size 64|224]
//   more data convert edema    --root MIMIC_CXR_JPG_DIR --labels EDEMA_CSV --out DIR [--size 64|224]
//
// Common options: --limit N (first N source records, for quick trials), --lead-order
// asStored|mimic, --seed (random choices: MIMIC's 2 % carve-out, CheXpert 5×200), --threads,
// --quiet. Shows a progress bar per stage while it reads the records (`--quiet`: none), then
// prints the files written with their rows, the skipped records grouped by reason, and the stale
// files removed. Exit 1 (a DataError naming the file and field) when nothing converts or a file
// fails validation before it is renamed into place (Convert/ConvertSummary.swift).
// Deliberately not here: the converters (Sources/Datasets/Convert/).

import ArgumentParser
import Datasets
import Foundation
import MoRE

struct DataConvert: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert PTB-XL, MIMIC-CXR-JPG + MIMIC-IV-ECG, CheXpert or MIMIC edema labels to HDF5.",
        discussion: """
            DATASET is ptbxl, mimic, chexpert or edema. --root is the dataset's published folder \
            (unchanged layout). Bad records are skipped and counted; a conversion in which no \
            record converts is an error and writes nothing. Each file is written under a temporary \
            name, checked as `more data check` checks it, and only then renamed into --out, so a \
            file that fails its check is never left there. A file in --out that this dataset's \
            conversion would write but now has no rows for (e.g. an old ptbxl_val.h5 when no \
            record falls in fold 9) is removed and listed, so --out never mixes two conversions; \
            files of other datasets are left alone.
            """)

    @Argument(help: "ptbxl, mimic, chexpert or edema.")
    var dataset: String

    @Option(name: .long, help: "Root folder of the published dataset (MIMIC-CXR-JPG for mimic and edema).")
    var root: String

    @Option(name: .long, help: "Output folder (created if missing).")
    var out: String

    @Option(name: .long, help: "mimic only: root folder of MIMIC-IV-ECG (record_list.csv, machine_measurements.csv, files/).")
    var ecgRoot: String?

    @Option(name: .long, help: "mimic and edema: folder holding files/pXX/pSUBJECT/sSTUDY.txt (mimic-cxr-reports.zip unpacked; default --root).")
    var reports: String?

    @Option(name: .long, help: "mimic only: 60-day window in calendarDays (default) or authorsTimestamp (the released code's pandas arithmetic).")
    var dayWindow: String = MIMICConverter.DayWindow.calendarDays.rawValue

    @Option(name: .long, help: "edema only: the edema-severity label CSV (subject_id, study_id, dicom_id, edema_severity).")
    var labels: String?

    @Option(name: .long, help: "Convert only the first N records of the source table (quick trials).")
    var limit: Int?

    @Option(name: .long, help: "ECG lead order: asStored (the authors) or mimic (swap aVL/aVF).")
    var leadOrder: String = "asStored"

    @Option(name: .long, help: "X-ray side length: 64 (tiny config) or 224 (paper config).")
    var size: Int = 224

    @Option(name: .long, help: "ptbxl only: records100 (100, the authors' input) or records500 (500, resampled).")
    var rate: Int = 100

    @Option(name: .long, help: "Seed of the converters' random choices (published default 42).")
    var seed: UInt64 = 42

    @Flag(name: .long, help: "No progress bars (stderr).")
    var quiet = false

    @OptionGroup var compute: ComputeOptions

    static let datasets = ["ptbxl", "mimic", "chexpert", "edema"]

    func validate() throws {
        guard DataConvert.datasets.contains(dataset) else {
            throw ValidationError("DATASET must be one of \(DataConvert.datasets.joined(separator: ", ")), got \(dataset)")
        }
        guard parseLeadOrder(leadOrder) != nil else { throw ValidationError("--lead-order must be asStored or mimic, got \(leadOrder)") }
        guard size == 64 || size == 224 else { throw ValidationError("--size must be 64 or 224, got \(size)") }
        guard rate == 100 || rate == 500 else { throw ValidationError("--rate must be 100 or 500, got \(rate)") }
        if let l = limit, l < 1 { throw ValidationError("--limit must be at least 1, got \(l)") }
        guard MIMICConverter.DayWindow(rawValue: dayWindow) != nil else {
            throw ValidationError("--day-window must be calendarDays or authorsTimestamp, got \(dayWindow)")
        }
        if dataset == "mimic", ecgRoot == nil { throw ValidationError("mimic needs --ecg-root (the MIMIC-IV-ECG folder)") }
        if dataset == "edema", labels == nil { throw ValidationError("edema needs --labels (the edema-severity CSV)") }
    }

    func run() throws {
        try compute.apply()
        let bars = PassProgressBars(unit: "records", draw: !quiet)
        let options = ConvertOptions(limit: limit, leadOrder: parseLeadOrder(leadOrder) ?? .asStored, xraySize: size, seed: seed,
                                     progress: { stage, done, total in bars.report(stage, done, total) })
        let rootURL = URL(fileURLWithPath: root), outURL = URL(fileURLWithPath: out)
        let start = Date()
        let summary: ConvertSummary
        do {
            summary = try convert(root: rootURL, out: outURL, options: options)
        } catch let error as DataError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        }
        print(summary.text)
        print(String(format: "converted in %.1f s", Date().timeIntervalSince(start)))
        print("all \(summary.written.count) files pass `more data check` (each was checked before it was renamed into place)")
    }

    func convert(root: URL, out: URL, options: ConvertOptions) throws -> ConvertSummary {
        switch dataset {
        case "ptbxl":
            return try PTBXLConverter.convert(root: root, out: out, rate: rate, options: options)
        case "mimic":
            return try MIMICConverter.convert(cxrRoot: root, ecgRoot: URL(fileURLWithPath: ecgRoot ?? ""),
                                              reportsRoot: reports.map { URL(fileURLWithPath: $0) }, out: out,
                                              window: MIMICConverter.DayWindow(rawValue: dayWindow) ?? .calendarDays, options: options)
        case "chexpert":
            return try CheXpertConverter.convert(root: root, out: out, options: options)
        default:
            return try EdemaConverter.convert(cxrRoot: root, labels: URL(fileURLWithPath: labels ?? ""),
                                              reportsRoot: reports.map { URL(fileURLWithPath: $0) }, out: out, options: options)
        }
    }
}
