// Attention — timm's ViT multi-head self-attention with DropKey, names `qkv` and `proj`.
//
//   [q k v] = x W_qkvᵀ (+ b, but MoRE's ViTs have qkv_bias = False)
//   A = softmax(q kᵀ / √d + M_dropkey)      (M only in training)
//   y = (A v) W_projᵀ + b_proj
//
// The head-strided fused `multiHeadAttention(qkv:)` computes it from the packed projection (no
// head split/merge copies; DropKey drawn in the kernel); with `captureAttention = true` an
// `AttentionTap` records A in the forward pass and ∂L/∂A in the backward pass, which is what
// the attention explanations (rollout, Chefer et al.) read.

import TensorCore
import Autodiff

/// Multi-head self-attention over tokens. `x: [B, T, D]` → `[B, T, D]`.
public final class Attention: Module {
    public let heads: Int
    public let dim: Int
    public let qkv: Linear
    public let proj: Linear
    /// DropKey ratio of this layer (0 disables).
    public var dropKey: Float
    /// Keep the attention probabilities of the last forward (for explanations).
    public var captureAttention = false
    /// A [B, H, T, T] of the last forward (and ∂L/∂A after a backward) when capturing.
    public private(set) var tap: AttentionTap?

    public init(dim: Int, heads: Int, qkvBias: Bool, dropKey: Float, seed: UInt64, name: String) {
        precondition(dim % heads == 0, "Attention: dim \(dim) is not divisible by \(heads) heads")
        self.heads = heads
        self.dim = dim
        self.dropKey = dropKey
        qkv = Linear(dim, 3 * dim, bias: qkvBias, seed: seed, name: name + ".qkv", weightStd: 0.02)
        proj = Linear(dim, dim, seed: seed, name: name + ".proj", weightStd: 0.02)
    }

    public override var children: [(String, Module)] { [("qkv", qkv), ("proj", proj)] }

    public func callAsFunction(_ x: Variable) -> Variable {
        // x: [B, T, D]; heads read in place from the packed [B, T, 3D] projection.
        let dh = dim / heads
        let scale = 1 / Float(dh).squareRoot()
        let dk: AttentionDropKey? = (isTraining && dropKey > 0)
            ? AttentionDropKey(p: dropKey, seed: TrainingRandomness.seed, stream: TrainingRandomness.stream(path))
            : nil
        tap = captureAttention ? AttentionTap() : nil
        return proj(multiHeadAttention(qkv: qkv(x), heads: heads, scale: scale, dropKey: dk, tap: tap))
    }
}
