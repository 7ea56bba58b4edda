// MoREConfig — every size and hyper-parameter of a MoRE run, as plain data with visible
// defaults. Two configs ship: `paper` (the authors' sizes, MoRE-reference §2–3) and `tiny`
// (the same architecture at laptop scale, the default). A JSON file may override any field;
// an unknown key is an error that names it (ConfigLoading.swift).

import NN

/// How the pretrained text model is tuned (ablation axis).
public enum TextTuning: String, Codable, Sendable, CaseIterable {
    /// LoRA on query/value + all biases (the authors').
    case lora
    /// Entirely frozen text model (only the projection head learns).
    case frozen
    /// Every text parameter trained.
    case full
}

/// DropKey schedule as plain data.
public struct DropKeyConfig: Codable, Equatable, Sendable {
    /// "constant" or "linear".
    public var kind: String
    public var from: Float
    public var to: Float
    public init(kind: String, from: Float, to: Float) { self.kind = kind; self.from = from; self.to = to }
    public static func constant(_ p: Float) -> DropKeyConfig { DropKeyConfig(kind: "constant", from: p, to: p) }
    public var schedule: DropKeySchedule {
        kind == "linear" ? .linear(from: from, to: to) : .constant(from)
    }
}

/// The loss: which pairs are contrasted and the temperature.
public struct LossConfig: Codable, Equatable, Sendable {
    public var temperature: Float
    /// Train τ (the authors' code creates a learnable τ but never optimises it, so it stays 0.02).
    public var learnableTemperature: Bool
    public var textXray: Bool
    public var textECG: Bool
    /// A direct X-ray↔ECG term (absent in MoRE; ablation option).
    public var xrayECG: Bool
    public init(temperature: Float = 0.02, learnableTemperature: Bool = false, textXray: Bool = true,
                textECG: Bool = true, xrayECG: Bool = false) {
        self.temperature = temperature; self.learnableTemperature = learnableTemperature
        self.textXray = textXray; self.textECG = textECG; self.xrayECG = xrayECG
    }
}

/// Optimisation settings.
public struct OptimConfig: Codable, Equatable, Sendable {
    public var learningRate: Double
    public var minLearningRate: Double
    public var weightDecay: Float
    public var batchSize: Int
    public var accumulation: Int
    public var epochs: Int
    /// Cosine restart period T₀ in epochs.
    public var restartPeriodEpochs: Double
    /// Linear warm-up in optimiser steps (0 = none, the authors').
    public var warmupSteps: Int
    /// Step the schedule per optimiser step (true) or per epoch (false, the authors').
    public var schedulePerStep: Bool
    public var gradClip: Float?
    public var patience: Int
    public var checkpointEvery: Int
    public var seed: UInt64
}

extension OptimConfig {
    /// Optimiser steps of a whole run on `pairs` training pairs: every epoch has ⌊pairs / batch⌋
    /// micro-batches (the last partial batch is dropped), and the weights are updated after every
    /// `accumulation` of them, counted across epochs: ⌊epochs · ⌊pairs / batch⌋ / accumulation⌋.
    /// The trainer's loop (Trainer.swift) takes exactly these steps; `more runs` plans with them.
    public func optimizerSteps(pairs: Int) -> Int { epochs * (pairs / batchSize) / max(accumulation, 1) }
}

/// The complete configuration of a MoRE model and its pre-training.
public struct MoREConfig: Codable, Equatable, Sendable {
    public var name: String
    // X-ray tower
    public var xray: ViTConfig
    public var xrayImageSize: Int
    public var xrayPatch: Int
    public var xrayChannels: Int
    /// Dataset mean/std of the authors' `Normalize` (used when `xrayNormalization` is `dataset`).
    public var xrayMean: Float
    public var xrayStd: Float
    /// How an X-ray becomes the ViT input: the authors' fixed mean/std, or per-image standardisation.
    public var xrayNormalization: XrayNormalization
    // ECG tower
    public var ecg: ViTConfig
    public var ecgLeads: Int
    public var ecgLength: Int
    public var ecgStemChannels: Int
    // DropKey in both ViTs
    public var dropKey: DropKeyConfig
    /// Apply the authors' training augmentations (MoRE-reference §3.3: X-ray RandomResizedCrop,
    /// ColorJitter, GaussianBlur, flip; ECG time-warp and segment permutation) in pre-training.
    public var augment: Bool
    // Text tower
    public var text: TextEncoderConfig
    /// Folder (relative to the repository) or name of the pretrained text model; "" = random.
    public var textModel: String
    public var textMaxLength: Int
    public var textPooling: TextPooling
    public var textTuning: TextTuning
    public var loraRank: Int
    public var loraAlpha: Float
    public var loraDropout: Float
    // Heads and loss
    public var projectionDim: Int
    public var useXray: Bool
    public var useECG: Bool
    public var loss: LossConfig
    public var optim: OptimConfig

