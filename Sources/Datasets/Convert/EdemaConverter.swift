// EdemaConverter — the MIMIC-CXR pulmonary edema severity labels (Horng et al. 2021, PhysioNet
// "Pulmonary Edema Severity Grades Based on MIMIC-CXR") joined to MIMIC-CXR-JPG images →
// edema_{train,val,test}.h5.
//
// Expected label file (--labels): a CSV with columns subject_id, study_id, edema_severity (0 none,
// 1 vascular congestion, 2 interstitial edema, 3 alveolar edema) and optionally dicom_id:
//   - with dicom_id (the "consensus" image-level labels): that image is used;
//   - without (the "regex" study-level labels from the reports): every frontal (PA/AP) image of
//     the study is used.
// Images come from the MIMIC-CXR-JPG root exactly as for `mimic` (metadata ⋈ split ⋈ chexpert,
// PA/AP only, MIMICConverter.readCXR); the split is MIMIC-CXR's official one (validate → val);
// the report is the study's FINDINGS + IMPRESSION cleaned as for pre-training (MIMICReport).
// A label row whose grade is not an integer 0–3, or whose image is absent/unreadable, is skipped.
//
// Deliberately not here: Horng et al.'s own train/test partition (their consensus set is a test set;
// with it, every image lands in the MIMIC split of its study).

import Foundation
import TensorCore

/// Converter for the MIMIC-CXR edema severity labels.
public enum EdemaConverter {
    public static let generator = "MoRE.swift EdemaConverter"
    public static let version = "1"

    /// Converts the images of `cxrRoot` graded in `labels` into `out`.
    public static func convert(cxrRoot: URL, labels: URL, reportsRoot: URL? = nil, out: URL,
                               options: ConvertOptions = ConvertOptions()) throws -> ConvertSummary {
        try requireFolder(cxrRoot, expected: "folder: MIMIC-CXR-JPG's root, the one holding mimic-cxr-2.0.0-metadata.csv (--root)")
        if let reportsRoot { try requireFolder(reportsRoot, expected: "folder holding files/pXX/pSUBJECT/sSTUDY.txt (--reports)") }
        try requireWritableOutputFolder(out)   // before the images are read, not after
        var summary = ConvertSummary(dataset: "edema")
        let t = try CSVTable(contentsOf: labels)
        let (sc, tc, gc) = (try t.column("subject_id"), try t.column("study_id"), try t.column("edema_severity"))
        let dc = t.header.firstIndex(of: "dicom_id")
        var byImage: [String: Float] = [:], byStudy: [String: Float] = [:]
        let n = min(t.count, options.limit ?? t.count)
        for r in 0..<n {
            guard let s = MIMICLayout.id(t[r, sc]), let st = MIMICLayout.id(t[r, tc]) else {
                summary.skip("label row at \(t.location(row: r, column: sc))", "subject_id or study_id is not an integer"); continue
            }
            guard let g = Double(t[r, gc].trimmingCharacters(in: .whitespaces)), g == g.rounded(), (0...3).contains(g) else {
                summary.skip("s\(st)", "edema_severity is not 0-3", detail: "\(t.location(row: r, column: gc)): '\(t[r, gc])'"); continue
            }
            if let dc { byImage[t[r, dc]] = Float(g) } else { byStudy["\(s)/\(st)"] = Float(g) }
        }
        let cxrs = try MIMICConverter.readCXR(root: cxrRoot, summary: &summary)
        let graded = cxrs.compactMap { x -> (MIMICConverter.CXR, Float)? in
            if let g = byImage[x.dicom] ?? byStudy["\(x.subject)/\(x.study)"] { return (x, g) }
            return nil
        }
        if dc != nil {
            let found = Set(graded.map(\.0.dicom))
            for d in byImage.keys.sorted() where !found.contains(d) { summary.skip(d, "labelled image not among the frontal images with split and labels") }
        }
        let images = preprocessXrays(graded.map {
            cxrRoot.appendingPathComponent(MIMICLayout.imagePath(subject: $0.0.subject, study: $0.0.study, dicom: $0.0.dicom))
        }, size: options.xraySize, stage: "edema images", progress: options.progress)
        let reports = reportsRoot ?? cxrRoot
        struct Row { var id, split, report: String; var xray, labels: [Float]; var grade: Float }
        var rows: [Row] = []
        for ((x, g), img) in zip(graded, images) {
            let id = "mimic-\(x.dicom)"
            guard case .success(let pixels) = img else {
                if case .failure(let e) = img { summary.skip(id, "unreadable X-ray image", detail: "\(e)") }
                continue
            }
            let url = reports.appendingPathComponent(MIMICLayout.reportPath(subject: x.subject, study: x.study))
            var text: String?
            if FileManager.default.fileExists(atPath: url.path) {
                do { text = try readUTF8Text(url, field: "report") } catch { summary.skip(id, "unreadable report", detail: "\(error)"); continue }
            }
            rows.append(Row(id: id, split: x.split, report: MIMICReport.xrayNote(report: text, labels: x.labels), xray: pixels,
                            labels: x.labels, grade: g))
        }
        try createOutputFolder(out)
        let files = FileTransaction()   // the splits, renamed into place together by finishConversion
        for (part, official) in [("train", "train"), ("val", "validate"), ("test", "test")] {
            let r = rows.filter { $0.split == official }
            var a = xrayAttributes(size: options.xraySize)
            a["source"] = "MIMIC-CXR-JPG 2.0.0 (\(cxrRoot.path)) + edema severity labels (\(labels.path)), "
                + (dc != nil ? "image-level (dicom_id)" : "study-level: every PA/AP image of the study")
            a["generator"] = generator; a["generator_version"] = version; a["set"] = "edema"
            a["seed"] = "none (deterministic conversion)"
            a["split_rule"] = "MIMIC-CXR official split of the study"
            a["preprocessing"] = "xray: " + a["xray_preprocessing"]!
            a["label_source"] = "edema_severity from the label file (0 none, 1 vascular congestion, 2 interstitial, 3 alveolar); "
                + "chexpert13/mimic4 from mimic-cxr-2.0.0-chexpert.csv, NaN -> 0"
            let split = DatasetSplit(name: "edema_\(part)", ids: r.map(\.id), xray: stackRows(r.map(\.xray), shape: [options.xraySize, options.xraySize]),
                                     reportXray: r.map(\.report),
                                     labels: ["edema_severity": Tensor(shape: [r.count], values: r.map(\.grade)),
                                              "chexpert13": stackRows(r.map(\.labels), shape: [13]),
                                              "mimic4": stackRows(mimic4Rows(r.map(\.labels)), shape: [4])],
                                     labelNames: ["edema_severity": CohortLabels.edemaSeverityNames,
                                                  "chexpert13": CohortLabels.chexpert13Names, "mimic4": CohortLabels.mimic4Names],
                                     attributes: a)
            try writeConvertedSplit(split, folder: out, summary: &summary, files: files)
        }
        try finishConversion(&summary, files: files, folder: out, root: cxrRoot, table: (labels, n))
        return summary
    }
}
