// MIMICConverter — MIMIC-CXR-JPG v2.0.0 + MIMIC-IV-ECG v1.0 → (X-ray, ECG, reports) pairs, as the
// authors' preprocess_data.py / preprocess_notes.py (MoRE-reference §3.1–3.2):
//   CXR side  mimic-cxr-2.0.0-metadata.csv  (dicom_id, subject_id, study_id, ViewPosition, StudyDate)
//               keep ViewPosition PA or AP
//             ⋈ mimic-cxr-2.0.0-split.csv   on dicom_id (split: train / validate / test)
//             ⋈ mimic-cxr-2.0.0-chexpert.csv on (subject_id, study_id); NaN → 0, −1 kept
//             image files/pXX/pSUBJECT/sSTUDY/DICOM.jpg; report files/pXX/pSUBJECT/sSTUDY.txt
//   ECG side  machine_measurements.csv (subject_id, study_id, ecg_time, report_0 … report_6)
//             ⋈ record_list.csv on (subject_id, study_id) (path of the WFDB record)
//   pairs     every CXR × every ECG of the same subject with |StudyDate − ECG day| ≤ 60
//             (`DayWindow`: calendar days, or the authors' pandas arithmetic)
// Outputs (file names as the synthetic cohort's):
//   pretrain_{train,val,test}.h5     all pairs; train = official train minus a random 2 %
//                                    (ceil(0.02·n) as sklearn's train_test_split, drawn with the
//                                    counter RNG from --seed, default 42), val = validate + that 2 %
//   mimic4label_{train,val,test}.h5  pairs without any −1 among the 13 labels, official split
//   each with /xray [N,S,S], /ecg [N,12,1000], /report_xray, /report_ecg, /labels/chexpert13, /labels/mimic4
// Images and ECGs are preprocessed once each (many pairs share them). A pair whose image or ECG
// cannot be read, or whose report is not UTF-8, is skipped and counted.
//
// Deliberately not here: report text rules (MIMICReport.swift), the authors' unpublished list of
// bad ECGs (cxr_ecg_merged_labels_60days_error.csv: our skip list replaces it).

import Foundation
import TensorCore

/// Converter for MIMIC-CXR-JPG + MIMIC-IV-ECG.
public enum MIMICConverter {
    public static let generator = "MoRE.swift MIMICConverter"
    public static let version = "1"

    /// How the day difference between a CXR study and an ECG is measured.
    public enum DayWindow: String, Sendable {
        /// StudyDate − date part of ecg_time, in whole calendar days (MoRE-reference §3.2).
        case calendarDays
        /// The released code: floor((StudyDate 00:00 − ecg_time) / 1 day) (pandas `.dt.days` of a
        /// date minus a timestamp), so an ECG taken later in the day after the CXR date counts as
        /// one more day before it.
        case authorsTimestamp

        /// The `--day-window` spelling: "calendar-days" or "authors-timestamp" (kebab-case, as
        /// the tool's other option values). The raw value — written to the files' attributes —
        /// stays "calendarDays" / "authorsTimestamp".
        public var optionName: String { self == .calendarDays ? "calendar-days" : "authors-timestamp" }

