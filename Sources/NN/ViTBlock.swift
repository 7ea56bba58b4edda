// ViTBlock — timm's pre-norm transformer block (MoRE's custom Block: qkv_bias = False,
// DropKey in the attention, no drop-path, no layer-scale).
//   x ← x + attn(norm1(x))
//   x ← x + fc2(GELU(fc1(norm2(x))))

import TensorCore
import Autodiff

/// The two-layer MLP of a transformer block (`fc1`, `fc2`, exact GELU between).
public final class MLP: Module {
    public let fc1: Linear, fc2: Linear
    public init(dim: Int, hidden: Int, seed: UInt64, name: String) {
        fc1 = Linear(dim, hidden, seed: seed, name: name + ".fc1", weightStd: 0.02)
        fc2 = Linear(hidden, dim, seed: seed, name: name + ".fc2", weightStd: 0.02)
    }
    public override var children: [(String, Module)] { [("fc1", fc1), ("fc2", fc2)] }
    public func callAsFunction(_ x: Variable) -> Variable { fc2(gelu(fc1(x))) }
}

/// Pre-norm ViT block. `x: [B, T, D]` → `[B, T, D]`.
public final class ViTBlock: Module {
    public let norm1: LayerNorm, attn: Attention, norm2: LayerNorm, mlp: MLP

    public init(dim: Int, heads: Int, mlpRatio: Int, qkvBias: Bool, dropKey: Float, seed: UInt64, name: String) {
        norm1 = LayerNorm(dim, eps: 1e-6, name: name + ".norm1")
        attn = Attention(dim: dim, heads: heads, qkvBias: qkvBias, dropKey: dropKey, seed: seed, name: name + ".attn")
        norm2 = LayerNorm(dim, eps: 1e-6, name: name + ".norm2")
        mlp = MLP(dim: dim, hidden: dim * mlpRatio, seed: seed, name: name + ".mlp")
    }

    public override var children: [(String, Module)] {
        [("norm1", norm1), ("attn", attn), ("norm2", norm2), ("mlp", mlp)]
    }

    public func callAsFunction(_ x: Variable) -> Variable {
        let h = x + attn(norm1(x))
        return h + mlp(norm2(h))
    }
}
