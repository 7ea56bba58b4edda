// BertLayer — one post-norm transformer layer of BERT/RoBERTa, with Hugging Face names
// (`attention.self.query`, `attention.output.dense`, `attention.output.LayerNorm`,
// `intermediate.dense`, `output.dense`, `output.LayerNorm`) so pretrained checkpoints load.
//
//   a = softmax(q kᵀ/√d + mask) v              (q, k, v from `query`, `key`, `value`)
//   x₁ = LN(dropout(a W_oᵀ + b_o) + x)
//   x₂ = LN(dropout(W₂ GELU(W₁ x₁ + b₁) + b₂) + x₁)
//
// With LoRA (MoRE's text tower), `query` and `value` are LoRALinear wrappers around the
// frozen pretrained Linear; `key` and the rest stay plain (frozen except their biases).

import TensorCore
import Autodiff

/// A query/value projection: plain or LoRA-wrapped.
public enum Projection {
    case plain(Linear)
    case lora(LoRALinear)
    var module: Module { switch self { case .plain(let m): return m; case .lora(let m): return m } }
    func callAsFunction(_ x: Variable) -> Variable {
        switch self { case .plain(let m): return m(x); case .lora(let m): return m(x) }
    }
    /// The underlying pretrained Linear.
    public var base: Linear { switch self { case .plain(let m): return m; case .lora(let m): return m.base } }
}

/// Self-attention of a BERT layer (`attention.self`).
public final class BertSelfAttention: Module {
    public var query: Projection
    public let key: Linear
    public var value: Projection
    public let heads: Int
    public let dropout: Dropout

    init(dim: Int, heads: Int, attentionDropout: Float, seed: UInt64, name: String) {
        query = .plain(Linear(dim, dim, seed: seed, name: name + ".query", weightStd: 0.02))
        key = Linear(dim, dim, seed: seed, name: name + ".key", weightStd: 0.02)
        value = .plain(Linear(dim, dim, seed: seed, name: name + ".value", weightStd: 0.02))
        self.heads = heads
        dropout = Dropout(attentionDropout)
    }

    public override var children: [(String, Module)] {
        [("query", query.module), ("key", key), ("value", value.module), ("dropout", dropout)]
    }

    /// 1/√d_head for inputs of width `width`.
    func scale(width: Int) -> Float { 1 / Float(width / heads).squareRoot() }

    /// Attention-probability dropout (active in Hugging Face models in train mode), fused into
    /// the attention with the mask the Dropout module would draw; nil in eval mode or at p = 0.
    var attentionDropout: AttentionDropout? {
        isTraining && dropout.p > 0
            ? AttentionDropout(p: dropout.p, seed: TrainingRandomness.seed, stream: TrainingRandomness.stream(dropout.path))
            : nil
    }

    /// x: [B, T, D], additive mask [B, 1, 1, T] (0 keep, −∞-like drop) → context [B, T, D]
    func callAsFunction(_ x: Variable, mask: Tensor) -> Variable {
        // Heads are read in place from [B, T, D] (no split/merge copies).
        multiHeadAttention(query(x), key(x), value(x), heads: heads, mask: mask, scale: scale(width: x.shape[2]),
                           dropout: attentionDropout)
    }

    /// Packed tokens x: [1, N, D] of sequences with `lengths` (Σ = N) → context [1, N, D]; each
    /// sequence attends to itself only (the padded call with its padding mask, minus the padding).
    func callAsFunction(packed x: Variable, lengths: [Int]) -> Variable {
        multiHeadAttention(packed: query(x), key(x), value(x), lengths: lengths, heads: heads,
                           scale: scale(width: x.shape[2]), dropout: attentionDropout)
    }
}

/// Dense + dropout + residual + LayerNorm (`attention.output` and `output`).
public final class BertOutput: Module {
    public let dense: Linear
    public let layerNorm: LayerNorm
    public let dropout: Dropout
    init(inDim: Int, dim: Int, eps: Float, hiddenDropout: Float, seed: UInt64, name: String) {
        dense = Linear(inDim, dim, seed: seed, name: name + ".dense", weightStd: 0.02)
        layerNorm = LayerNorm(dim, eps: eps, name: name + ".LayerNorm")
        dropout = Dropout(hiddenDropout)
    }
    public override var children: [(String, Module)] { [("dense", dense), ("LayerNorm", layerNorm), ("dropout", dropout)] }
    func callAsFunction(_ h: Variable, residual: Variable) -> Variable { layerNorm(dropout(dense(h), adding: residual)) }
}

/// One encoder layer (`encoder.layer.i`).
public final class BertLayer: Module {
    public let selfAttention: BertSelfAttention
    public let attentionOutput: BertOutput
    public let intermediate: Linear
    public let output: BertOutput

    init(dim: Int, heads: Int, intermediate size: Int, eps: Float, hiddenDropout: Float, attentionDropout: Float,
         seed: UInt64, name: String) {
        selfAttention = BertSelfAttention(dim: dim, heads: heads, attentionDropout: attentionDropout, seed: seed,
                                          name: name + ".attention.self")
        attentionOutput = BertOutput(inDim: dim, dim: dim, eps: eps, hiddenDropout: hiddenDropout, seed: seed,
                                     name: name + ".attention.output")
        intermediate = Linear(dim, size, seed: seed, name: name + ".intermediate.dense", weightStd: 0.02)
        output = BertOutput(inDim: size, dim: dim, eps: eps, hiddenDropout: hiddenDropout, seed: seed, name: name + ".output")
    }

    public override var children: [(String, Module)] {
        [("attention.self", selfAttention), ("attention.output", attentionOutput),
         ("intermediate.dense", intermediate), ("output", output)]
    }

    func callAsFunction(_ x: Variable, mask: Tensor) -> Variable {
        let a = attentionOutput(selfAttention(x, mask: mask), residual: x)
        return output(gelu(intermediate(a)), residual: a)
    }

    /// The same layer on packed tokens x: [1, N, D] (sequences of `lengths`): every step but the
    /// attention is per token, so only the attention needs to know where sequences begin.
    func callAsFunction(packed x: Variable, lengths: [Int]) -> Variable {
        let a = attentionOutput(selfAttention(packed: x, lengths: lengths), residual: x)
        return output(gelu(intermediate(a)), residual: a)
    }
}
