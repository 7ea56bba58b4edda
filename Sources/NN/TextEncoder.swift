// TextEncoder — a BERT-style (BERT or RoBERTa) encoder with Hugging Face parameter names, the
// pooling MoRE applies, and LoRA adapters.
//
//   e = LN(word[ids] + position[pos] + token_type[types])        (`embeddings.*`)
//   h = layers(e)                                                 (`encoder.layer.i.*`)
//   pooled = Σ_t m_t h_t / Σ_t m_t   (masked mean, default)
//          or (1/T) Σ_t h_t         (the authors' mean over the whole padded length)
//
// BERT positions are 0, 1, 2, …; RoBERTa's start after the padding index (pad + 1 + rank
// among non-padding tokens) and it has a single token type. The pooler (`pooler.dense`) is
// kept so parameter counts and checkpoints match, but MoRE does not use it.

import TensorCore
import Autodiff

/// Sizes and conventions of a BERT-family encoder (read from a Hugging Face config.json).
public struct TextEncoderConfig: Codable, Equatable, Sendable {
    public enum Family: String, Codable, Sendable, CaseIterable { case bert, roberta }
    public var family: Family
    public var vocabSize: Int
    public var hidden: Int
    public var layers: Int
    public var heads: Int
    public var intermediate: Int
    public var maxPositions: Int
    public var typeVocab: Int
    public var layerNormEps: Float
    public var padTokenId: Int
    public var hiddenDropout: Float
    public var attentionDropout: Float

    public init(family: Family, vocabSize: Int, hidden: Int, layers: Int, heads: Int, intermediate: Int,
                maxPositions: Int, typeVocab: Int, layerNormEps: Float, padTokenId: Int,
                hiddenDropout: Float = 0.1, attentionDropout: Float = 0.1) {
        self.family = family; self.vocabSize = vocabSize; self.hidden = hidden; self.layers = layers
        self.heads = heads; self.intermediate = intermediate; self.maxPositions = maxPositions
        self.typeVocab = typeVocab; self.layerNormEps = layerNormEps; self.padTokenId = padTokenId
        self.hiddenDropout = hiddenDropout; self.attentionDropout = attentionDropout
    }

    /// all-MiniLM-L6-v2 (the `tiny` config's text model).
    public static let miniLM = TextEncoderConfig(family: .bert, vocabSize: 30522, hidden: 384, layers: 6, heads: 12,
                                                 intermediate: 1536, maxPositions: 512, typeVocab: 2,
                                                 layerNormEps: 1e-12, padTokenId: 0)
    /// RoBERTa-base sized (RoBERTa-base-PM-M3, the authors' text model).
    public static let robertaBase = TextEncoderConfig(family: .roberta, vocabSize: 50265, hidden: 768, layers: 12,
                                                      heads: 12, intermediate: 3072, maxPositions: 514, typeVocab: 1,
                                                      layerNormEps: 1e-5, padTokenId: 1)
}

/// How token states become one report embedding.
public enum TextPooling: String, Codable, Sendable, CaseIterable {
    /// Mean over real tokens (attention mask 1) — our default.
    case maskedMean
    /// Mean over all positions including padding — the authors' code (MoRE-reference §2.5).
    case paddedMean
}

/// Word/position/type embeddings + LayerNorm + dropout (`embeddings.*`).
public final class TextEmbeddings: Module {
    public let word: Embedding, position: Embedding, tokenType: Embedding
    public let layerNorm: LayerNorm
    public let dropout: Dropout
    init(_ c: TextEncoderConfig, seed: UInt64, name: String) {
        word = Embedding(c.vocabSize, c.hidden, seed: seed, name: name + ".word_embeddings")
        position = Embedding(c.maxPositions, c.hidden, seed: seed, name: name + ".position_embeddings")
        tokenType = Embedding(c.typeVocab, c.hidden, seed: seed, name: name + ".token_type_embeddings")
        layerNorm = LayerNorm(c.hidden, eps: c.layerNormEps, name: name + ".LayerNorm")
        dropout = Dropout(c.hiddenDropout)
    }
    public override var children: [(String, Module)] {
        [("word_embeddings", word), ("position_embeddings", position), ("token_type_embeddings", tokenType),
         ("LayerNorm", layerNorm), ("dropout", dropout)]
    }
}

