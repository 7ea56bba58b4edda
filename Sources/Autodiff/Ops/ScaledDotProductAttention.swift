// ScaledDotProductAttention — fused softmax(q kᵀ·s + M)·v with a backward that keeps A.
//
//   S = s · q kᵀ + M        (s = 1/√D by default, M an optional constant additive mask)
//   A = softmax(S)          (over the keys, the last axis)
//   O = A v
// Backward (per batch and head):
//   ∂L/∂A = g vᵀ,   ∂L/∂v = Aᵀ g
//   ∂L/∂S = A ⊙ (∂L/∂A − rowsum(∂L/∂A ⊙ A))
//   ∂L/∂q = s · (∂L/∂S) k,   ∂L/∂k = s · (∂L/∂S)ᵀ q
//
// The forward keeps A ([B, H, Tq, Tk]); the backward needs it and nothing else of the forward.
// Explanations need A and ∂L/∂A: pass an `AttentionTap`, which the forward fills with A and
// the backward with ∂L/∂A (the very tensor the backward computes anyway). Callers that want A
// as a differentiable Variable use `attentionComposed`, the same computation as separate
// recorded ops (matmul, scale, attentionMask, softmax, matmul) — also the test oracle.
// Not here: the head split/merge and projections (NN/Attention.swift), DropKey's mask
// (AttentionMask.swift).

import Foundation
import TensorCore

/// Records the attention probabilities of one `scaledDotProductAttention` call and, after a
/// backward pass, their gradient.
///
///     let tap = AttentionTap()
///     let o = scaledDotProductAttention(q, k, v, tap: tap)
///     loss(o).backward()
///     tap.probabilities   // A: [B, H, Tq, Tk]
///     tap.gradient        // ∂L/∂A: [B, H, Tq, Tk] (the latest backward pass through this call)
public final class AttentionTap {
    /// A = softmax(q kᵀ·s + M), set by the forward pass.
    public internal(set) var probabilities: Tensor?
    /// ∂L/∂A, set when a backward pass reaches the op (nil under `noGrad`).
    public internal(set) var gradient: Tensor?
    public init() {}
}

extension Shape {
    /// The output shape of attention with `q: [..., Tq, D]`, `k: [..., Tk, D]`,
    /// `v: [..., Tk, Dv]` (equal leading axes) and a mask broadcastable to `[..., Tq, Tk]`.
    public static func checkAttention(q: [Int], k: [Int], v: [Int], mask: [Int]?) throws(ShapeError) -> [Int] {
        let what = "scaledDotProductAttention: q \(q), k \(k), v \(v)\(mask.map { ", mask \($0)" } ?? "")"
        guard q.count >= 2, k.count == q.count, v.count == q.count else {
            throw ShapeError("\(what): q, k, v need the same rank ≥ 2")
        }
        let lead = Array(q.dropLast(2))
        guard Array(k.dropLast(2)) == lead, Array(v.dropLast(2)) == lead else {
            throw ShapeError("\(what): leading (batch, head) axes differ")
        }
        let r = q.count
        guard q[r - 1] == k[r - 1] else { throw ShapeError("\(what): q and k have different widths") }
        guard k[r - 2] == v[r - 2] else { throw ShapeError("\(what): k and v have different lengths") }
        if let mask { try checkMask(mask, over: lead + [q[r - 2], k[r - 2]], op: what) }
        return lead + [q[r - 2], v[r - 1]]
    }
}

/// Dropout on the attention probabilities inside the fused attention (BERT's attention
/// dropout in training): element i of A is kept with probability 1 − p and scaled by
/// 1/(1 − p), with u_i drawn exactly as `bernoulliMask(…, seed:, stream:)` draws it, so the
/// result equals `dropout(softmax(…), p:, seed:, stream:)` of the composed ops.
public struct AttentionDropout: Sendable {
    public var p: Float
    public var seed: UInt64
    public var stream: UInt64
    public init(p: Float, seed: UInt64, stream: UInt64) { self.p = p; self.seed = seed; self.stream = stream }
}

