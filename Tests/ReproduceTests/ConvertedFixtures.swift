// ConvertedFixtures — builds larger copies of the converter fixtures, laid out exactly like the
// published PTB-XL, MIMIC-CXR-JPG + MIMIC-IV-ECG, CheXpert and edema-label folders, so that every
// table and figure has enough rows per split and class to run on the converted result.
//
// Every signal and image is real open data from ../shared/data: the 40 Kermany chest X-rays
// (224 × 224 JPEG) and the 30 12-lead ECG records (PTB-XL 06000–06009 and the 20 LUDB records,
// WFDB at 500 Hz). Column names and order come from the committed miniature fixtures
// (Tests/Golden/convert, see their README.md) and from PTB-XL's own files, so a converter reads
// these folders exactly as it reads the published datasets. What is invented, as in the
// miniature fixtures: ids, dates, reports, and the labels of the copies (assigned cyclically so
// that every split holds positives and negatives of every class); there is no real patient
// pairing between X-rays and ECGs.
//
// Deliberately not here: running the converters (ConvertedEndToEndTests.swift) and any check of
// what they produce.

import Foundation
import XCTest
import TestSupport

enum ConvertedFixtures {
    static let golden = Fixtures.repoRoot.appendingPathComponent("Tests/Golden/convert")

