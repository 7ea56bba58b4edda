// ConfigLimits — generous upper bounds on a MoREConfig's sizes and an estimate of the model's
// parameter count, so that a typo in a JSON config (a width of 100000000, a batch of 10⁹) is a
// ConfigError naming the key instead of a failed allocation or an integer overflow.
//
// Each bound is several times the `paper` config's value (ViT-B/16 at 224, RoBERTa-base sized
// text, batch 100). The bounds on single keys cannot stop every combination (a width of 8192
// and a depth of 96 are each allowed), so `MoREConfig.parameterEstimate` adds up the weights
// of the three towers and their heads and ConfigValidation.swift checks the total. Not here:
// the range checks themselves (ConfigValidation.swift).

import NN

/// The largest sizes a config may ask for. The `paper` config's values are in the comments.
public enum ConfigLimits {
    /// Widths: `xray.dim`, `ecg.dim`, `text.hidden`, `ecgStemChannels`, `projectionDim`, `loraRank`
    /// (paper 768, 768, 768, 256, 128, 16).
    public static let width = 8192
    /// Layers: `xray.depth`, `ecg.depth`, `text.layers` (paper 12).
    public static let depth = 96
    /// Attention heads: `xray.heads`, `ecg.heads`, `text.heads` (paper 12).
    public static let heads = 256
    /// `xray.mlpRatio`, `ecg.mlpRatio` (paper 4).
    public static let mlpRatio = 16
    /// `text.intermediate` (paper 3072).
    public static let intermediate = 65_536
    /// `text.vocabSize` (paper 50265), `text.typeVocab` (paper 1).
    public static let vocabulary = 1_000_000
    /// `text.maxPositions` (paper 514).
    public static let positions = 16_384
    /// Tokens of one sequence: the X-ray grid (xrayImageSize / xrayPatch)², the ECG conv stem's
    /// output for `ecgLength`, and `textMaxLength` (paper 196, 196, 512). Attention memory grows
    /// with its square.
    public static let tokens = 4096
    /// `xrayImageSize` (paper 224).
    public static let imageSize = 4096
    /// `xrayChannels` (paper 3), `ecgLeads` (paper 12).
    public static let channels = 64
    /// `optim.batchSize` (paper 100), `optim.accumulation` (paper 4).
    public static let batch = 65_536
    /// `optim.epochs` (paper 100); also keeps epochs × batches per epoch far from Int overflow.
    public static let epochs = 1_000_000
    /// `optim.warmupSteps`, `optim.patience`, `optim.checkpointEvery` (paper 0, 10, 1000).
    public static let steps = 1_000_000_000
    /// Parameters of the whole model, 8 GB as Float32 before gradients and AdamW's two moments
    /// (paper about 0.3 billion; two ViT-L towers and a RoBERTa-large text model fit).
    public static let parameters = 2_000_000_000
}

extension MoREConfig {
    /// Approximate parameter counts of the X-ray tower, the ECG tower and the text tower, each
    /// with its projection head (biases, norms and LoRA adapters left out: they are small next to
    /// the weight matrices). Computed in Double, so that no size overflows.
    ///
    ///     ViT:  patch embedding + (tokens + 1)·D positions + depth · (4 + 2·mlpRatio) · D²
    ///     text: (vocab + positions + types) · H + layers · (4·H² + 2·H·intermediate)
    ///     head: D² + D · projectionDim
    public var parameterEstimate: (xray: Double, ecg: Double, text: Double) {
        func vit(_ v: ViTConfig, patchEmbedding: Double, tokens: Double) -> Double {
            let d = Double(v.dim)
            return patchEmbedding + (tokens + 1) * d + Double(v.depth) * (4 + 2 * Double(v.mlpRatio)) * d * d + head(d)
        }
        func head(_ d: Double) -> Double { d * d + d * Double(projectionDim) }
        let stem = Double(ecgStemChannels)
        let h = Double(text.hidden)
        let textParams = (Double(text.vocabSize) + Double(text.maxPositions) + Double(text.typeVocab)) * h
            + Double(text.layers) * (4 * h * h + 2 * h * Double(text.intermediate)) + head(h)
        let grid = Double(max(xrayImageSize / max(xrayPatch, 1), 0))
        let xrayPatchEmbedding = Double(xrayChannels) * Double(xrayPatch) * Double(xrayPatch) * Double(xray.dim)
        let ecgPatchEmbedding = Double(ecgLeads) * 5 * stem + stem * 5 * Double(ecg.dim)   // two k5 convolutions
        return (xray: vit(xray, patchEmbedding: xrayPatchEmbedding, tokens: grid * grid),
                ecg: vit(ecg, patchEmbedding: ecgPatchEmbedding, tokens: Double(max(ecgTokens, 0))),
                text: textParams)
    }
}
