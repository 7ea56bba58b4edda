// ConfigValidation — the ranges a MoREConfig's values must lie in for the model to be built
// and trained (upper bounds on sizes: ConfigLimits.swift). A JSON config (ConfigLoading.swift) and every config `more pretrain` derives
// from it (--epochs, --variant) are checked here, so that a value out of range is a
// ConfigError naming the file and the dotted key — not a crash deep in the model (a loss with
// no active pair, a width the heads do not divide) or a run that trains nonsense (batch 1,
// τ 0, a negative learning rate).

import Foundation
import NN

extension MoREConfig {
    /// Throws `ConfigError.badValue(file:key:reason:)` for the first value out of its range;
    /// `file` names the config in the message.
    public func validate(file: String) throws {
        func fail(_ key: String, _ reason: String) -> ConfigError { .badValue(file: file, key: key, reason: reason) }
        func atLeast(_ key: String, _ v: Int, _ lo: Int) throws {
            if v < lo { throw fail(key, "must be at least \(lo), got \(v)") }
        }
        func within(_ key: String, _ v: Int, _ lo: Int, _ hi: Int) throws {
            try atLeast(key, v, lo)
            if v > hi { throw fail(key, "must be at most \(hi) (ConfigLimits), got \(v)") }
        }
        func positive(_ key: String, _ v: Double) throws {
            if !(v.isFinite && v > 0) { throw fail(key, "must be a finite number > 0, got \(v)") }
        }
        func nonNegative(_ key: String, _ v: Double) throws {
            if !(v.isFinite && v >= 0) { throw fail(key, "must be a finite number ≥ 0, got \(v)") }
        }
        func probability(_ key: String, _ v: Float) throws {
            if !(v >= 0 && v < 1) { throw fail(key, "must lie in [0, 1), got \(v)") }
        }
        func heads(_ key: String, _ heads: Int, divide widthKey: String, _ width: Int) throws {
            try within(key, heads, 1, ConfigLimits.heads)
            if width % heads != 0 { throw fail(key, "\(heads) heads do not divide the width \(widthKey) \(width)") }
        }
        /// `grid`: 2-D sine-cosine positions (four groups of D/4 channels) instead of 1-D (two of D/2).
        func vit(_ prefix: String, _ v: ViTConfig, grid: Bool) throws {
            try within(prefix + ".dim", v.dim, 1, ConfigLimits.width)
            let groups = grid ? 4 : 2
            if v.positions == .sincos && v.dim % groups != 0 {
                throw fail(prefix + ".positions", "sincos needs \(prefix).dim divisible by \(groups) (\(grid ? "sin and cos of row and column" : "sin and cos")), got \(v.dim)")
            }
            try within(prefix + ".depth", v.depth, 1, ConfigLimits.depth)
            try heads(prefix + ".heads", v.heads, divide: prefix + ".dim", v.dim)
            try within(prefix + ".mlpRatio", v.mlpRatio, 1, ConfigLimits.mlpRatio)
        }

        // X-ray tower: whole patches tile the image (patchify cuts no partial patch).
        try vit("xray", xray, grid: true)
        try within("xrayImageSize", xrayImageSize, 1, ConfigLimits.imageSize)
        try atLeast("xrayPatch", xrayPatch, 1)
        if xrayImageSize % xrayPatch != 0 { throw fail("xrayPatch", "\(xrayPatch) does not divide xrayImageSize \(xrayImageSize)") }
        if xrayTokens > ConfigLimits.tokens {
            throw fail("xrayPatch", "patch \(xrayPatch) cuts xrayImageSize \(xrayImageSize) into \(xrayTokens) tokens, more than \(ConfigLimits.tokens) (ConfigLimits)")
        }
        try within("xrayChannels", xrayChannels, 1, ConfigLimits.channels)
        if !xrayMean.isFinite { throw fail("xrayMean", "must be finite, got \(xrayMean)") }
        try positive("xrayStd", Double(xrayStd))

        // ECG tower: the conv stem (k5 s5, then k5 s1, each flooring) must leave at least one
        // token; any length from 25 samples works (1000 → 196 tokens).
        try vit("ecg", ecg, grid: false)
        try within("ecgLeads", ecgLeads, 1, ConfigLimits.channels)
        if ecgTokens < 1 { throw fail("ecgLength", "the conv stem needs at least 25 samples, got \(ecgLength)") }
        if ecgTokens > ConfigLimits.tokens {
            throw fail("ecgLength", "\(ecgLength) samples make \(ecgTokens) tokens, more than \(ConfigLimits.tokens) (ConfigLimits)")
        }
        try within("ecgStemChannels", ecgStemChannels, 1, ConfigLimits.width)
        guard ["constant", "linear"].contains(dropKey.kind) else { throw fail("dropKey.kind", "use \"constant\" or \"linear\", got \"\(dropKey.kind)\"") }
        try probability("dropKey.from", dropKey.from)
        try probability("dropKey.to", dropKey.to)

        // Text tower: positions for textMaxLength tokens (RoBERTa's start after the padding index).
        try within("text.vocabSize", text.vocabSize, 1, ConfigLimits.vocabulary)
        try within("text.hidden", text.hidden, 1, ConfigLimits.width)
        try within("text.layers", text.layers, 1, ConfigLimits.depth)
        try heads("text.heads", text.heads, divide: "text.hidden", text.hidden)
        try within("text.intermediate", text.intermediate, 1, ConfigLimits.intermediate)
        try within("text.typeVocab", text.typeVocab, 1, ConfigLimits.vocabulary)
        try within("text.maxPositions", text.maxPositions, 1, ConfigLimits.positions)
        try within("text.padTokenId", text.padTokenId, 0, text.vocabSize - 1)   // RoBERTa's positions start after it
        try positive("text.layerNormEps", Double(text.layerNormEps))
        try probability("text.hiddenDropout", text.hiddenDropout)
        try probability("text.attentionDropout", text.attentionDropout)
        let usablePositions = text.maxPositions - (text.family == .roberta ? text.padTokenId + 1 : 0)
        try within("textMaxLength", textMaxLength, 3, ConfigLimits.tokens)   // [CLS] report [SEP] report [SEP]
        if textMaxLength > usablePositions {
            throw fail("textMaxLength", "\(textMaxLength) tokens exceed the text model's \(usablePositions) positions (text.maxPositions \(text.maxPositions))")
        }
        if textTuning == .lora { try within("loraRank", loraRank, 1, ConfigLimits.width) }
        if !loraAlpha.isFinite { throw fail("loraAlpha", "must be finite, got \(loraAlpha)") }
        try probability("loraDropout", loraDropout)

        // Heads and loss: at least one pair of modalities to contrast.
        try within("projectionDim", projectionDim, 1, ConfigLimits.width)
        if !useXray && !useECG { throw fail("useXray", "useXray and useECG are both false: there is no vision tower to align with the reports") }
        let active = (loss.textXray && useXray) || (loss.textECG && useECG) || (loss.xrayECG && useXray && useECG)
        if !active {
            throw fail("loss", "no active pair: switch on loss.textXray with useXray, loss.textECG with useECG, or loss.xrayECG with both")
        }
        try positive("loss.temperature", Double(loss.temperature))

        // The whole model: every size above is allowed on its own, but not every combination.
        let estimate = parameterEstimate
        let total = estimate.xray + estimate.ecg + estimate.text
        if total > Double(ConfigLimits.parameters) {
            let (key, sizes) = [("xray", estimate.xray, "xray.dim, xray.depth, xray.mlpRatio"),
                                ("ecg", estimate.ecg, "ecg.dim, ecg.depth, ecg.mlpRatio"),
                                ("text", estimate.text, "text.hidden, text.layers, text.intermediate, text.vocabSize")]
                .max { $0.1 < $1.1 }.map { ($0.0, $0.2) }!
            func billions(_ x: Double) -> String { String(format: "%.1f", x / 1e9) }
            throw fail(key, "the model would hold about \(billions(total)) billion parameters, \(billions(estimate.xray)) / \(billions(estimate.ecg)) / \(billions(estimate.text)) in the X-ray / ECG / text towers, more than the \(billions(Double(ConfigLimits.parameters))) billion of ConfigLimits.parameters; reduce \(sizes)")
        }

        // Optimisation.
        try positive("optim.learningRate", optim.learningRate)
        try nonNegative("optim.minLearningRate", optim.minLearningRate)
        if optim.minLearningRate > optim.learningRate {
            throw fail("optim.minLearningRate", "\(optim.minLearningRate) is above optim.learningRate \(optim.learningRate): the cosine schedule decays from learningRate to minLearningRate")
        }
        try nonNegative("optim.weightDecay", Double(optim.weightDecay))
        if optim.batchSize < 2 {
            throw fail("optim.batchSize", "must be at least 2 (in-batch negatives and training-mode BatchNorm need two rows), got \(optim.batchSize)")
        }
        try within("optim.batchSize", optim.batchSize, 2, ConfigLimits.batch)
        try within("optim.accumulation", optim.accumulation, 1, ConfigLimits.batch)
        try within("optim.epochs", optim.epochs, 1, ConfigLimits.epochs)
        try positive("optim.restartPeriodEpochs", optim.restartPeriodEpochs)
        try within("optim.warmupSteps", optim.warmupSteps, 0, ConfigLimits.steps)
        if let g = optim.gradClip { try positive("optim.gradClip", Double(g)) }
        try within("optim.patience", optim.patience, 1, ConfigLimits.steps)
        try within("optim.checkpointEvery", optim.checkpointEvery, 0, ConfigLimits.steps)
    }
}
