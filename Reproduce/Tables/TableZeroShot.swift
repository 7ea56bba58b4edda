// table-zeroshot-cxr and table-zeroshot-ecg — zero-shot classification from prompts.
//
// Claim (C4): the aligned space supports zero-shot classification — an X-ray (or ECG) is
// scored by its cosine similarity to class prompts, with no labelled training data. The
// authors' protocol (GLoRIA prompts, 5 per class, max over prompts, per-class z-score, AUROC)
// is the main row; CLIP-style prompt ensembling is a second row. "random init" is the same
// architecture before pre-training (with the same pretrained text model), the floor any
// learned alignment must clear.

import Foundation
import MoRE
import Eval
import TensorCore

extension EvalContext {
    /// table-zeroshot-cxr's tasks on chexpert5x200: 4 classes (the authors'), 5 (with our
    /// Consolidation prompts).
    static func zeroShotCXRTasks(seed: UInt64) throws -> [(classes: Int, task: ZeroShotTask)] {
        try [4, 5].map { ($0, try ZeroShotTask.cheXpert(classes: $0, seed: seed)) }
    }

    /// table-zeroshot-ecg's tasks on ptbxl_test: single-label (the authors'), multi-label.
    static func zeroShotECGTasks() throws -> [(singleLabel: Bool, task: ZeroShotTask)] {
        try [true, false].map { ($0, try ZeroShotTask.ptbxl(singleLabel: $0)) }
    }

    /// Each encoder's projected embeddings of every row of `s` (`modality`), in `encoders` order:
    /// computed once for a table's two tasks instead of once per task. Rows do not depend on their
    /// batch, so these are the bits each task's own pass over its rows would give.
    func projectedEmbeddings(_ s: EvalSplit, modality: EmbeddingModality) throws -> [Tensor] {
        try encoders.map { try $0.1.embed(s.split, modality: modality, file: s.file, options: EmbeddingOptions(stage: .projected)) }
    }

    /// - Parameter embeddings: `projectedEmbeddings(s, modality: task.modality)`.
    func zeroShotRows(_ task0: ZeroShotTask, split s: EvalSplit, embeddings: [Tensor]) throws -> (rows: [[String]], macro: [String: Double]) {
        var task = task0
        task.promptForm = promptForm
        var rows: [[String]] = [], macro: [String: Double] = [:]
        for ((name, m), z) in zip(encoders, embeddings) {
            for r in try m.zeroShot(task, split: s.split, file: s.file, tokenizer: tokenizer, embeddings: z) {
                let ci = try bootstrap.multiLabel(labels: r.labels, scores: r.scores, \.aurocMacro)
                let per = r.aurocPerClass.map { fmt($0) }
                let acc = r.accuracy.map { fmt($0) } ?? "–"
                rows.append([name, r.scoring == .authors ? "authors (max, z-score)" : "CLIP-style (mean, softmax)"]
                            + per + [fmt(r.aurocMacro, ci.lower, ci.upper), fmt(r.averagePrecisionMacro), acc])
                macro["\(name)|\(r.scoring.rawValue)"] = r.aurocMacro
            }
        }
        rows.append(["paper (MoRE)", "authors"] + task.classNames.map { _ in paperValue } + [paperValue, paperValue, paperValue])
        return (rows, macro)
    }

    /// Every prompt of a task, one row per prompt, so the table says exactly what was scored.
    func promptsPart(_ task: ZeroShotTask, title: String) -> TablePart {
        TablePart(title: title, columns: ["class", "prompt"],
                  rows: zip(task.classNames, task.prompts).flatMap { c, ps in ps.map { [c, $0] } }, csvSuffix: "prompts")
    }

    /// How the protocol text describes `promptForm`.
    var promptFormText: String {
        switch promptForm {
        case .alone: return "prompt alone, no prefix, as the authors"
        case .report: return "each prompt encoded as a training report, `--prompt-form report`: the sentence pair with the authors' prefixes, the prompt as its modality's report, the other report empty — ours, not the authors'"
        }
    }

