// PTBXLConverter — PTB-XL (v1.0.1 / v1.0.3 layout) → ptbxl_{train,val,test}.h5.
//
// Input (`--root`, PTB-XL's published folder):
//   ptbxl_database.csv   ecg_id, report, scp_codes ("{'NORM': 100.0, 'SR': 0.0}"), strat_fold,
//                        filename_lr (records100/…_lr), filename_hr (records500/…_hr)
//   scp_statements.csv   first (unnamed) column = SCP code, diagnostic (1.0 or empty), diagnostic_class
//   records100/ or records500/   WFDB records named by filename_lr / filename_hr
// Output, one file per split (folds 1–8 train, 9 val, 10 test — PTB-XL's recommended split,
// which the authors use):
//   /ids                       "ptbxl-<ecg_id>"
//   /ecg [N, 12, 1000]         the authors' chain (ConvertECG.swift); 500 Hz records are resampled
//   /report_ecg [N]            the `report` column (the cardiologist's free-text report)
//   /labels/ptbxl_super [N,5]  multi-hot NORM, MI, STTC, HYP, CD (CohortLabels.ptbxlNames)
//   /labels/ptbxl_super_single [N]  index by the authors' priority NORM > STTC > MI > HYP > CD
// Superclasses as PTB-XL's example code (`aggregate_diagnostic`): every code of scp_codes that is
// a diagnostic statement (scp_statements.diagnostic == 1) contributes its diagnostic_class,
// whatever its likelihood (the example code ignores likelihoods; 0 means "unknown" there).
// Records with no superclass (PTB-XL has 411 in v1.0.3) are skipped and counted.
//
// Deliberately not here: the WFDB reader, the preprocessing numerics, PTB-XL's other label
// levels (subclasses, form, rhythm).

import Foundation
import TensorCore

/// Converter for PTB-XL.
public enum PTBXLConverter {
    public static let generator = "MoRE.swift PTBXLConverter"
    public static let version = "1"

    /// The SCP codes and likelihoods of a `scp_codes` cell (a Python dict literal), in order;
    /// nil when the cell is not of the form `{'CODE': number, …}`.
    public static func parseSCPCodes(_ s: String) -> [(code: String, likelihood: Double)]? {
        let t = s.trimmingCharacters(in: .whitespaces)
        guard t.hasPrefix("{"), t.hasSuffix("}") else { return nil }
        let body = t.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
        if body.isEmpty { return [] }
        var out: [(String, Double)] = []
        for item in body.split(separator: ",") {
            let kv = item.split(separator: ":", maxSplits: 1)
            guard kv.count == 2 else { return nil }
            let k = kv[0].trimmingCharacters(in: .whitespaces), v = kv[1].trimmingCharacters(in: .whitespaces)
            guard k.count >= 2, let q = k.first, q == "'" || q == "\"", k.last == q, let value = Double(v) else { return nil }
            out.append((String(k.dropFirst().dropLast()), value))
        }
        return out
    }

    /// Diagnostic code → superclass, from scp_statements.csv (rows with diagnostic == 1).
    public static func readSuperclassMap(_ url: URL) throws -> [String: String] {
        let t = try CSVTable(contentsOf: url)
        guard let codeColumn = t.header.first else { throw DataError.missingField(file: url.path, field: "column 1 (SCP code)") }
        let code = try t.column(codeColumn)
        let (diag, cls) = (try t.column("diagnostic"), try t.column("diagnostic_class"))
        var map: [String: String] = [:]
        for r in 0..<t.count {
            let d = t[r, diag].trimmingCharacters(in: .whitespaces)
            guard !d.isEmpty, let v = Double(d) else { continue }
            let c = t[r, cls].trimmingCharacters(in: .whitespaces)
            if v == 1, !c.isEmpty { map[t[r, code]] = c }
        }
        return map
    }

    /// Multi-hot superclass row (`CohortLabels.ptbxlNames` order) of a record's codes.
    public static func superclasses(_ codes: [(code: String, likelihood: Double)], map: [String: String]) -> [Float] {
        var row = [Float](repeating: 0, count: CohortLabels.ptbxlNames.count)
        for (c, _) in codes {
            if let cls = map[c], let i = CohortLabels.ptbxlNames.firstIndex(of: cls) { row[i] = 1 }
        }
        return row
    }