/// A tokenized batch: ids, type ids and attention mask, each [B, T] row-major.
public struct TokenBatch: Sendable {
    public var ids: [Int], typeIds: [Int], mask: [Int]
    public var batch: Int, length: Int
    public init(ids: [Int], typeIds: [Int], mask: [Int], batch: Int, length: Int) {
        precondition(ids.count == batch * length && typeIds.count == ids.count && mask.count == ids.count,
                     "TokenBatch: arrays must hold \(batch)×\(length) entries")
        self.ids = ids; self.typeIds = typeIds; self.mask = mask; self.batch = batch; self.length = length
    }
}

/// BERT/RoBERTa encoder with pooling. Tokens [B, T] → [B, D].
public final class TextEncoder: Module {
    public let config: TextEncoderConfig
    public let embeddings: TextEmbeddings
    public let layers: ModuleList<BertLayer>
    public let pooler: Linear
    public var pooling: TextPooling

    public init(config c: TextEncoderConfig, pooling: TextPooling = .maskedMean, seed: UInt64, name: String) {
        config = c
        self.pooling = pooling
        embeddings = TextEmbeddings(c, seed: seed, name: name + ".embeddings")
        layers = ModuleList((0..<c.layers).map {
            BertLayer(dim: c.hidden, heads: c.heads, intermediate: c.intermediate, eps: c.layerNormEps,
                      hiddenDropout: c.hiddenDropout, attentionDropout: c.attentionDropout, seed: seed,
                      name: name + ".encoder.layer.\($0)")
        })
        pooler = Linear(c.hidden, c.hidden, seed: seed, name: name + ".pooler.dense", weightStd: 0.02)
    }

    public override var children: [(String, Module)] {
        [("embeddings", embeddings), ("encoder.layer", layers), ("pooler.dense", pooler)]
    }

    /// Wraps `query` and `value` of every layer in LoRA, freezes every weight, and leaves all
    /// biases trainable (PEFT's `bias="all"`), as the authors' text tower.
    public func applyLoRA(rank: Int, alpha: Float, dropout: Float, seed: UInt64, trainBiases: Bool = true) {
        setTrainable(false)
        for (i, layer) in layers.items.enumerated() {
            let sa = layer.selfAttention
            let base = path.isEmpty ? "" : path + "."
            sa.query = .lora(LoRALinear(base: sa.query.base, rank: rank, alpha: alpha, dropout: dropout, seed: seed,
                                        name: base + "encoder.layer.\(i).attention.self.query"))
            sa.value = .lora(LoRALinear(base: sa.value.base, rank: rank, alpha: alpha, dropout: dropout, seed: seed,
                                        name: base + "encoder.layer.\(i).attention.self.value"))
        }
        if trainBiases {
            for (name, p) in namedParameters() where name.hasSuffix("bias") { p.requiresGrad = true }
        }
    }

    /// Position ids: BERT 0…T−1; RoBERTa pad + cumulative count of non-pad tokens (pad stays pad).
    func positionIds(_ t: TokenBatch) -> [Int] {
        switch config.family {
        case .bert:
            return (0..<t.batch).flatMap { _ in Array(0..<t.length) }
        case .roberta:
            var out = [Int](repeating: config.padTokenId, count: t.ids.count)
            for b in 0..<t.batch {
                var running = 0
                for i in 0..<t.length where t.ids[b * t.length + i] != config.padTokenId {
                    running += 1
                    out[b * t.length + i] = config.padTokenId + running
                }
            }
            return out
        }
    }

