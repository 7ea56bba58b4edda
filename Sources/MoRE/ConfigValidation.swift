// ConfigValidation — the ranges a MoREConfig's values must lie in for the model to be built
// and trained. A JSON config (ConfigLoading.swift) and every config `more pretrain` derives
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
            try atLeast(key, heads, 1)
            if width % heads != 0 { throw fail(key, "\(heads) heads do not divide the width \(widthKey) \(width)") }
        }
        func vit(_ prefix: String, _ v: ViTConfig) throws {
            try atLeast(prefix + ".dim", v.dim, 1)
            try atLeast(prefix + ".depth", v.depth, 1)
            try heads(prefix + ".heads", v.heads, divide: prefix + ".dim", v.dim)
            try atLeast(prefix + ".mlpRatio", v.mlpRatio, 1)
        }

        // X-ray tower: a patch grid of at least one token.
        try vit("xray", xray)
        try atLeast("xrayImageSize", xrayImageSize, 1)
        try atLeast("xrayPatch", xrayPatch, 1)
        if xrayPatch > xrayImageSize { throw fail("xrayPatch", "patch \(xrayPatch) is larger than the image (xrayImageSize \(xrayImageSize))") }
        try atLeast("xrayChannels", xrayChannels, 1)
        if !xrayMean.isFinite { throw fail("xrayMean", "must be finite, got \(xrayMean)") }
        try positive("xrayStd", Double(xrayStd))

        // ECG tower: the conv stem (k5 s5, then k5 s1) must leave at least one token.
        try vit("ecg", ecg)
        try atLeast("ecgLeads", ecgLeads, 1)
        if ECGPatchEmbed.tokens(length: ecgLength) < 1 { throw fail("ecgLength", "the conv stem needs at least 25 samples, got \(ecgLength)") }
        try atLeast("ecgStemChannels", ecgStemChannels, 1)
        guard ["constant", "linear"].contains(dropKey.kind) else { throw fail("dropKey.kind", "use \"constant\" or \"linear\", got \"\(dropKey.kind)\"") }
        try probability("dropKey.from", dropKey.from)
        try probability("dropKey.to", dropKey.to)

        // Text tower: positions for textMaxLength tokens (RoBERTa's start after the padding index).
        try atLeast("text.vocabSize", text.vocabSize, 1)
        try atLeast("text.hidden", text.hidden, 1)
        try atLeast("text.layers", text.layers, 1)
        try heads("text.heads", text.heads, divide: "text.hidden", text.hidden)
        try atLeast("text.intermediate", text.intermediate, 1)
        try atLeast("text.typeVocab", text.typeVocab, 1)
        try positive("text.layerNormEps", Double(text.layerNormEps))
        try probability("text.hiddenDropout", text.hiddenDropout)
        try probability("text.attentionDropout", text.attentionDropout)
        let usablePositions = text.maxPositions - (text.family == .roberta ? text.padTokenId + 1 : 0)
        try atLeast("textMaxLength", textMaxLength, 3)   // [CLS] report [SEP] report [SEP]
        if textMaxLength > usablePositions {
            throw fail("textMaxLength", "\(textMaxLength) tokens exceed the text model's \(usablePositions) positions (text.maxPositions \(text.maxPositions))")
        }
        if textTuning == .lora { try atLeast("loraRank", loraRank, 1) }
        if !loraAlpha.isFinite { throw fail("loraAlpha", "must be finite, got \(loraAlpha)") }
        try probability("loraDropout", loraDropout)

        // Heads and loss: at least one pair of modalities to contrast.
        try atLeast("projectionDim", projectionDim, 1)
        if !useXray && !useECG { throw fail("useXray", "useXray and useECG are both false: there is no vision tower to align with the reports") }
        let active = (loss.textXray && useXray) || (loss.textECG && useECG) || (loss.xrayECG && useXray && useECG)
        if !active {
            throw fail("loss", "no active pair: switch on loss.textXray with useXray, loss.textECG with useECG, or loss.xrayECG with both")
        }
        try positive("loss.temperature", Double(loss.temperature))

        // Optimisation.
        try positive("optim.learningRate", optim.learningRate)
        try nonNegative("optim.minLearningRate", optim.minLearningRate)
        try nonNegative("optim.weightDecay", Double(optim.weightDecay))
        if optim.batchSize < 2 {
            throw fail("optim.batchSize", "must be at least 2 (in-batch negatives and training-mode BatchNorm need two rows), got \(optim.batchSize)")
        }
        try atLeast("optim.accumulation", optim.accumulation, 1)
        try atLeast("optim.epochs", optim.epochs, 1)
        try positive("optim.restartPeriodEpochs", optim.restartPeriodEpochs)
        try atLeast("optim.warmupSteps", optim.warmupSteps, 0)
        if let g = optim.gradClip { try positive("optim.gradClip", Double(g)) }
        try atLeast("optim.patience", optim.patience, 1)
        try atLeast("optim.checkpointEvery", optim.checkpointEvery, 0)
    }
}
