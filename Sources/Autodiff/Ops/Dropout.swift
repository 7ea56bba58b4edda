// Dropout — inverted dropout with a reproducible mask (Srivastava et al. 2014).
//
//   u_i = uniform from the counter RNG at (seed, stream, i),  m_i = [u_i ≥ p] / (1 − p)
//   y = x ⊙ m,   ∂L/∂x = g ⊙ m
//
// The mask of element i depends only on (seed, stream, i) — `RNG.maskWord(seed:stream:index:)` —
// never on the thread that draws it or on earlier draws, so it is identical for any thread
// count and across runs. The caller passes seed and stream explicitly (e.g. the training step
// and `RNG.stream("dropout", layer)`), so a training step can be replayed exactly.
// Not here: the train/eval switch (the NN layer simply does not call dropout in eval mode).

import TensorCore

/// A tensor of `shape` with `hit` where the counter RNG draws u_i < p, else `miss`:
/// element i uses u_i = `RNG.unit(RNG.maskWord(seed: seed, stream: stream, index: i))`.
///
///     let keep = bernoulliMask(shape: [4, 8], p: 0.1, seed: 1, stream: 2, hit: 0, miss: 1 / 0.9)
public func bernoulliMask(shape: [Int], p: Float, seed: UInt64, stream: UInt64, hit: Float, miss: Float) -> Tensor {
    let out = Tensor(uninitialized: shape)
    let n = out.count, po = out.pointer
    // Tasks own whole groups of 32 elements (8 Philox blocks, `RNG.units32`).
    let groups = (n + 31) / 32
    ThreadPool.shared.parallelRanges(groups, grain: max(1, parallelGrain / 32)) { range in
        let lo = range.lowerBound * 32, hi = min(n, range.upperBound * 32)
        RNG.fillBernoulli(seed: seed, stream: stream, start: lo, count: hi - lo, p: p, hit: hit, miss: miss, into: po + lo)
    }
    return out
}

/// Inverted dropout: zeroes each element with probability `p` and scales the rest by
/// 1/(1 − p), with the mask drawn from (seed, stream). `p = 0` returns `x` itself; `p = 1`
/// gives zeros (as PyTorch). The mask is not stored: the backward draws it again.
///
///     let h = dropout(x, p: 0.1, seed: step, stream: RNG.stream("lora-dropout", layer))
public func dropout(_ x: Variable, p: Float, seed: UInt64, stream: UInt64) -> Variable {
    precondition(p >= 0 && p <= 1, "dropout: probability \(p) is outside [0, 1] (input \(x.shape))")
    if p == 0 { return x }
    let out = maskedProduct(x.value, p: p, seed: seed, stream: stream, plus: nil)
    return record(.dropout, out, inputs: [x]) { g in [maskedProduct(g, p: p, seed: seed, stream: stream, plus: nil)] }
}

/// y = dropout(x) + r in one pass: the same bytes as `dropout(x, …) + r` (the product is
/// rounded before the sum), without the intermediate tensor. ∂L/∂x = g ⊙ m, ∂L/∂r = g.
///
///     let y = layerNorm(dropoutAdd(dense(h), residual, p: 0.1, seed: s, stream: t), …)
public func dropoutAdd(_ x: Variable, _ residual: Variable, p: Float, seed: UInt64, stream: UInt64) -> Variable {
    precondition(p >= 0 && p <= 1, "dropoutAdd: probability \(p) is outside [0, 1] (input \(x.shape))")
    precondition(x.shape == residual.shape, "dropoutAdd: input \(x.shape) and residual \(residual.shape) differ")
    if p == 0 { return x + residual }
    let out = maskedProduct(x.value, p: p, seed: seed, stream: stream, plus: residual.value)
    return record(.dropout, out, inputs: [x, residual]) { g in
        [x.requiresGrad ? maskedProduct(g, p: p, seed: seed, stream: stream, plus: nil) : nil, residual.requiresGrad ? g : nil]
    }
}

/// out_i = x_i · m_i (+ r_i), m_i = u_i < p ? 0 : 1/(1 − p) with u_i as in `bernoulliMask`.
func maskedProduct(_ x: Tensor, p: Float, seed: UInt64, stream: UInt64, plus r: Tensor?) -> Tensor {
    let out = Tensor(uninitialized: x.shape)
    let n = x.count, px = x.pointer, po = out.pointer, pr = r?.pointer
    let keep: Float = p < 1 ? 1 / (1 - p) : 0
    let groups = (n + 31) / 32
    ThreadPool.shared.parallelRanges(groups, grain: max(1, parallelGrain / 32)) { range in
        let lo = range.lowerBound * 32, hi = min(n, range.upperBound * 32)
        RNG.fillBernoulli(seed: seed, stream: stream, start: lo, count: hi - lo, p: p, hit: 0, miss: keep, into: po + lo)
        if let pr { for i in lo..<hi { po[i] = px[i] * po[i] + pr[i] } } else { for i in lo..<hi { po[i] = px[i] * po[i] } }
    }
    return out
}
