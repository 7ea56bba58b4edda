// table-ablation — which of MoRE's design choices matter, each switched off in its own
// pre-training run on the same reduced budget (AblationRuns.swift).
//
// Rows: the baseline (the main config at the ablation budget), DropKey off, frozen text model,
// full text fine-tuning, without ECG, without X-ray, the authors' unmasked (padded-mean) text
// pooling, learnable τ, and the random-init floor. Columns: the headline metric of every
// other table, computed exactly as there — zero-shot CXR (4 classes) and ECG (multi-label
// superclasses) macro AUROC with the authors' scoring, held-out retrieval R@1/R@5 (t→x, t→e,
// x→e), and the 100 % linear probe on MIMIC-4 (X-ray) and PTB-XL (ECG) — with 95 % bootstrap
// intervals; "n/a" where a run has no trained tower for the modality.
//
// Deliberately not here: 1 % / 10 % probe fractions and the CLIP-style scoring (their own
// tables), paired tests between rows (the intervals are per row).

import Foundation
import MoRE
import Eval
import TensorCore

extension EvalContext {
    /// The ablation plan, or an error naming the options to pass.
    func requireAblation(_ table: String) throws -> AblationPlan {
        guard let a = ablation else { throw AblationError.notConfigured(table: table) }
        return a
    }

    /// A metric with its interval: "x.xxx [lo, hi]".
    struct Scored { var value: Double; var lower: Double; var upper: Double
        static let absent = Scored(value: .nan, lower: .nan, upper: .nan)
        var text: String { fmt(value, lower, upper) }

        /// A difference from `base` counts as resolved when each estimate lies outside the
        /// other's 95 % interval. (Only "outside the baseline's interval" would call a single
        /// retrieval hit a difference whenever the baseline has none: its interval is [0, 0].)
        func differs(from base: Scored) -> Bool {
            guard value.isFinite, base.value.isFinite else { return false }
            let outsideBase = value < base.lower || value > base.upper
            let baseOutside = !(lower.isFinite && upper.isFinite) || base.value < lower || base.value > upper
            return outsideBase && baseOutside
        }
    }

    /// The zero-shot tasks of the headline metrics: CheXpert-style 4 classes (on chexpert5x200)
    /// and PTB-XL multi-label superclasses (on ptbxl_test), each as in its own table.
    static func headlineZeroShotTasks(seed: UInt64) throws -> (cxr: ZeroShotTask, ecg: ZeroShotTask) {
        (try ZeroShotTask.cheXpert(classes: 4, seed: seed), try ZeroShotTask.ptbxl(singleLabel: false))
    }

    /// The probes of the headline metrics, at 100 % of the labels: the MIMIC-4 and PTB-XL tables'.
    static let headlineProbes = (xray: mimic4LabelSpec, ecg: ptbxlProbeSpec)