/// Fused scaled dot-product attention: `q: [B, H, Tq, D]`, `k: [B, H, Tk, D]`,
/// `v: [B, H, Tk, Dv]`, optional additive `mask` broadcastable to `[B, H, Tq, Tk]` (e.g. a
/// DropKey mask or a padding mask `[B, 1, 1, Tk]`) → `[B, H, Tq, Dv]`. `scale` defaults to
/// 1/√D. Any number of leading axes works (all equal across q, k, v). With `dropout`, the
/// output is `dropout(A) v` (attention-probability dropout, see `AttentionDropout`).
///
/// Scale, mask, softmax and dropout run as one pass over each row of the logits (in place),
/// and the backward fuses the dropout, softmax and scale adjoints the same way.
///
///     let o = scaledDotProductAttention(q, k, v, mask: training ? dropKeyMask(...) : nil)
public func scaledDotProductAttention(_ q: Variable, _ k: Variable, _ v: Variable, mask: Tensor? = nil,
                                      scale: Float? = nil, dropout: AttentionDropout? = nil,
                                      tap: AttentionTap? = nil) -> Variable {
    _ = Shape.orStop { try Shape.checkAttention(q: q.shape, k: k.shape, v: v.shape, mask: mask?.shape) }
    let qv = q.value, kv = k.value, vv = v.value
    let s = scale ?? 1 / Float(qv.shape[qv.rank - 1]).squareRoot()
    // a: [..., Tq, Tk] — the logits, turned into A in place.
    let a = TensorCore.matmul(qv, kv, transposeB: true)
    maskedSoftmaxInPlace(a, scale: s, mask: mask)
    tap?.probabilities = a
    let drop = dropout.flatMap { $0.p > 0 ? $0 : nil }
    let ad = drop.map { attentionDropoutApply(a, $0) } ?? a
    let out = TensorCore.matmul(ad, vv)
    return record(.scaledDotProductAttention, out, inputs: [q, k, v]) { g in
        // dAd = g vᵀ: ∂L/∂(dropped A); it is ∂L/∂A when there is no dropout.
        let dA = TensorCore.matmul(g, vv, transposeB: true)
        if let tap { tap.gradient = dA.copy() }   // dA is overwritten in place below
        let dv = v.requiresGrad ? TensorCore.matmul(ad, g, transposeA: true) : nil
        guard q.requiresGrad || k.requiresGrad else { return [nil, nil, dv] }
        // dS = s · A ⊙ (m ⊙ dAd − rowsum(m ⊙ dAd ⊙ A)), in place in dA.
        attentionSoftmaxBackwardInPlace(dA, a: a, dropped: drop.map { (ad, $0.p) }, scale: s)
        let dq = q.requiresGrad ? TensorCore.matmul(dA, kv) : nil
        let dk = k.requiresGrad ? TensorCore.matmul(dA, qv, transposeA: true) : nil
        return [dq, dk, dv]
    }
}

/// In place over the rows of `x: [..., Tq, Tk]`: x ← softmax(s·x + M) (M broadcast to x).
/// Each row is one task, in index order: deterministic for any thread count.
func maskedSoftmaxInPlace(_ x: Tensor, scale s: Float, mask: Tensor?) {
    let n = x.shape[x.rank - 1], rows = n == 0 ? 0 : x.count / n
    let px = x.pointer
    // Mask strides inside x's shape (0 on broadcast axes); the row offset of row r is
    // Σ_d j_d · ms[d] over the row axes.
    let ms = mask.map { broadcastStrides($0.shape, to: x.shape) } ?? []
    let pm = mask?.pointer
    let rowShape = Array(x.shape.dropLast())
    let colStride = ms.last ?? 0
    ThreadPool.shared.parallelRanges(rows, grain: max(1, 16384 / max(n, 1))) { range in
        for row in range {
            let a = px + row * n
            if let pm {
                var rem = row, off = 0
                for d in stride(from: rowShape.count - 1, through: 0, by: -1) {
                    off += (rem % rowShape[d]) * ms[d]
                    rem /= rowShape[d]
                }
                attentionRowScaleMask(a, n, s, pm + off, colStride)
            } else {
                attentionRowScaleMask(a, n, s, nil, 0)
            }
            attentionRowSoftmax(a, n)
        }
    }
}

/// dropout(A): a new tensor with element i = A_i · (u_i < p ? 0 : 1/(1 − p)), u_i from the
/// counter RNG at (seed, stream, i) as in `bernoulliMask`.
func attentionDropoutApply(_ a: Tensor, _ d: AttentionDropout) -> Tensor {
    let out = Tensor(uninitialized: a.shape)
    let n = a.count, pa = a.pointer, po = out.pointer
    let groups = (n + 31) / 32
    ThreadPool.shared.parallelRanges(groups, grain: max(1, parallelGrain / 32)) { range in
        let lo = range.lowerBound * 32, hi = min(n, range.upperBound * 32)
        attentionDropoutBlock(pa + lo, hi - lo, d, start: lo, into: po + lo)
    }
    return out
}

/// In place over the rows of `g = ∂L/∂(dropout(A))`: g ← s · A ⊙ (m ⊙ g − rowsum(m ⊙ g ⊙ A)),
/// with m_i = 1/(1 − p) where the dropped tensor is non-zero and 0 elsewhere (an element with
/// A_i = 0 contributes nothing either way), or m = 1 without dropout.
func attentionSoftmaxBackwardInPlace(_ g: Tensor, a: Tensor, dropped: (Tensor, Float)?, scale s: Float) {
    let n = a.shape[a.rank - 1], rows = n == 0 ? 0 : a.count / n
    let pg = g.pointer, pa = a.pointer
    let pd = dropped?.0.pointer
    let keep: Float = dropped.map { $0.1 < 1 ? 1 / (1 - $0.1) : 0 } ?? 1
    ThreadPool.shared.parallelRanges(rows, grain: max(1, 16384 / max(n, 1))) { range in
        for row in range {
            let o = row * n
            attentionRowSoftmaxBackward(pg + o, pa + o, pd.map { $0 + o }, keep, s, n)
        }
    }
}

/// The same attention as separate recorded ops, returning the output and the probabilities
/// A as Variables (so a loss may depend on A directly). Slower and heavier than the fused op.
public func attentionComposed(_ q: Variable, _ k: Variable, _ v: Variable, mask: Tensor? = nil,
                              scale: Float? = nil) -> (output: Variable, probabilities: Variable) {
    _ = Shape.orStop { try Shape.checkAttention(q: q.shape, k: k.shape, v: v.shape, mask: mask?.shape) }
    let s = scale ?? 1 / Float(q.shape[q.shape.count - 1]).squareRoot()
    var logits = s * matmul(q, k, transposeB: true)
    if let mask { logits = attentionMask(logits, mask) }
    let a = softmax(logits)
    return (matmul(a, v), a)
}
