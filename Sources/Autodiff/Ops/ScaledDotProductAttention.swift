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

/// Fused scaled dot-product attention: `q: [B, H, Tq, D]`, `k: [B, H, Tk, D]`,
/// `v: [B, H, Tk, Dv]`, optional additive `mask` broadcastable to `[B, H, Tq, Tk]` (e.g. a
/// DropKey mask) → `[B, H, Tq, Dv]`. `scale` defaults to 1/√D. Any number of leading axes
/// works (all equal across q, k, v).
///
///     let o = scaledDotProductAttention(q, k, v, mask: training ? dropKeyMask(...) : nil)
public func scaledDotProductAttention(_ q: Variable, _ k: Variable, _ v: Variable, mask: Tensor? = nil,
                                      scale: Float? = nil, tap: AttentionTap? = nil) -> Variable {
    _ = Shape.orStop { try Shape.checkAttention(q: q.shape, k: k.shape, v: v.shape, mask: mask?.shape) }
    let qv = q.value, kv = k.value, vv = v.value
    let s = scale ?? 1 / Float(qv.shape[qv.rank - 1]).squareRoot()
    var logits = TensorCore.matmul(qv, kv, transposeB: true).scaled(by: s)
    if let mask { logits = broadcastBinary(logits, mask, .add) }
    let a = softmaxLastAxis(logits)
    tap?.probabilities = a
    let out = TensorCore.matmul(a, vv)
    return record(.scaledDotProductAttention, out, inputs: [q, k, v]) { g in
        let dA = TensorCore.matmul(g, vv, transposeB: true)
        tap?.gradient = dA
        let dv = v.requiresGrad ? TensorCore.matmul(a, g, transposeA: true) : nil
        guard q.requiresGrad || k.requiresGrad else { return [nil, nil, dv] }
        let dS = softmaxBackward(dA, a)
        let dq = q.requiresGrad ? TensorCore.matmul(dS, kv).scaled(by: s) : nil
        let dk = k.requiresGrad ? TensorCore.matmul(dS, qv, transposeA: true).scaled(by: s) : nil
        return [dq, dk, dv]
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