    /// The headline metrics of one model; modalities without a trained tower are "n/a".
    /// `ptbxl_test` serves both the ECG zero-shot and the ECG probe: its tower features are
    /// extracted once, and the zero-shot takes their projection (the same bits as embedding
    /// again: rows do not depend on their batch).
    func headlineMetrics(_ m: MoREModel, xray: Bool, ecg: Bool) throws -> [Scored] {
        func zeroShot(_ task: ZeroShotTask, _ s: EvalSplit, embeddings: Tensor? = nil) throws -> Scored {
            guard let r = try m.zeroShot(task, split: s.split, file: s.file, tokenizer: tokenizer, scorings: [.authors],
                                         embeddings: embeddings).first else { return .absent }
            let ci = try bootstrap.multiLabel(labels: r.labels, scores: r.scores, \.aurocMacro)
            return Scored(value: r.aurocMacro, lower: ci.lower, upper: ci.upper)
        }
        func probe(_ p: ProbeSpec, testFeatures: Tensor? = nil) throws -> Scored {
            guard let r = try m.linearProbe(p.options(seed: seed, fractions: [1.0]), train: try split(p.splits.0), validation: try split(p.splits.1),
                                            test: try split(p.splits.2), tokenizer: tokenizer, testFeatures: testFeatures).first
            else { return .absent }
            let ci = try bootstrap.multiLabel(labels: r.testLabels, scores: r.testScores, \.aurocMacro)
            return Scored(value: r.aurocMacro, lower: ci.lower, upper: ci.upper)
        }
        let tasks = try EvalContext.headlineZeroShotTasks(seed: seed), probes = EvalContext.headlineProbes
        var ecgZeroShot = Scored.absent, ptbxlFeatures: Tensor?
        if ecg {
            let test = try split(probes.ecg.splits.2), o = probes.ecg.options(seed: seed, fractions: [1.0])
            let f = try m.embed(test.split, modality: .ecg, file: test.file, options: EmbeddingOptions(stage: o.stage, batchSize: o.batchSize),
                                protocolName: "linear probe")
            ecgZeroShot = try zeroShot(tasks.ecg, test, embeddings: try m.project(f, modality: .ecg, file: test.file))
            ptbxlFeatures = f
        }
        var directions: [RetrievalDirection] = []
        if xray { directions.append(.textToXray) }
        if ecg { directions.append(.textToECG) }
        if xray && ecg { directions.append(.xrayToECG) }
        var recall: [RetrievalDirection: RetrievalResult] = [:]
        for r in try m.retrieval(try split("pretrain_test"), tokenizer: tokenizer, directions: directions, labelSet: EvalContext.retrievalLabelSet, ks: [1, 5]) {
            recall[r.direction] = r
        }
        func r(_ d: RetrievalDirection, _ k: Int, ci: Bool) throws -> Scored {
            guard let res = recall[d], let v = res.recall[k] else { return .absent }
            guard ci else { return Scored(value: v, lower: .nan, upper: .nan) }
            let i = try bootstrap.recallAtK(ranks: res.ranks, k: k)
            return Scored(value: v, lower: i.lower, upper: i.upper)
        }
        return [xray ? try zeroShot(tasks.cxr, try split("chexpert5x200")) : .absent,
                ecgZeroShot,
                try r(.textToXray, 1, ci: true), try r(.textToXray, 5, ci: false),
                try r(.textToECG, 1, ci: true), try r(.textToECG, 5, ci: false), try r(.xrayToECG, 1, ci: true),
                xray ? try probe(probes.xray) : .absent,
                ecg ? try probe(probes.ecg, testFeatures: ptbxlFeatures) : .absent]
    }

    static let headlineColumns = ["zero-shot CXR macro AUROC [95 % CI]", "zero-shot ECG macro AUROC [95 % CI]",
                                  "t→x R@1 [95 % CI]", "t→x R@5", "t→e R@1 [95 % CI]", "t→e R@5", "x→e R@1 [95 % CI]",
                                  "probe MIMIC-4 macro AUROC, 100 % [95 % CI]", "probe PTB-XL macro AUROC, 100 % [95 % CI]"]

