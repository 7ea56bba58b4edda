// Attention — timm's ViT multi-head self-attention with DropKey, names `qkv` and `proj`.
//
//   [q k v] = x W_qkvᵀ (+ b, but MoRE's ViTs have qkv_bias = False)
//   A = softmax(q kᵀ / √d + M_dropkey)      (M only in training)
//   y = (A v) W_projᵀ + b_proj
//
// The fused `scaledDotProductAttention` computes it; with `captureAttention = true` an
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
        // x: [B, T, D]
        let b = x.shape[0], t = x.shape[1], dh = dim / heads
        let packed = permute(reshape(qkv(x), [b, t, 3, heads, dh]), [2, 0, 3, 1, 4])   // [3, B, H, T, dh]
        let q = reshape(slice(packed, axis: 0, 0..<1), [b, heads, t, dh])
        let k = reshape(slice(packed, axis: 0, 1..<2), [b, heads, t, dh])
        let v = reshape(slice(packed, axis: 0, 2..<3), [b, heads, t, dh])
        let scale = 1 / Float(dh).squareRoot()
        let mask: Tensor? = (isTraining && dropKey > 0)
            ? dropKeyMask(shape: [b, heads, t, t], p: dropKey, seed: TrainingRandomness.seed,
                          stream: TrainingRandomness.stream(path))
            : nil
        tap = captureAttention ? AttentionTap() : nil
        let context = scaledDotProductAttention(q, k, v, mask: mask, scale: scale, tap: tap)
        return proj(reshape(permute(context, [0, 2, 1, 3]), [b, t, dim]))
    }
}