    func tableZeroShotCXR() throws -> TableDocument {
        let s = try split("chexpert5x200")
        var parts: [TablePart] = []
        var discussion: [String] = []
        let z = try projectedEmbeddings(s, modality: .xray)
        for (classes, task) in try EvalContext.zeroShotCXRTasks(seed: seed) {
            let (rows, macro) = try zeroShotRows(task, split: s, embeddings: z)
            parts.append(TablePart(title: "CheXpert-style 5×200, \(classes) classes (\(classes == 4 ? "the authors'; Consolidation images kept as negatives" : "with our Consolidation prompts"))",
                                   columns: ["encoder", "scoring"] + task.classNames.map { "AUROC \($0)" } + ["macro AUROC [95 % CI]", "macro AUPRC", "accuracy"],
                                   rows: rows, csvSuffix: "\(classes)class"))
            if classes == 4, let a = macro["\(modelLabel)|authors"], let b = macro["random init|authors"] {
                discussion.append("Macro AUROC (4 classes, authors' scoring): MoRE \(fmt(a)) vs random init \(fmt(b)).")
            }
        }
        parts.append(promptsPart(try ZeroShotTask.cheXpert(classes: 5, seed: seed),
                                 title: "The prompts (sampled with seed \(seed), per class, so the 4-class task has the same ones; with the spaces that GLoRIA's empty slots leave; `more embed --prompts chexpert4|chexpert5` writes their embeddings)"))
        return TableDocument(
            name: "table-zeroshot-cxr", title: "Zero-shot X-ray classification (CheXpert-style 5×200)",
            claim: "C4 — after pre-training, X-rays can be classified zero-shot by their similarity to text prompts (MoRE-reference §6.1).",
            protocolText: "X-ray embeddings (ViT → projector_xray_text) and prompt embeddings (\(promptFormText); text tower → projector_text). Authors' scoring: cosine, max over the class's 5 prompts (sampled from the GLoRIA vocabulary with seed \(seed)), z-score per class over the evaluation images, per-class AUROC and AUPRC, macro mean; CLIP-style: softmax over classes of the cosine to the mean prompt embedding / τ. 95 % CIs by bootstrap over images.",
            provenance: try provenance(["chexpert5x200"]), parts: parts, discussion: discussion)
    }

    func tableZeroShotECG() throws -> TableDocument {
        let s = try split("ptbxl_test")
        var parts: [TablePart] = []
        let z = try projectedEmbeddings(s, modality: .ecg)
        for (single, task) in try EvalContext.zeroShotECGTasks() {
            let (rows, _) = try zeroShotRows(task, split: s, embeddings: z)
            parts.append(TablePart(title: single ? "Single-label (the authors' priority NORM > STTC > MI > HYP > CD)" : "Multi-label superclasses",
                                   columns: ["encoder", "scoring"] + task.classNames.map { "AUROC \($0)" } + ["macro AUROC [95 % CI]", "macro AUPRC", "accuracy"],
                                   rows: rows, csvSuffix: single ? "single" : "multi"))
        }
        parts.append(promptsPart(try ZeroShotTask.ptbxl(singleLabel: false), title: "The prompts (the authors', one per class)"))
        return TableDocument(
            name: "table-zeroshot-ecg", title: "Zero-shot ECG classification (PTB-XL-style superclasses)",
            claim: "C4/C6 — ECGs can be classified zero-shot into the PTB-XL superclasses from the prompts \"Normal ECG\", \"Myocardial Infarction\", \"ST T Change\", \"Hypertrophy\", \"Conduction Disturbance\" (MoRE-reference §6.2).",
            protocolText: "ECG embeddings (ECG ViT → projector_ecg_text) against one prompt per class (max_length 128; \(promptFormText)); scoring as the X-ray table. The authors map multi-label superclasses to one label by priority; the usual multi-label protocol is the second part.",
            provenance: try provenance(["ptbxl_test"]), parts: parts)
    }
}