    func tableAblation() throws -> TableDocument {
        let plan = try requireAblation("table-ablation")
        guard isTriModal else {
            throw AblationError.needsTriModal(table: "table-ablation", checkpoint: displayPath(checkpointURL), label: modelLabel)
        }
        try checkAblationData()
        var rows: [[String]] = [], runRows: [[String]] = []
        var scored: [(String, [Scored])] = []
        var trainingSeconds = 0.0, timedRuns = 0, baselineSeconds: Double?
        let variants = AblationVariant.all(base: plan.mainInfo.config)
        let total = variants.count + 1
        func say(_ k: Int, _ label: String) {
            if plan.progress { FileHandle.standardError.write(Data("table-ablation: evaluating row \(k)/\(total), \(label)\n".utf8)) }
        }
        for (k, v) in variants.enumerated() {
            let (m, info, url) = try plan.model(v)
            say(k + 1, v.label)
            let s = try headlineMetrics(m, xray: info.config.useXray, ecg: info.config.useECG)
            let steps = AblationPlan.budget(epochs: info.config.optim.epochs, steps: info.step)
            rows.append([v.label, String(info.step)] + s.map(\.text))
            runRows.append([v.label, v.change, "\(info.config.name) (hash \(info.config.hash))", steps, displayPath(url)])
            scored.append((v.label, s))
            if url != checkpointURL, let t = TableDocument.trainingSeconds(checkpoint: url) {
                if v.key == AblationVariant.baseline.key { baselineSeconds = t } else { trainingSeconds += t; timedRuns += 1 }
            }
        }
        say(total, "random init (floor)")
        let floor = try headlineMetrics(randomModel, xray: true, ecg: true)
        rows.append(["random init (floor)", "0"] + floor.map(\.text))
        rows.append(["paper (MoRE)", "–"] + EvalContext.headlineColumns.map { _ in paperValue })
        let budget = "\(plan.epochs) epoch\(plan.epochs == 1 ? "" : "s") per row"
        let reduced = plan.epochs < plan.mainEpochs
            ? "**Reduced budget:** every row, the baseline included, is pre-trained for \(budget) — less than the main run's \(plan.mainEpochs) epochs — so the rows are comparable with each other, not with the MoRE rows of the other tables."
            : "Every row, the baseline included, is pre-trained for \(budget) (the main run: \(plan.mainEpochs) epochs)."
        var doc = TableDocument(
            name: "table-ablation", title: "Ablations: each design choice switched off on the same budget",
            claim: "MoRE's choices each help (MoRE-reference §1.1–1.2, §4 T-E): DropKey in the ViTs, LoRA rather than a frozen or fully fine-tuned text model, the third modality (tri-modal vs X-ray–text or ECG–text only), masked text pooling (ours) vs the authors' padded mean, a fixed τ (the authors' effective setting) vs a learned one, and the authors' training augmentations (off in `tiny`) switched.",
            protocolText: "One pre-training run per row from the evaluated checkpoint's config with one change (see \"Runs\"), the same seed and data, \(budget). Each is evaluated like the other tables: zero-shot CheXpert-style 4 classes and PTB-XL multi-label superclasses (authors' scoring: max over prompts, per-class z-score; macro AUROC), held-out retrieval on the pre-training test split (rows with a usable 4-label vector, cosine of projected embeddings, R@K), and the 100 % linear probe (features before the projection head, L2 logistic regression with C chosen on validation) on MIMIC-style 4 labels and PTB-XL superclasses. 95 % CIs by bootstrap over evaluation rows / queries. n/a = the run has no trained tower for that modality. \(reduced)",
            provenance: try provenance(["pretrain_train", "pretrain_test", "chexpert5x200", "ptbxl_test", "mimic4label_train", "mimic4label_val",
                                        "mimic4label_test", "ptbxl_train", "ptbxl_val"],
                                       extra: [("ablation budget", "\(budget), every row including the baseline (main run: \(plan.mainEpochs) epochs)"),
                                               ("ablation runs", displayPath(plan.runsDir))]),
            parts: [TablePart(title: "Headline metrics by variant (\(budget))", columns: ["variant", "steps"] + EvalContext.headlineColumns, rows: rows,
                              notes: [reduced]),
                    TablePart(title: "Runs", columns: ["variant", "change", "config", "budget", "checkpoint"], rows: runRows, csvSuffix: "runs")],
            discussion: ablationDiscussion(scored))
        // The baseline row's run is listed apart: `make` leaves it behind as the first epochs of the
        // checkpoint's own run (`--snapshot`), so its time is then part of the checkpoint's.
        if let b = baselineSeconds { doc.training.append(("the baseline row's run", b)) }
        if timedRuns > 0 { doc.training.append(("the \(timedRuns) other ablation runs together", trainingSeconds)) }
        return doc
    }

    /// Every split and label set the rows need, checked before any run is trained: the table's
    /// data requirements with the labels' content (`DataRequirements.check`, as `more table`
    /// checks them before the model loads).
    func checkAblationData() throws {
        try DataRequirements.named("table-ablation")?.check(folder: dataDir)
    }

    /// One sentence per metric: the variants that differ from the baseline (`Scored.differs`).
    func ablationDiscussion(_ scored: [(String, [Scored])]) -> [String] {
        guard let base = scored.first else { return [] }
        var out: [String] = []
        for (j, column) in EvalContext.headlineColumns.enumerated() {
            let b = base.1[j]
            guard b.value.isFinite, b.lower.isFinite else { continue }
            let outside = scored.dropFirst().compactMap { (name, s) -> String? in
                let x = s[j]
                guard x.differs(from: b) else { return nil }
                return "\(name) \(fmt(x.value)) (\(x.value > b.upper ? "above" : "below"))"
            }
            let name = column.replacingOccurrences(of: " [95 % CI]", with: "")
            out.append("\(name): baseline \(b.text); " + (outside.isEmpty ? "no variant differs from it at this budget (a difference counts when each estimate lies outside the other's interval)."
                                                                            : "differing from it (each estimate outside the other's interval): " + outside.joined(separator: ", ") + "."))
        }
        return out
    }
}
