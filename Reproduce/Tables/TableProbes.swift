// table-mimic-4label, table-edema-severity, table-ptbxl-probe — linear probes on frozen
// encoders with 1 %, 10 % and 100 % of the training labels.
//
// Claim (C6): MoRE's encoders transfer to the downstream tasks of the paper (MIMIC 4 labels,
// edema severity, PTB-XL superclasses). Protocol: frozen features (the tower's CLS feature,
// before the projection head), L2-regularised logistic regression with C chosen on the
// validation split, training subsets drawn with a seed and stratified. Rows: MoRE, the same
// pre-training without the other vision modality (X-ray–text only for the X-ray tables, ECG–text
// only for PTB-XL; the ablation runs of AblationRuns.swift, with MoRE itself re-trained on their
// budget when it differs from the main run's), the random init floor, a raw-input baseline
// (logistic regression on pixels / samples) and, for MIMIC 4 labels, the authors' partial
// fine-tune (MoRE-reference §6.3; Eval/PartialFineTune.swift).

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
        /// Add the authors' partial fine-tune row (multi-label sets only).
        var partialFineTune = false
        /// Add the raw-input baseline row (a logistic regression on every pixel / sample: the
        /// slowest row; off only in the miniature tests).
        var rawInput = true

        /// The partial fine-tune row's options (`partialFineTune`): all classes of `labelSet`.
        func fineTuneOptions(seed: UInt64) -> PartialFineTuneOptions {
            var o = PartialFineTuneOptions(modality: modality, labelSet: labelSet)
            o.seed = seed
            return o
        }

        /// The probe's options: `labelSet` of `modality`'s features at every fraction (or `fractions`).
        func options(seed: UInt64, fractions: [Double] = [0.01, 0.1, 1.0]) -> LinearProbeOptions {
            LinearProbeOptions(modality: modality, labelSet: labelSet, stage: .features, fractions: fractions, seed: seed)
        }
    }

    /// The encoders of a probe table: MoRE, the bi-modal run without the other vision modality
    /// (and MoRE on the ablation budget when it differs from the main run's), random init.
    func probeEncoders(_ modality: EmbeddingModality) throws -> (encoders: [(String, MoREModel)], notes: [String], training: [(String, Double)]) {
        guard let plan = ablation else {
            return (encoders, ["Bi-modal row: not computed (no ablation runs were given; `make` passes them)."], [])
        }
        // The bi-modal rows compare against a tri-modal checkpoint; a bi-modal one has no third
        // modality to drop (and its "no-xray" variant of a "no-ecg" run would align nothing).
        guard isTriModal else {
            return (encoders, ["Bi-modal rows: not computed (the checkpoint itself is \(modelLabel))."], [])
        }
        let v = modality == .xray ? AblationVariant.noECG : AblationVariant.noXray
        let name = modality == .xray ? "X-ray–text only (no ECG)" : "ECG–text only (no X-ray)"
        var out = [encoders[0]], notes: [String] = [], training: [(String, Double)] = []
        let (bi, info, biURL) = try plan.model(v)
        if plan.epochs == plan.mainEpochs {
            out.append(("\(name), same budget", bi))
        } else {
            let budget = AblationPlan.budget(epochs: plan.epochs, steps: info.step)
            let (base, baseInfo, baseURL) = try plan.model(.baseline)
            out.append(("MoRE (tri-modal), \(AblationPlan.budget(epochs: plan.epochs, steps: baseInfo.step)) budget", base))
            out.append(("\(name), \(budget) budget", bi))
            notes.append("The bi-modal run has a reduced budget (\(budget); MoRE: \(plan.mainEpochs) epochs); compare it with the MoRE row of the same budget.")
            if baseURL != checkpointURL, let t = TableDocument.trainingSeconds(checkpoint: baseURL) { training.append(("the same-budget MoRE run", t)) }
        }
        if let t = TableDocument.trainingSeconds(checkpoint: biURL) { training.append(("the bi-modal run", t)) }
        return (out + encoders.dropFirst(), notes, training)
    }

    func probeTable(_ p: ProbeSpec) throws -> TableDocument {
        let tr = try split(p.splits.0), va = try split(p.splits.1), te = try split(p.splits.2)
        let o = p.options(seed: seed)
        _ = try probeTargets(train: tr, validation: va, test: te, o)   // labels first: before any ablation run is trained
        var results: [(String, [LinearProbeResult])] = []
        let (models, notes, training) = try probeEncoders(p.modality)
        for (name, m) in models {
            results.append((name, try m.linearProbe(o, train: tr, validation: va, test: te, tokenizer: tokenizer)))
        }
        if p.rawInput {
            results.append(("raw input", try linearProbe(o, train: (tr, try rawInputFeatures(tr, modality: p.modality)),
                                                         validation: (va, try rawInputFeatures(va, modality: p.modality)),
                                                         test: (te, try rawInputFeatures(te, modality: p.modality)))))
        }
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
        if p.partialFineTune { rows.append(try partialFineTuneRow(p, train: tr, validation: va, test: te)) }
        rows.append(["paper (MoRE)", "1 / 10 / 100 %", "–"] + classNames.map { _ in paperValue } + [paperValue] + (p.multiclass ? [paperValue, paperValue] : []))
        var columns = ["encoder", "labels", "train rows"] + classNames.map { "AUROC \($0)" } + ["macro AUROC [95 % CI]"]
        if p.multiclass { columns += ["accuracy", "macro-F1"] }
        var doc = TableDocument(
            name: p.name, title: p.title, claim: p.claim,
            protocolText: "Frozen \(p.modality.rawValue) encoder, features before the projection head; logistic regression (L2, C from \(LogisticRegression.defaultCGrid.map { String(format: "%g", $0) }.joined(separator: ", ")) chosen on \(p.splits.1) by \(p.multiclass ? "accuracy" : "AUROC per label")); training labels subsampled to 1 %, 10 %, 100 % with seed \(seed), stratified; evaluated on \(p.splits.2)\(p.multiclass ? " (one-vs-rest AUROC per grade)" : ""). 95 % CI by bootstrap over test rows. The authors' own MIMIC protocol partially fine-tunes the last 3 blocks' qkv (MoRE-reference §6.3); ours is a pure linear probe\(p.partialFineTune ? "; their protocol is the separate \"partial fine-tune\" row (100 % of the labels, as in their script)" : " (no partial fine-tune row here: the authors' script covers MIMIC only\(p.multiclass ? ", and it is multi-label" : ""))").",
            provenance: try provenance([p.splits.0, p.splits.1, p.splits.2]),
            parts: [TablePart(title: "Test AUROC by training-label fraction", columns: columns, rows: rows, notes: notes)])
        doc.training = training
        return doc
    }

    /// The authors' partial fine-tune (last blocks' qkv + projector + new head, MoRE-reference
    /// §6.3) of a freshly loaded copy of the checkpoint, on 100 % of the training labels.
    func partialFineTuneRow(_ p: ProbeSpec, train: EvalSplit, validation: EvalSplit, test: EvalSplit) throws -> [String] {
        let (m, _) = try loadEvaluationModel(checkpoint: checkpointURL)
        let o = p.fineTuneOptions(seed: seed)
        let r = try m.partialFineTune(o, train: train, validation: validation, test: test)
        let n = try probeTargets(train, p.options(seed: seed)).count
        let ci = try bootstrap.multiLabel(labels: r.testLabels, scores: r.testScores, \.aurocMacro)
        let label = "MoRE, partial fine-tune (authors' §6.3: last \(o.lastBlocks) blocks' qkv + projector + head; \(o.epochs) epochs, best epoch \(r.bestEpoch + 1))"
        return [label, "100 %", String(n)] + r.test.aurocPerClass.map { fmt($0) } + [fmt(r.test.aurocMacro, ci.lower, ci.upper)]
    }

    func tableMIMIC4Label() throws -> TableDocument { try probeTable(EvalContext.mimic4LabelSpec) }
    func tableEdemaSeverity() throws -> TableDocument { try probeTable(EvalContext.edemaSeveritySpec) }
    func tablePTBXLProbe() throws -> TableDocument { try probeTable(EvalContext.ptbxlProbeSpec) }

    static let mimic4LabelSpec =
        ProbeSpec(name: "table-mimic-4label", title: "MIMIC-style 4 labels: linear probe on X-ray features",
                  claim: "C6 — MoRE's X-ray encoder transfers to Atelectasis, Cardiomegaly, Edema and Pleural Effusion (the README's MIMIC-IV comparison with GLoRIA and MedKLIP).",
                  splits: ("mimic4label_train", "mimic4label_val", "mimic4label_test"), modality: .xray,
                  labelSet: "mimic4", multiclass: false, partialFineTune: true)

    static let edemaSeveritySpec =
        ProbeSpec(name: "table-edema-severity", title: "Edema severity (grades 0–3): linear probe on X-ray features",
                  claim: "C6 — MoRE's X-ray encoder grades pulmonary edema (0 none … 3 severe); the paper's protocol is unread, ours is a multinomial linear probe.",
                  splits: ("edema_train", "edema_val", "edema_test"), modality: .xray,
                  labelSet: "edema_severity", multiclass: true)

    static let ptbxlProbeSpec =
        ProbeSpec(name: "table-ptbxl-probe", title: "PTB-XL-style superclasses: linear probe on ECG features",
                  claim: "C6 — MoRE's ECG encoder transfers to the five PTB-XL superclasses (NORM, MI, STTC, HYP, CD).",
                  splits: ("ptbxl_train", "ptbxl_val", "ptbxl_test"), modality: .ecg,
                  labelSet: "ptbxl_super", multiclass: false)
}
