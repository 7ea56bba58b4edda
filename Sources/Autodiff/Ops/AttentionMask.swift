// AttentionMask — adds a constant additive mask to attention logits, and builds DropKey masks.
//
//   y = x + M   (M a constant tensor broadcast over x; not differentiated)
//   ∂L/∂x = g
//
// DropKey (Li et al., CVPR 2023), as in MoRE's ViT: during training every (batch, head,
// query, key) logit independently gets −1e12 with probability p before the softmax, so the
// dropped keys receive (numerically) zero weight; there is no rescaling. The mask comes from
// the counter RNG (Dropout.swift's `bernoulliMask`), element i from (seed, stream, i).
// Not here: the schedule of p over layers (NN), the softmax (Softmax.swift, or fused in
// ScaledDotProductAttention.swift).

import TensorCore

/// The value DropKey adds to a dropped logit (MoRE's `-1e12`).
public let dropKeyMaskedValue: Float = -1e12

/// y = x + mask, with `mask` broadcast over `x` (its shape must broadcast *to* x's shape):
/// `x: [B, H, Tq, Tk]`, `mask: [B, H, Tq, Tk]`, `[B, 1, 1, Tk]`, `[Tq, Tk]`, ….
///
///     let logits = attentionMask(scores, dropKeyMask(shape: scores.shape, p: 0.3, seed: step, stream: s))
public func attentionMask(_ x: Variable, _ mask: Tensor) -> Variable {
    Shape.orStop { try Shape.checkMask(mask.shape, over: x.shape, op: "attentionMask") }
    return record(.attentionMask, broadcastBinary(x.value, mask, .add), inputs: [x]) { g in [g] }
}

/// A DropKey mask of `shape` (e.g. [B, H, Tq, Tk]): each entry independently −1e12 with
/// probability `p`, else 0, drawn from the counter RNG at (seed, stream, flat index).
public func dropKeyMask(shape: [Int], p: Float, seed: UInt64, stream: UInt64) -> Tensor {
    precondition(p >= 0 && p <= 1, "dropKeyMask: probability \(p) is outside [0, 1] (shape \(shape))")
    return bernoulliMask(shape: shape, p: p, seed: seed, stream: stream, hit: dropKeyMaskedValue, miss: 0)
}

extension Shape {
    /// Checks that an additive `mask` broadcasts to `target` without enlarging it.
    public static func checkMask(_ mask: [Int], over target: [Int], op: String) throws(ShapeError) {
        let b = try checkBroadcast(target, mask, op: op)
        guard b == target else {
            throw ShapeError("\(op): mask of shape \(mask) does not broadcast to \(target) (it would give \(b))")
        }
    }
}
