// CheXpertConverter — CheXpert v1.0 (or v1.0-small) train.csv → chexpert5x200.h5, the 5×200
// zero-shot set built as GLoRIA / MGCA build `chexpert_5x200.csv`:
//   frontal images (Frontal/Lateral == "Frontal") of train.csv, NaN → 0; for each class c of
//   Atelectasis, Cardiomegaly, Consolidation, Edema, Pleural Effusion the candidates are the
//   rows with c == 1 and every other observation == 0 (the other four classes and Enlarged
//   Cardiomediastinum, Lung Lesion, Lung Opacity, Pneumonia, Pneumothorax, Pleural Other,
//   Fracture, Support Devices; No Finding unconstrained); 200 are drawn per class. GLoRIA draws
//   with pandas `sample(random_state=0)`; we draw with the counter RNG (published --seed,
//   default 42, stream "chexpert5x200-<class>"), so the set is reproducible but not GLoRIA's rows.
// CSV layout: Path, Sex, Age, Frontal/Lateral, AP/PA, then the 14 observations. Path starts with
// the dataset folder's name ("CheXpert-v1.0-small/train/patient00001/study1/view1_frontal.jpg"),
// so it is resolved against the parent of --root (or --root itself when that exists).
// Output labels: chexpert13 (MIMIC order), mimic4 = the 4-label protocol the authors evaluate
// (Atelectasis, Cardiomegaly, Edema, Pleural Effusion; Consolidation images stay as negatives),
// chexpert5_class (0–4, CohortLabels.chexpert5Names).
//
// Deliberately not here: CheXpert's own valid/test evaluation (not used by the paper).

import Foundation
import TensorCore

/// Converter for the CheXpert 5×200 zero-shot set.
public enum CheXpertConverter {
    public static let generator = "MoRE.swift CheXpertConverter"
    public static let version = "1"
    /// Observations that must be 0 besides the five classes (GLoRIA's filter).
    public static let otherObservations = ["Enlarged Cardiomediastinum", "Lung Lesion", "Lung Opacity", "Pneumonia",
                                           "Pneumothorax", "Pleural Other", "Fracture", "Support Devices"]

    /// Converts `<root>/train.csv` into `<out>/chexpert5x200.h5` with `perClass` images per class
    /// (fewer when fewer candidates exist; noted in the summary).
    public static func convert(root: URL, out: URL, perClass: Int = 200, options: ConvertOptions = ConvertOptions()) throws -> ConvertSummary {
        try requireFolder(root, expected: "folder: CheXpert's root, the one holding train.csv (--root)")
        try requireWritableOutputFolder(out)   // before the images are read, not after
        let csv = root.appendingPathComponent("train.csv")
        let classes = CohortLabels.chexpert5Names
        let t = try CSVTable(contentsOf: csv, columns: ["Path", "Frontal/Lateral"] + CohortLabels.chexpert13Names + ["Support Devices"])
        let (pathC, viewC) = (try t.column("Path"), try t.column("Frontal/Lateral"))
        let labelC = try t.columns(CohortLabels.chexpert13Names)
        let classC = try t.columns(classes), otherC = try t.columns(otherObservations)
        var summary = ConvertSummary(dataset: "chexpert")
        let n = min(t.count, options.limit ?? t.count)
        if n < t.count { summary.notes.append("--limit \(n): \(t.count - n) of \(t.count) rows of train.csv not read") }

        // 1. Candidates per class, in file order.
        var candidates = [[Int]](repeating: [], count: classes.count)
        for r in 0..<n where t[r, viewC] == "Frontal" {
            var values: [Float] = []
            for c in classC + otherC {
                guard let v = chexpertLabelValue(t[r, c]) else {
                    summary.skip(t[r, pathC], "malformed CheXpert label", detail: t.location(row: r, column: c)); values = []; break
                }
                values.append(v)
            }
            guard values.count == classC.count + otherC.count else { continue }
            let positives = values.prefix(classC.count).indices.filter { values[$0] == 1 }
            guard positives.count == 1, values.enumerated().allSatisfy({ $0.offset == positives[0] || $0.element == 0 }) else { continue }
            candidates[positives[0]].append(r)
        }

        // 2. Seeded draw of perClass per class (file order kept inside a class).
        var picked: [(row: Int, cls: Int)] = []
        for (k, rows) in candidates.enumerated() {
            var rng = RNG(seed: options.seed, stream: RNG.stream("chexpert5x200-\(classes[k])", 0))
            var order = Array(rows.indices)
            rng.shuffle(&order)
            let take = order.prefix(perClass).sorted().map { rows[$0] }
            if take.count < perClass { summary.notes.append("\(classes[k]): only \(counted(take.count, "candidate")) (wanted \(perClass))") }
            picked += take.map { ($0, k) }
        }

        // 3. Images.
        let parent = root.deletingLastPathComponent()
        let urls = picked.map { p -> URL in
            let rel = t[p.row, pathC]
            let direct = root.appendingPathComponent(rel)
            return FileManager.default.fileExists(atPath: direct.path) ? direct : parent.appendingPathComponent(rel)
        }
        let images = preprocessXrays(urls, size: options.xraySize, stage: "chexpert5x200 images", progress: options.progress)
        var ids: [String] = [], xs: [[Float]] = [], labels: [[Float]] = [], cls: [Float] = []
        for (p, img) in zip(picked, images) {
            let id = t[p.row, pathC]
            switch img {
            case .failure(let e): summary.skip(id, "unreadable X-ray image", detail: "\(e)")
            case .success(let x):
                guard case .success(let l) = chexpert13Row(t, row: p.row, columns: labelC) else {
                    summary.skip(id, "malformed CheXpert label"); continue
                }
                ids.append(id); xs.append(x); labels.append(l); cls.append(Float(p.cls))
            }
        }
        var a = xrayAttributes(size: options.xraySize)
        a["source"] = "CheXpert (\(csv.path)): frontal train images positive for exactly one of the 5 classes, all other observations 0 (GLoRIA 5x200 rule)"
        a["generator"] = generator; a["generator_version"] = version; a["set"] = "chexpert5x200"
        a["seed"] = String(options.seed)
        a["per_class"] = String(perClass)
        a["preprocessing"] = "xray: " + a["xray_preprocessing"]!
        a["label_source"] = "train.csv (CheXpert labeler), NaN -> 0, -1 kept; mimic4 = the authors' 4-label zero-shot protocol"
        let split = DatasetSplit(name: "chexpert5x200", ids: ids, xray: stackRows(xs, shape: [options.xraySize, options.xraySize]),
                                 labels: ["chexpert13": stackRows(labels, shape: [13]), "mimic4": stackRows(mimic4Rows(labels), shape: [4]),
                                          "chexpert5_class": Tensor(shape: [cls.count], values: cls)],
                                 labelNames: ["chexpert13": CohortLabels.chexpert13Names, "mimic4": CohortLabels.mimic4Names,
                                              "chexpert5_class": classes],
                                 attributes: a)
        try createOutputFolder(out)
        let files = FileTransaction()   // the splits, renamed into place together by finishConversion
        try writeConvertedSplit(split, folder: out, summary: &summary, files: files)
        try finishConversion(&summary, files: files, folder: out, root: root, table: (csv, n))
        return summary
    }
}
