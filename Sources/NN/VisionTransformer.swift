// VisionTransformer — MoRE's two ViT towers (timm VisionTransformer with the custom Block).
//
//   tokens = patch_embed(input)                      [B, N, D]
//   x = concat(cls_token, tokens) + pos_embed        [B, N+1, D]
//   x = blocks(x); x = norm(x)                       (pre-norm blocks, LN ε = 1e-6)
//   h = x[:, 0]                                      CLS pooling → [B, D]
//
// The X-ray tower uses the image patch embedding (grayscale replicated to 3 channels); the
// ECG tower the convolutional stem. Initialisation as timm: pos_embed ~ trunc N(0, .02²),
// cls_token ~ N(0, 1e-6²), Linear weights trunc N(0, .02²) with zero bias, LN γ=1 β=0.
// MoRE initialises both towers randomly (no ImageNet weights). With `positions: .sincos` (an
// option, not the authors') pos_embed is instead a fixed sine-cosine table, frozen
// (SinCosPositions.swift): 2-D over the patch grid for images, 1-D for ECG tokens.

import TensorCore
import Autodiff

/// Sizes of one ViT tower.
public struct ViTConfig: Codable, Equatable, Sendable {
    public var dim: Int
    public var depth: Int
    public var heads: Int
    public var mlpRatio: Int
    public var qkvBias: Bool
    /// Position embeddings; nil = `.learned` (timm's, the authors'). Optional so that a config
    /// without the key keeps its JSON, and so its hash, as before the option existed.
    public var positions: PositionEmbedding?
    public init(dim: Int, depth: Int, heads: Int, mlpRatio: Int = 4, qkvBias: Bool = false,
                positions: PositionEmbedding? = nil) {
        self.dim = dim; self.depth = depth; self.heads = heads; self.mlpRatio = mlpRatio; self.qkvBias = qkvBias
        self.positions = positions
    }
}

/// The input stage of a ViT tower.
public enum ViTInput {
    case image(ImagePatchEmbed)
    case ecg(ECGPatchEmbed)
}

/// A ViT tower with CLS pooling. Input [B, H, W] images or [B, 12, L] ECGs → [B, D].
public final class VisionTransformer: Module {
    public let config: ViTConfig
    public let input: ViTInput
    public let clsToken: Parameter     // [1, 1, D]
    public let posEmbed: Parameter     // [1, N+1, D]
    public let blocks: ModuleList<ViTBlock>
    public let norm: LayerNorm

    public init(config: ViTConfig, input: ViTInput, tokens: Int, dropKey: DropKeySchedule, seed: UInt64, name: String) {
        self.config = config
        self.input = input
        let d = config.dim
        clsToken = Parameter(Init.normal([1, 1, d], std: 1e-6, seed: seed, name: name + ".cls_token"),
                             requiresGrad: true, name: name + ".cls_token")
        switch config.positions ?? .learned {
        case .learned:
            posEmbed = Parameter(Init.truncatedNormal([1, tokens + 1, d], std: 0.02, seed: seed, name: name + ".pos_embed"),
                                 requiresGrad: true, name: name + ".pos_embed")
        case .sincos:
            let table: Tensor
            switch input {
            case .image:
                let side = Int(Double(tokens).squareRoot().rounded())
                precondition(side * side == tokens, "VisionTransformer '\(name)': 2-D sine-cosine positions need a square grid, got \(tokens) tokens")
                table = SinCosPositions.grid(side: side, dim: d)
            case .ecg:
                table = SinCosPositions.sequence(length: tokens, dim: d)
            }
            posEmbed = Parameter(table, requiresGrad: false, name: name + ".pos_embed")
        }
        blocks = ModuleList((0..<config.depth).map { l in
            ViTBlock(dim: d, heads: config.heads, mlpRatio: config.mlpRatio, qkvBias: config.qkvBias,
                     dropKey: dropKey.ratio(layer: l, of: config.depth), seed: seed, name: name + ".blocks.\(l)")
        })
        norm = LayerNorm(d, eps: 1e-6, name: name + ".norm")
    }

    public override var localParameters: [(String, Parameter)] { [("cls_token", clsToken), ("pos_embed", posEmbed)] }
    public override var children: [(String, Module)] {
        let pe: Module
        switch input { case .image(let m): pe = m; case .ecg(let m): pe = m }
        return [("patch_embed", pe), ("blocks", blocks), ("norm", norm)]
    }

    /// Sets every block's DropKey ratio from a schedule.
    public func setDropKey(_ schedule: DropKeySchedule) {
        for (l, b) in blocks.items.enumerated() { b.attn.dropKey = schedule.ratio(layer: l, of: blocks.count) }
    }

    /// All tokens after the final LayerNorm: [B, N+1, D] (token 0 is CLS).
    public func tokens(_ x: Tensor) -> Variable {
        let t: Variable
        switch input { case .image(let m): t = m(x); case .ecg(let m): t = m(x) }
        let b = t.shape[0], d = config.dim
        precondition(t.shape[1] + 1 == posEmbed.shape[1],
                     "VisionTransformer '\(path)': \(t.shape[1]) tokens but pos_embed holds \(posEmbed.shape[1] - 1)")
        let cls = Variable(Tensor(zeros: [b, 1, d])) + clsToken          // broadcast [1,1,D] → [B,1,D]
        var h = concat([cls, t], axis: 1) + posEmbed
        for blk in blocks.items { h = blk(h) }
        return norm(h)
    }

    /// CLS feature h ∈ R^D per input: [B, D].
    public func callAsFunction(_ x: Tensor) -> Variable {
        let h = tokens(x)
        return reshape(slice(h, axis: 1, 0..<1), [h.shape[0], config.dim])
    }
}