    /// Token count of the ECG tower for `ecgLength` samples.
    public var ecgTokens: Int { ECGPatchEmbed.tokens(length: ecgLength) }
    /// Token count of the X-ray tower.
    public var xrayTokens: Int { (xrayImageSize / xrayPatch) * (xrayImageSize / xrayPatch) }
}

extension MoREConfig {
    /// The authors' configuration (MoRE-reference §2, §3.4): two ViT-B/16 towers with
    /// qkv_bias off and DropKey 0.3, RoBERTa-base-sized text with LoRA r16 α8, 128-d heads,
    /// AdamW 3e-5 / wd 0.1, batch 100 × 4 accumulation, cosine restarts T₀ 10 epochs.
    public static let paper = MoREConfig(
        name: "paper",
        xray: ViTConfig(dim: 768, depth: 12, heads: 12), xrayImageSize: 224, xrayPatch: 16, xrayChannels: 3,
        xrayMean: 0.499, xrayStd: 0.293, xrayNormalization: .dataset,
        ecg: ViTConfig(dim: 768, depth: 12, heads: 12), ecgLeads: 12, ecgLength: 1000, ecgStemChannels: 256,
        dropKey: .constant(0.3), augment: true,
        text: .robertaBase, textModel: "", textMaxLength: 512, textPooling: .paddedMean, textTuning: .lora,
        loraRank: 16, loraAlpha: 8, loraDropout: 0.1,
        projectionDim: 128, useXray: true, useECG: true, loss: LossConfig(),
        optim: OptimConfig(learningRate: 3e-5, minLearningRate: 3e-6, weightDecay: 0.1, batchSize: 100, accumulation: 4,
                           epochs: 100, restartPeriodEpochs: 10, warmupSteps: 0, schedulePerStep: false, gradClip: nil,
                           patience: 10, checkpointEvery: 1000, seed: 42))

    /// Laptop scale with every architectural element kept: 64×64 X-rays with patch 8, the ECG
    /// conv stem at 12×1000 → 196 tokens, 4-layer ViTs of width 128, all-MiniLM-L6-v2 with
    /// LoRA, 128-d heads. Sized so the whole default reproduction fits in minutes on 2 cores.
    /// Four training settings differ from the authors' for this 243-step budget (PAPER.md
    /// §4.5): τ = 0.1 instead of 0.02 (at 0.02 the first ~100 steps only shrink the logit
    /// spread of the random towers; of 0.05, 0.07, 0.1, 0.15 and 0.2, 0.1 gives the best held-out
    /// text→ECG top-1 after 243 steps, 0.375 against 0.255 at 0.07), lr 1e-3 with a 20-step warm-up instead of 3e-5, no
    /// training augmentations (the towers underfit in this budget, and the augmentations cost
    /// signal: held-out text→ECG top-1 0.219 → 0.281; table-ablation has them switched on),
    /// and X-rays standardised per image instead of by the dataset's mean and deviation (the
    /// synthetic X-rays skip the authors' CLAHE, and the phantom's brightness and contrast
    /// otherwise dominate the X-ray features: a probe on them gains 0.1–0.2 AUROC per label at
    /// two seeds).
    public static let tiny = MoREConfig(
        name: "tiny",
        xray: ViTConfig(dim: 128, depth: 4, heads: 4), xrayImageSize: 64, xrayPatch: 8, xrayChannels: 3,
        xrayMean: 0.499, xrayStd: 0.293, xrayNormalization: .perImage,
        ecg: ViTConfig(dim: 128, depth: 4, heads: 4), ecgLeads: 12, ecgLength: 1000, ecgStemChannels: 64,
        dropKey: .constant(0.3), augment: false,
        text: .miniLM, textModel: ".cache/models/all-MiniLM-L6-v2", textMaxLength: 128, textPooling: .maskedMean,
        textTuning: .lora, loraRank: 16, loraAlpha: 8, loraDropout: 0.1,
        projectionDim: 128, useXray: true, useECG: true, loss: LossConfig(temperature: 0.1),
        optim: OptimConfig(learningRate: 1e-3, minLearningRate: 1e-5, weightDecay: 0.1, batchSize: 32, accumulation: 1,
                           epochs: 3, restartPeriodEpochs: 3, warmupSteps: 20, schedulePerStep: true, gradClip: 1.0,
                           patience: 10, checkpointEvery: 50, seed: 42))

    /// The shipped configurations by name.
    public static let builtIn: [String: MoREConfig] = ["paper": .paper, "tiny": .tiny]
}