    /// Last hidden states [B, T, D].
    /// dropout(LN(word + position + type)) of the tokens at flat positions `rows` of `t` (all
    /// of them, [B, T, D], when nil; packed, [1, rows.count, D], otherwise).
    func embed(_ t: TokenBatch, rows: [Int]? = nil) -> Variable {
        precondition(t.length <= config.maxPositions - (config.family == .roberta ? config.padTokenId + 1 : 0),
                     "TextEncoder: sequence length \(t.length) exceeds the position table (\(config.maxPositions))")
        let pos = positionIds(t), types = config.typeVocab == 1 ? [Int](repeating: 0, count: t.ids.count) : t.typeIds
        let pick = { (v: [Int]) in rows.map { $0.map { v[$0] } } ?? v }
        let shape = rows.map { [1, $0.count] } ?? [t.batch, t.length]
        let e = embeddings.word(pick(t.ids), shape: shape) + embeddings.position(pick(pos), shape: shape)
            + embeddings.tokenType(pick(types), shape: shape)
        return embeddings.dropout(embeddings.layerNorm(e))
    }

    public func hiddenStates(_ t: TokenBatch) -> Variable {
        var h = embed(t)
        // Additive mask [B, 1, 1, T]: 0 for tokens, the most negative float for padding (as HF).
        let mask = Tensor(shape: [t.batch, 1, 1, t.length]) { p in
            for i in 0..<t.mask.count { p[i] = t.mask[i] != 0 ? 0 : -Float.greatestFiniteMagnitude }
        }
        for layer in layers.items { h = layer(h, mask: mask) }
        return h
    }

    /// Packed tokens only (N = Σ lengths real tokens, [1, N, D]) for the masked mean: padding
    /// never reaches the pooled embedding, so it is not computed (with a report of 108 tokens on
    /// average padded to 128, this skips ~16 % of the text tower's work). Off: the padded path,
    /// which gives the same values up to the order of float sums (tested).
    public var packTokens = true

    /// Real-token count of each row when every row's mask is a non-empty prefix (tokens first,
    /// then padding); nil otherwise.
    public static func prefixLengths(_ t: TokenBatch) -> [Int]? {
        var out = [Int]()
        for b in 0..<t.batch {
            let row = t.mask[(b * t.length)..<((b + 1) * t.length)]
            let l = row.prefix { $0 != 0 }.count
            guard l > 0, row.dropFirst(l).allSatisfy({ $0 == 0 }) else { return nil }
            out.append(l)
        }
        return out
    }

    /// Last hidden states of the real tokens only, packed: [1, N, D], sequence b in rows
    /// Σ_{c<b} L_c ..< Σ_{c≤b} L_c.
    public func packedHiddenStates(_ t: TokenBatch, lengths: [Int]) -> Variable {
        var rows = [Int]()
        for b in 0..<t.batch { for j in 0..<lengths[b] { rows.append(b * t.length + j) } }
        var h = embed(t, rows: rows)
        for layer in layers.items { h = layer(packed: h, lengths: lengths) }
        return h
    }

    /// Pooled report embedding [B, D].
    public func callAsFunction(_ t: TokenBatch) -> Variable {
        if pooling == .maskedMean, packTokens, let lengths = Self.prefixLengths(t) {
            // Masked mean of packed rows: P h with P[b, j] = 1/L_b on the rows of sequence b.
            let h = packedHiddenStates(t, lengths: lengths)
            let n = h.shape[1], d = h.shape[2]
            let p = Tensor(zeros: [t.batch, n])
            var start = 0
            for (b, l) in lengths.enumerated() {
                for j in start..<(start + l) { p.pointer[b * n + j] = 1 / Float(l) }
                start += l
            }
            return matmul(Variable(p), reshape(h, [n, d]))
        }
        let h = hiddenStates(t)
        switch pooling {
        case .paddedMean:
            return mean(h, axis: 1)
        case .maskedMean:
            let m = Tensor(shape: [t.batch, t.length, 1]) { p in for i in 0..<t.mask.count { p[i] = Float(t.mask[i]) } }
            let counts = Tensor(shape: [t.batch, 1]) { p in
                for b in 0..<t.batch { p[b] = Swift.max(1, Float(t.mask[(b * t.length)..<((b + 1) * t.length)].reduce(0, +))) }
            }
            return sum(h * Variable(m), axis: 1) / Variable(counts)
        }
    }
}