    /// Converts PTB-XL at `root` into `out` (created if missing).
    /// - Parameter rate: 100 (records100, `filename_lr`, the authors' choice) or 500
    ///   (records500, `filename_hr`, resampled to 100 Hz).
    /// - Throws: `DataError` for a missing folder/file/column or malformed CSV; bad records are
    ///   skipped and listed in the returned summary.
    public static func convert(root: URL, out: URL, rate: Int = 100, options: ConvertOptions = ConvertOptions()) throws -> ConvertSummary {
        guard rate == 100 || rate == 500 else {
            throw DataError.malformed(file: root.path, field: "rate", reason: "PTB-XL has records at 100 or 500 Hz, not \(rate)")
        }
        try requireFolder(root, expected: "folder: PTB-XL's root, the one holding ptbxl_database.csv (--root)")
        try requireWritableOutputFolder(out)   // before the records are read, not after
        let database = root.appendingPathComponent("ptbxl_database.csv")
        let fileColumn = rate == 100 ? "filename_lr" : "filename_hr"
        try requireFolder(root.appendingPathComponent(rate == 100 ? "records100" : "records500"))
        let map = try readSuperclassMap(root.appendingPathComponent("scp_statements.csv"))
        let t = try CSVTable(contentsOf: database, columns: ["ecg_id", "report", "scp_codes", "strat_fold", fileColumn])
        let (idC, repC, scpC, foldC, fileC) = (try t.column("ecg_id"), try t.column("report"), try t.column("scp_codes"),
                                               try t.column("strat_fold"), try t.column(fileColumn))
        var summary = ConvertSummary(dataset: "ptbxl")
        let n = min(t.count, options.limit ?? t.count)
        if n < t.count { summary.notes.append("--limit \(n): \(t.count - n) of \(t.count) database rows not read") }

        // 1. Table pass: labels and split of every row (cheap, sequential).
        struct Item { var id: String; var record: URL; var report: String; var multiHot: [Float]; var part: String }
        var items: [Item] = []
        for r in 0..<n {
            let idText = t[r, idC].trimmingCharacters(in: .whitespaces)
            guard let idValue = Double(idText), idValue == idValue.rounded() else {
                summary.skip("row at \(t.location(row: r, column: idC))", "ecg_id is not an integer", detail: "'\(idText)'"); continue
            }
            let id = "ptbxl-\(Int(idValue))"
            guard let codes = parseSCPCodes(t[r, scpC]) else {
                summary.skip(id, "scp_codes is not a {'CODE': likelihood} dict", detail: t.location(row: r, column: scpC)); continue
            }
            let fold = Double(t[r, foldC].trimmingCharacters(in: .whitespaces)).map { Int($0) }
            guard let fold, (1...10).contains(fold) else {
                summary.skip(id, "strat_fold is not 1-10", detail: "\(t.location(row: r, column: foldC)): '\(t[r, foldC])'"); continue
            }
            let multiHot = superclasses(codes, map: map)
            guard multiHot.contains(1) else { summary.skip(id, "no diagnostic superclass in scp_codes", detail: t[r, scpC]); continue }
            let part = fold <= 8 ? "train" : fold == 9 ? "val" : "test"
            items.append(Item(id: id, record: root.appendingPathComponent(t[r, fileC]), report: t[r, repC],
                              multiHot: multiHot, part: part))
        }

        // 2. Per split: read and preprocess the ECGs in parallel (one output row per record).
        try createOutputFolder(out)
        let files = FileTransaction()   // the splits, renamed into place together by finishConversion
        for part in ["train", "val", "test"] {
            let rows = items.filter { $0.part == part }
            let results = convertEach(rows.count, stage: "ptbxl_\(part) ECG records", progress: options.progress) { i in
                try convertECGRecord(rows[i].record, leadOrder: options.leadOrder)
            }
            var kept: [Item] = [], ecgs: [[Float]] = [], leadNames: [String]?
            for (item, result) in zip(rows, results) {
                switch result {
                case .success(let e):
                    kept.append(item); ecgs.append(e.values); leadNames = leadNames ?? e.leadNames
                case .failure(let error):
                    summary.skip(item.id, "unreadable ECG record", detail: "\(error)")
                }
            }
            var attributes = ecgAttributes(leadNames: leadNames, sourceRate: rate, options: options)
            attributes["source"] = "PTB-XL (\(root.path)), \(fileColumn), strat_fold " + (part == "train" ? "1-8" : part == "val" ? "9" : "10")
            attributes["generator"] = generator
            attributes["generator_version"] = version
            attributes["seed"] = "none (deterministic conversion)"
            attributes["set"] = "ptbxl"
            attributes["preprocessing"] = "ecg: " + attributes["ecg_preprocessing"]!
            attributes["label_source"] = "ptbxl_super = diagnostic_class of the scp_codes that are diagnostic statements "
                + "(PTB-XL example aggregate_diagnostic, likelihood ignored); ptbxl_super_single by priority NORM > STTC > MI > HYP > CD"
            let labels: [String: Tensor] = [
                "ptbxl_super": stackRows(kept.map(\.multiHot), shape: [5]),
                "ptbxl_super_single": Tensor(shape: [kept.count], values: kept.map { CohortLabels.ptbxlSingle($0.multiHot) }),
            ]
            let split = DatasetSplit(name: "ptbxl_\(part)", ids: kept.map(\.id), ecg: stackRows(ecgs, shape: [12, 1000]),
                                     reportECG: kept.map(\.report), labels: labels,
                                     labelNames: ["ptbxl_super": CohortLabels.ptbxlNames,
                                                  "ptbxl_super_single": CohortLabels.ptbxlNames],
                                     attributes: attributes)
            try writeConvertedSplit(split, folder: out, summary: &summary, files: files)
        }
        try finishConversion(&summary, files: files, folder: out, root: root, table: (database, n))
        return summary
    }
}
