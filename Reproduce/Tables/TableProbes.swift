// table-mimic-4label, table-edema-severity, table-ptbxl-probe — linear probes on frozen
// encoders with 1 %, 10 % and 100 % of the training labels.
//
// Claim (C6): MoRE's encoders transfer to the downstream tasks of the paper (MIMIC 4 labels,
// edema severity, PTB-XL superclasses). Protocol: frozen features (the tower's CLS feature,
// before the projection head), L2-regularised logistic regression with C chosen on the
// validation split, training subsets drawn with a seed and stratified. Rows: MoRE, the random
// init floor and a raw-input baseline (logistic regression on pixels / samples).

import Foundation
import MoRE
import Eval

extension EvalContext {
    struct ProbeSpec {
        var name: String, title: String, claim: String
        var splits: (String, String, String)
        var modality: EmbeddingModality
        var labelSet: String
        var multiclass: Bool
    }

    func probeTable(_ p: ProbeSpec) throws -> TableDocument {
        let tr = try split(p.splits.0), va = try split(p.splits.1), te = try split(p.splits.2)
        let o = LinearProbeOptions(modality: p.modality, labelSet: p.labelSet, stage: .features, seed: seed)
        var results: [(String, [LinearProbeResult])] = []
        for (name, m) in encoders {
            results.append((name, try m.linearProbe(o, train: tr, validation: va, test: te, tokenizer: tokenizer)))
        }
        results.append(("raw input", try linearProbe(o, train: (tr, try rawInputFeatures(tr, modality: p.modality)),
                                                     validation: (va, try rawInputFeatures(va, modality: p.modality)),
                                                     test: (te, try rawInputFeatures(te, modality: p.modality)))))
        let classNames = results.first?.1.first?.classNames ?? []
        var rows: [[String]] = []
        for (name, rs) in results {
            for r in rs {
                let pct = r.fraction >= 1 ? "100 %" : String(format: "%g %%", r.fraction * 100)
                let ci = try bootstrap.multiLabel(labels: r.testLabels, scores: r.testScores, \.aurocMacro)
                var row = [name, pct, String(r.trainRows.count)] + r.aurocPerClass.map { fmt($0) } + [fmt(r.aurocMacro, ci.lower, ci.upper)]
                if p.multiclass { row += [r.accuracy.map { fmt($0) } ?? "–", r.macroF1.map { fmt($0) } ?? "–"] }
                rows.append(row)
            }
        }
        rows.append(["paper (MoRE)", "1 / 10 / 100 %", "–"] + classNames.map { _ in paperValue } + [paperValue] + (p.multiclass ? [paperValue, paperValue] : []))
        var columns = ["encoder", "labels", "train rows"] + classNames.map { "AUROC \($0)" } + ["macro AUROC [95 % CI]"]
        if p.multiclass { columns += ["accuracy", "macro-F1"] }
        return TableDocument(
            name: p.name, title: p.title, claim: p.claim,
            protocolText: "Frozen \(p.modality.rawValue) encoder, features before the projection head; logistic regression (L2, C from \(LogisticRegression.defaultCGrid.map { String(format: "%g", $0) }.joined(separator: ", ")) chosen on \(p.splits.1) by \(p.multiclass ? "accuracy" : "AUROC per label")); training labels subsampled to 1 %, 10 %, 100 % with seed \(seed), stratified; evaluated on \(p.splits.2)\(p.multiclass ? " (one-vs-rest AUROC per grade)" : ""). 95 % CI by bootstrap over test rows. The authors' own MIMIC protocol partially fine-tunes the last 3 blocks' qkv (MoRE-reference §6.3); ours is a pure linear probe.",
            provenance: try provenance([p.splits.0, p.splits.1, p.splits.2]),
            parts: [TablePart(title: "Test AUROC by training-label fraction", columns: columns, rows: rows)])
    }

    func tableMIMIC4Label() throws -> TableDocument {
        try probeTable(ProbeSpec(name: "table-mimic-4label", title: "MIMIC-style 4 labels: linear probe on X-ray features",
                                 claim: "C6 — MoRE's X-ray encoder transfers to Atelectasis, Cardiomegaly, Edema and Pleural Effusion (the README's MIMIC-IV comparison with GLoRIA and MedKLIP).",
                                 splits: ("mimic4label_train", "mimic4label_val", "mimic4label_test"), modality: .xray,
                                 labelSet: "mimic4", multiclass: false))
    }

    func tableEdemaSeverity() throws -> TableDocument {
        try probeTable(ProbeSpec(name: "table-edema-severity", title: "Edema severity (grades 0–3): linear probe on X-ray features",
                                 claim: "C6 — MoRE's X-ray encoder grades pulmonary edema (0 none … 3 severe); the paper's protocol is unread, ours is a multinomial linear probe.",
                                 splits: ("edema_train", "edema_val", "edema_test"), modality: .xray,
                                 labelSet: "edema_severity", multiclass: true))
    }

    func tablePTBXLProbe() throws -> TableDocument {
        try probeTable(ProbeSpec(name: "table-ptbxl-probe", title: "PTB-XL-style superclasses: linear probe on ECG features",
                                 claim: "C6 — MoRE's ECG encoder transfers to the five PTB-XL superclasses (NORM, MI, STTC, HYP, CD).",
                                 splits: ("ptbxl_train", "ptbxl_val", "ptbxl_test"), modality: .ecg,
                                 labelSet: "ptbxl_super", multiclass: false))
    }
}
