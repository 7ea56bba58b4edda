// table-hparams — every hyper-parameter we use beside the authors' (MoRE-reference §2–3).
//
// Our values are read from the config objects; the authors' column is the `paper` config
// (which encodes MoRE-reference §3.4) plus the reference's notes on what is unknown.

import Foundation
import MoRE

func makeTableHparams(outDir: URL, config ours: MoREConfig) throws -> URL {
    let t0 = Date()
    let a = MoREConfig.paper
    func row(_ name: String, _ mine: String, _ theirs: String, _ note: String = "") -> [String] { [name, mine, theirs, note] }
    let rows: [[String]] = [
        row("X-ray input", "\(ours.xrayImageSize)×\(ours.xrayImageSize), patch \(ours.xrayPatch)", "\(a.xrayImageSize)×\(a.xrayImageSize), patch \(a.xrayPatch)"),
        row("ViT width / depth / heads (X-ray)", "\(ours.xray.dim) / \(ours.xray.depth) / \(ours.xray.heads)", "\(a.xray.dim) / \(a.xray.depth) / \(a.xray.heads)"),
        row("ViT width / depth / heads (ECG)", "\(ours.ecg.dim) / \(ours.ecg.depth) / \(ours.ecg.heads)", "\(a.ecg.dim) / \(a.ecg.depth) / \(a.ecg.heads)"),
        row("qkv bias", "\(ours.xray.qkvBias)", "\(a.xray.qkvBias)"),
        row("X-ray normalisation", ours.xrayNormalization == .dataset ? "(x − \(ours.xrayMean)) / \(ours.xrayStd)" : "per image: (x − μ_i) / σ_i",
            "(x − \(a.xrayMean)) / \(a.xrayStd), after CLAHE",
            ours.xrayNormalization == a.xrayNormalization ? "" : "the synthetic X-rays skip CLAHE; their brightness and contrast otherwise dominate the X-ray features (PAPER.md §4.5)"),
        row("ECG stem", "12→\(ours.ecgStemChannels)→\(ours.ecg.dim), k5 s5 / k5 s1, \(ours.ecgTokens) tokens", "12→\(a.ecgStemChannels)→\(a.ecg.dim), k5 s5 / k5 s1, \(a.ecgTokens) tokens"),
        row("DropKey", ours.dropKey.schedule.description, a.dropKey.schedule.description, "paper text unread (§8.1)"),
        row("training augmentations (§3.3)", ours.augment ? "on" : "off", a.augment ? "on" : "off",
            ours.augment == a.augment ? "" : "they cost signal in a short run (PAPER.md §4.5); table-ablation has a row with them switched"),
        row("text model", ours.textModel.isEmpty ? "random" : ours.textModel, "RoBERTa-base-PM-M3", "not on PyPI; same architecture in `paper`"),
        row("text width / layers", "\(ours.text.hidden) / \(ours.text.layers)", "\(a.text.hidden) / \(a.text.layers)"),
        row("text max length", "\(ours.textMaxLength)", "\(a.textMaxLength)"),
        row("text pooling", ours.textPooling.rawValue, a.textPooling.rawValue, "authors average over padding (§2.5)"),
        row("text tuning", "\(ours.textTuning.rawValue), r \(ours.loraRank), α \(ours.loraAlpha), dropout \(ours.loraDropout)", "\(a.textTuning.rawValue), r \(a.loraRank), α \(a.loraAlpha), dropout \(a.loraDropout)"),
        row("projection", "D→D→\(ours.projectionDim), BN, no bias", "768→768→\(a.projectionDim), BN, no bias"),
        row("temperature τ", "\(ours.loss.temperature)\(ours.loss.learnableTemperature ? " (learned)" : " (fixed)")", "\(a.loss.temperature) (created learnable, never optimised)",
            ours.loss.temperature == a.loss.temperature ? "" : "at 0.02 a 243-step run spends its first ~100 steps shrinking the logits; of 0.05–0.2, 0.1 aligns the ECGs best in 243 steps (PAPER.md §4.5)"),
        row("loss pairs", "t↔x \(ours.loss.textXray), t↔e \(ours.loss.textECG), x↔e \(ours.loss.xrayECG)", "t↔x, t↔e"),
        row("optimiser", "AdamW lr \(ours.optim.learningRate), wd \(ours.optim.weightDecay)", "AdamW lr \(a.optim.learningRate), wd \(a.optim.weightDecay)",
            ours.optim.learningRate == a.optim.learningRate ? "" : "243 steps instead of the authors' long run; 2e-3 and 3e-3 were worse over the whole budget (PAPER.md §4.5)"),
        row("batch × accumulation", "\(ours.optim.batchSize) × \(ours.optim.accumulation)", "\(a.optim.batchSize) × \(a.optim.accumulation)",
            ours.optim.batchSize == a.optim.batchSize ? "" : "laptop scale; in-batch accuracies are reported at batch 32 (chance 1/32)"),
        row("schedule", "cosine restarts T₀ \(ours.optim.restartPeriodEpochs) epochs, η_min \(ours.optim.minLearningRate), \(ours.optim.schedulePerStep ? "per step" : "per epoch"), warm-up \(ours.optim.warmupSteps) steps", "cosine restarts T₀ \(a.optim.restartPeriodEpochs) epochs, η_min \(a.optim.minLearningRate), per epoch, no warm-up"),
        row("gradient clipping", ours.optim.gradClip.map { String($0) } ?? "none", "none"),
        row("epochs", "\(ours.optim.epochs)", "undefined in the code (§3.4)"),
        row("early stopping patience", "\(ours.optim.patience)", "\(a.optim.patience)"),
        row("precision", "float32", "fp16 autocast + GradScaler"),
    ]
    let source = ours == .tiny || ours == .paper ? "`MoREConfig.\(ours.name)`"
        : "the config `\(ours.name)` (a JSON file over a base config)"
    let mine = ours.flatValues, theirs = a.flatValues
    let keyRows = Set(mine.keys).union(theirs.keys).sorted().map { k in
        [k, mine[k] ?? "—", theirs[k] ?? "—", mine[k] == theirs[k] ? "" : "differs"]
    }
    let doc = TableDocument(
        name: "table-hparams", title: "Hyper-parameters: ours beside the authors'",
        claim: "(bookkeeping) Every setting that differs from the authors' is visible and explained.",
        protocolText: "Read from \(source) (ours) and `MoREConfig.paper`, which encodes the authors' released code (MoRE-reference §2–3). "
            + "The first part explains the settings that matter; the second lists every key of both configs as the checkpoints store them (— : not set, the default).",
        provenance: Provenance(dataset: "none", datasetHash: "-", config: ours.name, configHash: ours.hash, seed: ours.optim.seed, checkpoint: "-"),
        parts: [TablePart(title: "Settings", columns: ["setting", "ours (\(ours.name))", "authors (released code)", "note"], rows: rows),
                TablePart(title: "Every config key", columns: ["key", "ours (\(ours.name))", "paper", ""], rows: keyRows, csvSuffix: "keys")])
    return try doc.write(to: outDir, wallSeconds: Date().timeIntervalSince(t0))
}
