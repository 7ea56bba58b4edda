// more data convert — converts a published dataset the user holds into the HDF5 schema the
// suite reads (DatasetSchema.swift), one file per split, then validates every file written:
//
//   more data convert ptbxl    --root PTBXL_DIR --out DIR [--rate 100|500] [--lead-order stored|mimic]
//   more data convert mimic    --root MIMIC_CXR_JPG_DIR --ecg-root MIMIC_IV_ECG_DIR --out DIR [--size 224|64]
//                              [--reports DIR] [--day-window calendar-days|authors-timestamp]
//                              [--lead-order stored|mimic] [--seed S]
//   more data convert chexpert --root CHEXPERT_DIR --out DIR [--size 224|64] [--seed S]
//   more data convert edema    --root MIMIC_CXR_JPG_DIR --labels EDEMA_CSV --out DIR [--size 224|64] [--reports DIR]
//
// Every dataset takes --limit N (first N source records, for quick trials), --threads and
// --quiet. An option that does not apply to the dataset (`chexpert --rate 500`) is a usage error
// naming it and the datasets it is for; an --out that is a file or cannot be created is an error
// before any record is read (the converters check it: ConvertPaths.swift). Shows a progress bar
// per stage while it reads the records (`--quiet`: none), then prints the files written with
// their rows, the skipped records grouped by reason, and the stale files removed. Exit 1 (a
// DataError naming the file and field) when nothing converts or a file fails validation before it
// is renamed into place (Convert/ConvertSummary.swift).
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
            files of other datasets are left alone. An option whose help names datasets applies to \
            those only; given for another, it is an error. --out is checked before any record is \
            read: it must be a folder, or a path where one can be created.
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

    @Option(name: .long, help: ArgumentHelp(
        "mimic only: the 60-day window, in calendar-days (default) or authors-timestamp (the released code's pandas arithmetic).",
        valueName: "calendar-days|authors-timestamp"))
    var dayWindow: String?

    @Option(name: .long, help: "edema only: the edema-severity label CSV (subject_id, study_id, dicom_id, edema_severity).")
    var labels: String?

    @Option(name: .long, help: "Convert only the first N records of the source table (quick trials).")
    var limit: Int?

    @Option(name: .long, help: ArgumentHelp(
        "ptbxl and mimic: ECG lead order, stored (default: as stored, the authors) or mimic (swap aVL/aVF); as `more ecg preprocess --lead-order`.",
        valueName: "stored|mimic"))
    var leadOrder: String?

    @Option(name: .long, help: ArgumentHelp(
        "mimic, chexpert and edema: X-ray side length, 224 (default, the paper config) or 64. The tiny config "
            + "(`more pretrain --config tiny`, the default) needs --size 64: it refuses 224×224 X-rays.",
        valueName: "224|64"))
    var size: Int?

    @Option(name: .long, help: ArgumentHelp(
        "ptbxl only: records100 (100, default: the authors' input) or records500 (500, resampled to 100 Hz).", valueName: "100|500"))
    var rate: Int?

    @Option(name: .long, help: "mimic and chexpert: seed of the converter's random choices, MIMIC's 2 % validation carve-out and CheXpert's 5×200 draw (default 42, the published one).")
    var seed: UInt64?

    @Flag(name: .long, help: "No progress bars (stderr).")
    var quiet = false

    @OptionGroup var compute: ComputeOptions

    static let datasets = ["ptbxl", "mimic", "chexpert", "edema"]

    /// The dataset-specific options with the datasets they apply to, in help order.
    static let optionDatasets: [(option: String, datasets: [String])] = [
        ("--ecg-root", ["mimic"]), ("--reports", ["mimic", "edema"]), ("--day-window", ["mimic"]), ("--labels", ["edema"]),
        ("--lead-order", ["ptbxl", "mimic"]), ("--size", ["mimic", "chexpert", "edema"]), ("--rate", ["ptbxl"]),
        ("--seed", ["mimic", "chexpert"]),
    ]

    /// The dataset-specific options given on the command line, by name.
    var givenOptions: Set<String> {
        Set(optionsGiven([("--ecg-root", ecgRoot != nil), ("--reports", reports != nil), ("--day-window", dayWindow != nil),
                          ("--labels", labels != nil), ("--lead-order", leadOrder != nil), ("--size", size != nil),
                          ("--rate", rate != nil), ("--seed", seed != nil)]))
    }

    /// The options given that do not apply to `dataset`, each with the datasets it is for
    /// ("--rate (ptbxl only)"); empty when every option given applies.
    var misplacedOptions: [String] {
        DataConvert.optionDatasets.filter { givenOptions.contains($0.option) && !$0.datasets.contains(dataset) }
            .map { "\($0.option) (\(englishList($0.datasets)) only)" }
    }

    /// --lead-order parsed (`parseLeadOrder`: stored, asStored or mimic); the default stored.
    var leadOrderValue: ECGLeadOrder? { leadOrder.map(parseLeadOrder) ?? .asStored }
    /// --day-window parsed (calendar-days or authors-timestamp, or the camel-case raw values).
    var dayWindowValue: MIMICConverter.DayWindow? { dayWindow.map { MIMICConverter.DayWindow(option: $0) } ?? .calendarDays }
    /// --size, --rate, --seed with their defaults.
    var sizeValue: Int { size ?? 224 }
    var rateValue: Int { rate ?? 100 }
    var seedValue: UInt64 { seed ?? 42 }

    func validate() throws {
        guard DataConvert.datasets.contains(dataset) else {
            throw ValidationError("DATASET must be one of \(DataConvert.datasets.joined(separator: ", ")), got \(dataset)")
        }
        let misplaced = misplacedOptions
        guard misplaced.isEmpty else {
            throw ValidationError("\(englishList(misplaced)) \(misplaced.count == 1 ? "does" : "do") not apply to \(dataset)")
        }
        if leadOrder == "names" {
            throw ValidationError("--lead-order names is `more ecg preprocess`'s (one record, reordered by its header's lead names); "
                                  + "a conversion writes one order for every record: stored or mimic")
        }
        guard leadOrderValue != nil else { throw ValidationError("--lead-order must be stored or mimic, got \(leadOrder ?? "")") }
        guard sizeValue == 64 || sizeValue == 224 else { throw ValidationError("--size must be 224 or 64, got \(sizeValue)") }
        guard rateValue == 100 || rateValue == 500 else { throw ValidationError("--rate must be 100 or 500, got \(rateValue)") }
        if let l = limit, l < 1 { throw ValidationError("--limit must be at least 1, got \(l)") }
        guard dayWindowValue != nil else {
            throw ValidationError("--day-window must be calendar-days or authors-timestamp, got \(dayWindow ?? "")")
        }
        if dataset == "mimic", ecgRoot == nil { throw ValidationError("mimic needs --ecg-root (the MIMIC-IV-ECG folder)") }
        if dataset == "edema", labels == nil { throw ValidationError("edema needs --labels (the edema-severity CSV)") }
    }

    func run() throws {
        try compute.apply()
        let bars = PassProgressBars(unit: "records", draw: !quiet)
        let options = ConvertOptions(limit: limit, leadOrder: leadOrderValue ?? .asStored, xraySize: sizeValue, seed: seedValue,
                                     progress: { stage, done, total in bars.report(stage, done, total) })
        let rootURL = URL(fileURLWithPath: root), outURL = URL(fileURLWithPath: out)
        let start = Date()
        // A DataError (a missing --root, an --out that is a file, nothing converted …) goes to
        // More.main, which prints it as every other command's: "Error: FILE: …", exit 1.
        let summary = try convert(root: rootURL, out: outURL, options: options)
        print(summary.text)
        print(String(format: "converted in %.1f s", Date().timeIntervalSince(start)))
        print("all written files pass `more data check` (\(counted(summary.written.count, "file")), each checked before it was renamed into place)")
    }

    func convert(root: URL, out: URL, options: ConvertOptions) throws -> ConvertSummary {
        switch dataset {
        case "ptbxl":
            return try PTBXLConverter.convert(root: root, out: out, rate: rateValue, options: options)
        case "mimic":
            return try MIMICConverter.convert(cxrRoot: root, ecgRoot: URL(fileURLWithPath: ecgRoot ?? ""),
                                              reportsRoot: reports.map { URL(fileURLWithPath: $0) }, out: out,
                                              window: dayWindowValue ?? .calendarDays, options: options)
        case "chexpert":
            return try CheXpertConverter.convert(root: root, out: out, options: options)
        default:
            return try EdemaConverter.convert(cxrRoot: root, labels: URL(fileURLWithPath: labels ?? ""),
                                              reportsRoot: reports.map { URL(fileURLWithPath: $0) }, out: out, options: options)
        }
    }
}