    /// The 40 Kermany X-rays (sorted paths); skips the test when ../shared/data is missing.
    static func images() throws -> [URL] {
        let root = try Fixtures.shared("data/kermany/test")
        var out: [URL] = []
        for sub in ["NORMAL", "PNEUMONIA"] {
            let dir = root.appendingPathComponent(sub)
            let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".jpeg") }.sorted()
            out += files.map { dir.appendingPathComponent($0) }
        }
        return out
    }

    /// The 30 real ECG records (WFDB base paths without extension): PTB-XL first, then LUDB.
    static func ecgRecords() throws -> [URL] {
        let ptbxl = try Fixtures.shared("data/ptbxl/records500/06000")
        let ludb = try Fixtures.shared("data/ludb/data")
        let p = (6000...6009).map { ptbxl.appendingPathComponent(String(format: "%05d_hr", $0)) }
        let l = try FileManager.default.contentsOfDirectory(atPath: ludb.path).filter { $0.hasSuffix(".hea") }
            .map { String($0.dropLast(4)) }.sorted { Int($0) ?? 0 < Int($1) ?? 0 }.map { ludb.appendingPathComponent($0) }
        return p + l
    }

    /// Copies a WFDB record under a new name: the .dat bytes unchanged, the header's record
    /// name and the signal lines' file names renamed (as the miniature fixtures were made).
    static func copyRecord(_ from: URL, to: URL) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: to.deletingLastPathComponent(), withIntermediateDirectories: true)
        let oldName = from.lastPathComponent, newName = to.lastPathComponent
        try fm.copyItem(at: from.appendingPathExtension("dat"), to: to.appendingPathExtension("dat"))
        let header = try String(contentsOf: from.appendingPathExtension("hea"), encoding: .utf8)
        var lines = header.components(separatedBy: "\n")
        for i in lines.indices where !lines[i].hasPrefix("#") && !lines[i].isEmpty {
            if i == 0 { lines[i] = newName + lines[i].dropFirst(oldName.count) }
            else if lines[i].hasPrefix(oldName + ".dat") { lines[i] = newName + ".dat" + lines[i].dropFirst(oldName.count + 4) }
        }
        try lines.joined(separator: "\n").write(to: to.appendingPathExtension("hea"), atomically: true, encoding: .utf8)
    }

    /// The header line of a committed fixture CSV.
    static func header(_ relative: String) throws -> String {
        let text = try String(contentsOf: golden.appendingPathComponent(relative), encoding: .utf8)
        return String(text.split(separator: "\n", maxSplits: 1)[0])
    }

    static func write(_ lines: [String], to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
    }

    // MARK: PTB-XL

    /// SCP code sets of the copies: one per superclass and two combinations.
    static let scpPatterns: [(codes: String, report: String)] = [
        ("{'NORM': 100.0, 'SR': 0.0}", "sinus rhythm. normal ecg."),
        ("{'IMI': 100.0, 'SR': 0.0}", "sinus rhythm. inferior myocardial infarction."),
        ("{'NST_': 100.0, 'SR': 0.0}", "sinus rhythm. non-specific st changes."),
        ("{'LVH': 100.0, 'SR': 0.0}", "sinus rhythm. left ventricular hypertrophy."),
        ("{'IRBBB': 100.0, 'SR': 0.0}", "sinus rhythm. incomplete right bundle branch block."),
        ("{'ASMI': 100.0, 'ISC_': 50.0, 'CLBBB': 100.0}", "anteroseptal infarction, ischaemic st changes, left bundle branch block."),
    ]

    /// PTB-XL at `root`: the ten real rows (6000–6009, their labels and folds) plus `copies`
    /// rows 7000… on the 30 records, fold 9, 10 or 1–8 by turn, SCP codes from `scpPatterns`.
    static func makePTBXL(root: URL, copies: Int = 30) throws {
        let data = try Fixtures.shared("data/ptbxl")
        let fm = FileManager.default
        try fm.createDirectory(at: root, withIntermediateDirectories: true)
        try fm.copyItem(at: data.appendingPathComponent("scp_statements.csv"), to: root.appendingPathComponent("scp_statements.csv"))
        let real = try String(contentsOf: data.appendingPathComponent("ptbxl_database_rows_6000-6009.csv"), encoding: .utf8)
        var lines = real.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        let columns = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        for r in (6000...6009) {
            try copyRecord(data.appendingPathComponent(String(format: "records500/06000/%05d_hr", r)),
                           to: root.appendingPathComponent(String(format: "records500/06000/%05d_hr", r)))
        }
        let records = try ecgRecords()
        for k in 0..<copies {
            let id = 7000 + k, p = scpPatterns[(k / 3) % scpPatterns.count]
            let fold = k % 3 == 0 ? 9 : k % 3 == 1 ? 10 : (k / 3) % 8 + 1
            let hr = String(format: "records500/%05d/%05d_hr", id / 1000 * 1000, id)
            try copyRecord(records[k % records.count], to: root.appendingPathComponent(hr))
            let values: [String: String] = ["ecg_id": String(id), "patient_id": String(20000 + k), "report": "\"\(p.report)\"",
                                            "scp_codes": "\"\(p.codes)\"", "strat_fold": String(fold),
                                            "filename_lr": String(format: "records100/%05d/%05d_lr", id / 1000 * 1000, id),
                                            "filename_hr": hr, "validated_by_human": "True"]
            lines.append(columns.map { values[$0] ?? "" }.joined(separator: ","))
        }
        try write(lines, to: root.appendingPathComponent("ptbxl_database.csv"))
    }

    // MARK: MIMIC-CXR-JPG + MIMIC-IV-ECG

    /// One X-ray study of the enlarged MIMIC fixture.
    struct Study {
        var subject, study, dicom, ecgStudy, split: String
        /// Atelectasis, Cardiomegaly, Edema, Pleural Effusion (−1 uncertain, 0, 1).
        var four: [Int]
    }

    /// 4-label patterns of the studies (cycled with period 7, prime to the split period 5).
    static let fourPatterns: [[Int]] = [[0, 0, 0, 0], [1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [0, 1, 1, 0], [0, 0, 1, 1]]

    /// The studies: subject i has one frontal study and one ECG the same day; split by i mod 5
    /// (0, 1 train; 2 validate; 3, 4 test); every 11th study has an uncertain Edema label.
    static func mimicStudies(_ n: Int) -> [Study] {
        (0..<n).map { i in
            var four = fourPatterns[i % fourPatterns.count]
            if i % 11 == 6 { four[2] = -1 }
            let dicom = String(format: "%08x-%08x-%08x-%08x-%08x", 0x1000_0000 + i, 0x2000_0000 + i, 0x3000_0000 + i, 0x4000_0000 + i, 0x5000_0000 + i)
            return Study(subject: String(10_100_000 + i), study: String(50_000_000 + i), dicom: dicom,
                         ecgStudy: String(40_000_000 + i), split: ["train", "train", "validate", "test", "test"][i % 5], four: four)
        }
    }

    static let findingSentences = ["Bibasilar atelectasis.", "The heart is enlarged.", "Interstitial edema is present.", "Small bilateral pleural effusions."]
    static let ecgStatements = [["Sinus rhythm", "Normal ECG"], ["Sinus rhythm", "Left ventricular hypertrophy"],
                                ["Atrial fibrillation", "Abnormal ECG"], ["Sinus bradycardia", "Inferior infarct - age undetermined"],
                                ["Sinus rhythm", "Right bundle branch block"]]

    /// MIMIC-CXR-JPG at `cxr` and MIMIC-IV-ECG at `ecg` with `n` studies (the published CSV
    /// columns, images under files/pXX/pSUBJECT/sSTUDY/, reports as sSTUDY.txt — every 9th
    /// study has none — and one LATERAL image per 8 studies, which the converter drops).
    static func makeMIMIC(cxr: URL, ecg: URL, studies n: Int = 60) throws -> [Study] {
        let images = try images(), records = try ecgRecords(), fm = FileManager.default
        let studies = mimicStudies(n)
        var meta = [try header("mimic/mimic-cxr-jpg/mimic-cxr-2.0.0-metadata.csv")]
        var split = [try header("mimic/mimic-cxr-jpg/mimic-cxr-2.0.0-split.csv")]
        var labels = [try header("mimic/mimic-cxr-jpg/mimic-cxr-2.0.0-chexpert.csv")]
        var recordList = [try header("mimic/mimic-iv-ecg/record_list.csv")]
        var measurements = [try header("mimic/mimic-iv-ecg/machine_measurements.csv")]
        let labelColumns = labels[0].split(separator: ",").map(String.init)
        let measurementColumns = measurements[0].split(separator: ",").map(String.init)
        for (i, s) in studies.enumerated() {
            let folder = "files/p\(s.subject.prefix(2))/p\(s.subject)"
            let image = cxr.appendingPathComponent("\(folder)/s\(s.study)/\(s.dicom).jpg")
            try fm.createDirectory(at: image.deletingLastPathComponent(), withIntermediateDirectories: true)
            try fm.copyItem(at: images[i % images.count], to: image)
            let view = i % 2 == 0 ? "PA" : "AP", date = "2180\(String(format: "%02d%02d", 1 + i % 12, 1 + i % 28))"
            meta.append("\(s.dicom),\(s.subject),\(s.study),CHEST (PA AND LAT),\(view),3056,2544,\(date),101010.000,CHEST (PA AND LAT),postero-anterior,Erect")
            split.append("\(s.dicom),\(s.study),\(s.subject),\(s.split)")
            if i % 8 == 5 {
                let lateral = String(format: "%08x-00000000-00000000-00000000-00000000", 0x6000_0000 + i)
                meta.append("\(lateral),\(s.subject),\(s.study),CHEST (PA AND LAT),LATERAL,3056,2544,\(date),101010.000,CHEST (PA AND LAT),lateral,Erect")
                split.append("\(lateral),\(s.study),\(s.subject),\(s.split)")
            }
            let named = ["Atelectasis": s.four[0], "Cardiomegaly": s.four[1], "Edema": s.four[2], "Pleural Effusion": s.four[3]]
            let none = s.four.allSatisfy { $0 == 0 }
            labels.append(labelColumns.map { c -> String in
                switch c {
                case "subject_id": return s.subject
                case "study_id": return s.study
                case "No Finding": return none ? "1.0" : ""
                default: return named[c].map { $0 == 0 ? "" : String(format: "%.1f", Double($0)) } ?? ""
                }
            }.joined(separator: ","))
            if i % 9 != 4 {
                let found = (0..<4).filter { s.four[$0] == 1 }.map { findingSentences[$0] }
                let impression = s.four.contains(-1) ? "Possible mild edema." : none ? "No acute cardiopulmonary process." : found.joined(separator: " ")
                let report = "                                 FINAL REPORT\n EXAMINATION:  CHEST (PA AND LAT)\n\n FINDINGS:\n \n "
                    + (found.isEmpty ? "Lungs are clear. Heart size is normal." : found.joined(separator: " "))
                    + "\n \n IMPRESSION:\n \n \(impression)\n"
                try report.write(to: cxr.appendingPathComponent("\(folder)/s\(s.study).txt"), atomically: true, encoding: .utf8)
            }
            let ecgPath = "files/p\(s.subject.prefix(4))/p\(s.subject)/s\(s.ecgStudy)/\(s.ecgStudy)"
            try copyRecord(records[i % records.count], to: ecg.appendingPathComponent(ecgPath))
            let time = "2180-\(String(format: "%02d-%02d", 1 + i % 12, 1 + i % 28)) 09:30:00"
            recordList.append("\(s.subject),\(s.ecgStudy),\(s.ecgStudy),\(time),\(ecgPath)")
            let statements = ecgStatements[i % ecgStatements.count]
            measurements.append(measurementColumns.map { c -> String in
                switch c {
                case "subject_id": return s.subject
                case "study_id": return s.ecgStudy
                case "cart_id": return "6848296"
                case "ecg_time": return time
                case "report_0": return statements[0]
                case "report_1": return statements[1]
                default: return ""
                }
            }.joined(separator: ","))
        }
        try write(meta, to: cxr.appendingPathComponent("mimic-cxr-2.0.0-metadata.csv"))
        try write(split, to: cxr.appendingPathComponent("mimic-cxr-2.0.0-split.csv"))
        try write(labels, to: cxr.appendingPathComponent("mimic-cxr-2.0.0-chexpert.csv"))
        try write(recordList, to: ecg.appendingPathComponent("record_list.csv"))
        try write(measurements, to: ecg.appendingPathComponent("machine_measurements.csv"))
        return studies
    }

    /// Image-level edema grades (the consensus layout) for the studies: grade i mod 4.
    static func makeEdemaLabels(_ url: URL, studies: [Study]) throws {
        var lines = [try header("edema/edema_labels_consensus.csv")]
        for (i, s) in studies.enumerated() { lines.append("\(s.subject),\(s.study),\(s.dicom),\(i % 4)") }
        try write(lines, to: url)
    }

    // MARK: CheXpert

    /// CheXpert-v1.0-small at `root`: `perClass` candidates of each of the five classes on the
    /// 40 images, plus rows GLoRIA's rule excludes (support devices, lateral, uncertain).
    static func makeCheXpert(root: URL, perClass: Int = 8) throws {
        let images = try images()
        var lines = [try header("chexpert/CheXpert-v1.0-small/train.csv")]
        let columns = lines[0].split(separator: ",").map(String.init)
        let classes = ["Atelectasis", "Cardiomegaly", "Consolidation", "Edema", "Pleural Effusion"]
        var patient = 0
        func row(_ values: [String: String], view: String = "frontal") throws {
            patient += 1
            let rel = String(format: "train/patient%05d/study1/", patient) + "view1_\(view).jpg"
            let url = root.appendingPathComponent(rel)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: images[(patient - 1) % images.count], to: url)
            var v = values
            v["Path"] = "CheXpert-v1.0-small/" + rel; v["Sex"] = patient % 2 == 0 ? "Female" : "Male"; v["Age"] = String(40 + patient % 40)
            v["Frontal/Lateral"] = view == "frontal" ? "Frontal" : "Lateral"; v["AP/PA"] = view == "frontal" ? "AP" : ""
            lines.append(columns.map { v[$0] ?? "" }.joined(separator: ","))
        }
        for k in 0..<perClass {
            for c in classes { try row([c: "1.0", "No Finding": k == 0 ? "1.0" : ""]) }
        }
        try row(["Edema": "1.0", "Support Devices": "1.0"])
        try row(["Cardiomegaly": "1.0"], view: "lateral")
        try row(["Cardiomegaly": "1.0", "Edema": "-1.0"])
        try write(lines, to: root.appendingPathComponent("train.csv"))
    }
}