        /// Parses `--day-window`: `optionName`, or the raw value (the spelling before 2 Dec 2026).
        public init?(option s: String) {
            guard let w = [DayWindow.calendarDays, .authorsTimestamp].first(where: { $0.optionName == s || $0.rawValue == s }) else { return nil }
            self = w
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    static func dayNumber(_ y: Int, _ m: Int, _ d: Int) -> Int {
        let y2 = m <= 2 ? y - 1 : y
        let era = (y2 >= 0 ? y2 : y2 - 399) / 400
        let yoe = y2 - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        return era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
    }

    /// "21800506" (or "21800506.0") → day number; nil when not a valid yyyymmdd.
    public static func parseStudyDate(_ s: String) -> Int? {
        guard let v = Double(s.trimmingCharacters(in: .whitespaces)), v == v.rounded(), v >= 10_000_101, v < 100_000_000 else { return nil }
        let n = Int(v), y = n / 10000, m = n / 100 % 100, d = n % 100
        guard (1...12).contains(m), (1...31).contains(d) else { return nil }
        return dayNumber(y, m, d)
    }

    /// "2180-05-06 09:30:00" (seconds optional, 'T' allowed) → (day number, seconds into the day).
    public static func parseTimestamp(_ s: String) -> (day: Int, seconds: Int)? {
        let parts = s.trimmingCharacters(in: .whitespaces).split(whereSeparator: { $0 == " " || $0 == "T" })
        guard (1...2).contains(parts.count) else { return nil }
        let ymd = parts[0].split(separator: "-").compactMap { Int($0) }
        guard ymd.count == 3, (1...12).contains(ymd[1]), (1...31).contains(ymd[2]) else { return nil }
        var seconds = 0
        if parts.count == 2 {
            let hms = parts[1].split(separator: ":").map { Double($0) }
            guard (2...3).contains(hms.count), !hms.contains(where: { $0 == nil }) else { return nil }
            seconds = Int(hms[0]!) * 3600 + Int(hms[1]!) * 60 + (hms.count == 3 ? Int(hms[2]!) : 0)
        }
        return (dayNumber(ymd[0], ymd[1], ymd[2]), seconds)
    }

    /// StudyDate − ECG time in days under `window`.
    public static func dayDifference(studyDay: Int, ecgDay: Int, ecgSeconds: Int, window: DayWindow) -> Int {
        switch window {
        case .calendarDays: return studyDay - ecgDay
        case .authorsTimestamp:
            let diff = (studyDay - ecgDay) * 86_400 - ecgSeconds
            return diff >= 0 ? diff / 86_400 : -((-diff + 86_399) / 86_400)
        }
    }

    /// One frontal image with its study's labels.
    struct CXR { var dicom, subject, study, split: String; var day: Int; var labels: [Float] }
    /// One ECG with its machine report.
    struct ECG { var subject, study, path, note: String; var day, seconds: Int }

    /// Frontal (PA/AP) images joined with split and CheXpert labels, in metadata order.
    static func readCXR(root: URL, summary: inout ConvertSummary) throws -> [CXR] {
        let meta = try CSVTable(contentsOf: root.appendingPathComponent("mimic-cxr-2.0.0-metadata.csv"),
                                columns: ["dicom_id", "subject_id", "study_id", "ViewPosition", "StudyDate"])
        let split = try CSVTable(contentsOf: root.appendingPathComponent("mimic-cxr-2.0.0-split.csv"), columns: ["dicom_id", "split"])
        let chex = try CSVTable(contentsOf: root.appendingPathComponent("mimic-cxr-2.0.0-chexpert.csv"),
                                columns: ["subject_id", "study_id"] + CohortLabels.chexpert13Names)
        let (sd, ss) = (try split.column("dicom_id"), try split.column("split"))
        var splitOf: [String: String] = [:]
        for r in 0..<split.count { splitOf[split[r, sd]] = split[r, ss] }
        let (cs, ct) = (try chex.column("subject_id"), try chex.column("study_id"))
        let labelColumns = try chex.columns(CohortLabels.chexpert13Names)
        var labelsOf: [String: Result<[Float], DataError>] = [:]
        for r in 0..<chex.count {
            guard let s = MIMICLayout.id(chex[r, cs]), let t = MIMICLayout.id(chex[r, ct]) else { continue }
            labelsOf["\(s)/\(t)"] = chexpert13Row(chex, row: r, columns: labelColumns)
        }
        let c = try meta.columns(["dicom_id", "subject_id", "study_id", "ViewPosition", "StudyDate"])
        var out: [CXR] = [], lateral = 0
        for r in 0..<meta.count {
            let dicom = meta[r, c[0]]
            guard ["PA", "AP"].contains(meta[r, c[3]]) else { lateral += 1; continue }
            guard let subject = MIMICLayout.id(meta[r, c[1]]), let study = MIMICLayout.id(meta[r, c[2]]) else {
                summary.skip(dicom, "subject_id or study_id is not an integer", detail: meta.location(row: r, column: c[1])); continue
            }
            guard let day = parseStudyDate(meta[r, c[4]]) else {
                summary.skip(dicom, "StudyDate is not yyyymmdd", detail: "\(meta.location(row: r, column: c[4])): '\(meta[r, c[4]])'"); continue
            }
            guard let part = splitOf[dicom] else { summary.skip(dicom, "not in mimic-cxr-2.0.0-split.csv"); continue }
            switch labelsOf["\(subject)/\(study)"] {
            case nil: summary.skip(dicom, "study not in mimic-cxr-2.0.0-chexpert.csv")
            case .failure(let e)?: summary.skip(dicom, "malformed CheXpert label", detail: "\(e)")
            case .success(let labels)?: out.append(CXR(dicom: dicom, subject: subject, study: study, split: part, day: day, labels: labels))
            }
        }
        summary.notes.append("\(out.count) frontal (PA/AP) images with split and labels; \(lateral) other views dropped")
        return out
    }

    /// ECGs by subject: machine_measurements ⋈ record_list, in machine_measurements order.
    static func readECG(root: URL, summary: inout ConvertSummary) throws -> [String: [ECG]] {
        let reportNames = (0..<7).map { "report_\($0)" }
        let mm = try CSVTable(contentsOf: root.appendingPathComponent("machine_measurements.csv"),
                              columns: ["subject_id", "study_id", "ecg_time"] + reportNames)
        let rl = try CSVTable(contentsOf: root.appendingPathComponent("record_list.csv"), columns: ["subject_id", "study_id", "path"])
        let (rs, rt, rp) = (try rl.column("subject_id"), try rl.column("study_id"), try rl.column("path"))
        var pathOf: [String: String] = [:]
        for r in 0..<rl.count {
            if let s = MIMICLayout.id(rl[r, rs]), let t = MIMICLayout.id(rl[r, rt]) { pathOf["\(s)/\(t)"] = rl[r, rp] }
        }
        let c = try mm.columns(["subject_id", "study_id", "ecg_time"]), rc = try mm.columns(reportNames)
        var out: [String: [ECG]] = [:]
        for r in 0..<mm.count {
            guard let s = MIMICLayout.id(mm[r, c[0]]), let t = MIMICLayout.id(mm[r, c[1]]) else {
                summary.skip("ECG at \(mm.location(row: r, column: c[0]))", "ECG subject_id or study_id is not an integer"); continue
            }
            guard let time = parseTimestamp(mm[r, c[2]]) else {
                summary.skip("ECG s\(t)", "ecg_time is not a timestamp", detail: "\(mm.location(row: r, column: c[2])): '\(mm[r, c[2]])'"); continue
            }
            guard let path = pathOf["\(s)/\(t)"] else { summary.skip("ECG s\(t)", "ECG study not in record_list.csv"); continue }
            let note = MIMICReport.ecgNote(rc.map { mm[r, $0] })
            out[s, default: []].append(ECG(subject: s, study: t, path: path, note: note, day: time.day, seconds: time.seconds))
        }
        return out
    }

    /// Converts MIMIC-CXR-JPG at `cxrRoot` and MIMIC-IV-ECG at `ecgRoot` into `out`.
    /// - Parameters:
    ///   - reportsRoot: folder holding `files/pXX/pSUBJECT/sSTUDY.txt` (default `cxrRoot`).
    ///   - options: `limit` caps the number of pairs (first N in metadata × ECG order).
    public static func convert(cxrRoot: URL, ecgRoot: URL, reportsRoot: URL? = nil, out: URL, window: DayWindow = .calendarDays,
                               options: ConvertOptions = ConvertOptions()) throws -> ConvertSummary {
        try requireFolder(cxrRoot, expected: "folder: MIMIC-CXR-JPG's root, the one holding mimic-cxr-2.0.0-metadata.csv (--root)")
        try requireFolder(ecgRoot, expected: "folder: MIMIC-IV-ECG's root, the one holding record_list.csv (--ecg-root)")
        if let reportsRoot { try requireFolder(reportsRoot, expected: "folder holding files/pXX/pSUBJECT/sSTUDY.txt (--reports)") }
        try requireWritableOutputFolder(out)   // before hours of reading, not after
        let reports = reportsRoot ?? cxrRoot
        var summary = ConvertSummary(dataset: "mimic")
        let cxrs = try readCXR(root: cxrRoot, summary: &summary)
        let ecgs = try readECG(root: ecgRoot, summary: &summary)

        // 1. Pairs: every frontal CXR × every ECG of the subject within 60 days.
        var pairs: [(cxr: Int, ecg: ECG)] = []
        pairing: for (i, x) in cxrs.enumerated() {
            for e in ecgs[x.subject] ?? [] where abs(dayDifference(studyDay: x.day, ecgDay: e.day, ecgSeconds: e.seconds, window: window)) <= 60 {
                if let l = options.limit, pairs.count >= l { summary.notes.append("--limit \(l): stopped after \(l) pairs"); break pairing }
                pairs.append((i, e))
            }
        }
        summary.notes.append("\(pairs.count) (X-ray, ECG) pairs within 60 days (\(window.rawValue))")

        // 2. Each image, report and ECG once.
        var imageIndex: [Int: Int] = [:], imageOrder: [Int] = []
        var ecgIndex: [String: Int] = [:], ecgOrder: [ECG] = []
        for p in pairs {
            if imageIndex[p.cxr] == nil { imageIndex[p.cxr] = imageOrder.count; imageOrder.append(p.cxr) }
            if ecgIndex[p.ecg.study] == nil { ecgIndex[p.ecg.study] = ecgOrder.count; ecgOrder.append(p.ecg) }
        }
        let images = preprocessXrays(imageOrder.map {
            let x = cxrs[$0]
            return cxrRoot.appendingPathComponent(MIMICLayout.imagePath(subject: x.subject, study: x.study, dicom: x.dicom))
        }, size: options.xraySize, stage: "X-ray images", progress: options.progress)
        let ecgResults = convertEach(ecgOrder.count, stage: "ECG records", progress: options.progress) { i in
            try convertECGRecord(ecgRoot.appendingPathComponent(ecgOrder[i].path), leadOrder: options.leadOrder)
        }
        var notes: [String: Result<String, DataError>] = [:]
        for i in imageOrder {
            let x = cxrs[i], key = "\(x.subject)/\(x.study)"
            if notes[key] != nil { continue }
            let url = reports.appendingPathComponent(MIMICLayout.reportPath(subject: x.subject, study: x.study))
            if !FileManager.default.fileExists(atPath: url.path) { notes[key] = .success(MIMICReport.xrayNote(report: nil, labels: x.labels)); continue }
            do { notes[key] = .success(MIMICReport.xrayNote(report: try readUTF8Text(url, field: "report"), labels: x.labels)) } catch let e as DataError {
                notes[key] = .failure(e)
            }
        }

        // 3. Rows (pairs whose parts all loaded), then the splits.
        struct Row { var id, split, reportX, reportE: String; var xray, ecg, labels: [Float] }
        var rows: [Row] = [], leadNames: [String]?
        for p in pairs {
            let x = cxrs[p.cxr], id = "mimic-\(x.dicom)-\(p.ecg.study)"
            guard case .success(let img) = images[imageIndex[p.cxr]!] else {
                if case .failure(let e) = images[imageIndex[p.cxr]!] { summary.skip(id, "unreadable X-ray image", detail: "\(e)") }
                continue
            }
            guard case .success(let ecg) = ecgResults[ecgIndex[p.ecg.study]!] else {
                if case .failure(let e) = ecgResults[ecgIndex[p.ecg.study]!] { summary.skip(id, "unreadable ECG record", detail: "\(e)") }
                continue
            }
            guard case .success(let note)? = notes["\(x.subject)/\(x.study)"] else {
                if case .failure(let e)? = notes["\(x.subject)/\(x.study)"] { summary.skip(id, "unreadable report", detail: "\(e)") }
                continue
            }
            leadNames = leadNames ?? ecg.leadNames
            rows.append(Row(id: id, split: x.split, reportX: note, reportE: p.ecg.note, xray: img, ecg: ecg.values, labels: x.labels))
        }

        let train = rows.indices.filter { rows[$0].split == "train" }
        let carve = carveOut(train.count, fraction: 0.02, seed: options.seed)
        let carved = Set(carve.map { train[$0] })
        let pretrain: [(String, [Int])] = [
            ("train", train.filter { !carved.contains($0) }),
            ("val", rows.indices.filter { rows[$0].split == "validate" } + carve.map { train[$0] }),
            ("test", rows.indices.filter { rows[$0].split == "test" }),
        ]
        summary.notes.append("validation carve-out: \(carve.count) of \(train.count) train pairs (ceil(2 %), seed \(options.seed))")
        let certain = rows.indices.filter { !rows[$0].labels.contains(-1) }
        let labelled: [(String, [Int])] = [("train", "train"), ("val", "validate"), ("test", "test")].map { name, official in
            (name, certain.filter { rows[$0].split == official })
        }
        try createOutputFolder(out)
        let files = FileTransaction()   // the splits, renamed into place together by finishConversion
        for (set, parts) in [("pretrain", pretrain), ("mimic4label", labelled)] {
            for (part, idx) in parts {
                var a = ecgAttributes(leadNames: leadNames, sourceRate: 500, options: options).merging(xrayAttributes(size: options.xraySize)) { $1 }
                a["source"] = "MIMIC-CXR-JPG 2.0.0 (\(cxrRoot.path)) + MIMIC-IV-ECG 1.0 (\(ecgRoot.path)); pairs: same subject, "
                    + "|StudyDate - ECG day| <= 60 (\(window.rawValue)), ViewPosition PA/AP"
                a["generator"] = generator; a["generator_version"] = version; a["set"] = set
                a["seed"] = String(options.seed)
                a["split_rule"] = set == "pretrain"
                    ? "official split; train minus ceil(2 %) drawn with RNG(seed, stream 'mimic-val-carveout'), val = validate + those"
                    : "official split; pairs with any -1 among the 13 CheXpert labels removed"
                a["preprocessing"] = "xray: " + a["xray_preprocessing"]! + "; ecg: " + a["ecg_preprocessing"]!
                a["report_preprocessing"] = "xray: FINDINGS + IMPRESSION, '_' and dashes removed, whitespace collapsed, sentences "
                    + "with clock times dropped, label-derived sentence when empty, headings removed; ecg: report_0..report_6 "
                    + "joined with ' ' or '\(MIMICReport.ecgNotAvailable)'; no 'The report from ...' prefixes (added by the loader)"
                a["label_source"] = "mimic-cxr-2.0.0-chexpert.csv (CheXpert labeler), NaN -> 0, -1 uncertain kept"
                let r = idx.map { rows[$0] }
                let split = DatasetSplit(name: "\(set)_\(part)", ids: r.map(\.id),
                                         xray: stackRows(r.map(\.xray), shape: [options.xraySize, options.xraySize]),
                                         ecg: stackRows(r.map(\.ecg), shape: [12, 1000]),
                                         reportXray: r.map(\.reportX), reportECG: r.map(\.reportE),
                                         labels: ["chexpert13": stackRows(r.map(\.labels), shape: [13]),
                                                  "mimic4": stackRows(mimic4Rows(r.map(\.labels)), shape: [4])],
                                         labelNames: ["chexpert13": CohortLabels.chexpert13Names, "mimic4": CohortLabels.mimic4Names],
                                         attributes: a)
                try writeConvertedSplit(split, folder: out, summary: &summary, files: files)
            }
        }
        try finishConversion(&summary, files: files, folder: out, root: cxrRoot,
                             table: (cxrRoot.appendingPathComponent("mimic-cxr-2.0.0-metadata.csv"), cxrs.count))
        return summary
    }

    /// The authors' validation carve-out: ceil(fraction · n) positions of 0..<n (sorted), drawn
    /// by a seeded shuffle (`RNG(seed:, stream: RNG.stream("mimic-val-carveout", 0))`).
    public static func carveOut(_ n: Int, fraction: Double, seed: UInt64) -> [Int] {
        guard n > 0 else { return [] }
        let k = min(n, Int((fraction * Double(n)).rounded(.up)))
        var rng = RNG(seed: seed, stream: RNG.stream("mimic-val-carveout", 0))
        var order = Array(0..<n)
        rng.shuffle(&order)
        return order.prefix(k).sorted()
    }
}
