// Dropout — inverted dropout with a reproducible mask (Srivastava et al. 2014).
//
//   u_i = uniform from the counter RNG at (seed, stream, i),  m_i = [u_i ≥ p] / (1 − p)
//   y = x ⊙ m,   ∂L/∂x = g ⊙ m
//
// The mask of element i depends only on (seed, stream, i) — `RNG.word(seed:stream:index:)` —
// never on the thread that draws it or on earlier draws, so it is identical for any thread
// count and across runs. The caller passes seed and stream explicitly (e.g. the training step
// and `RNG.stream("dropout", layer)`), so a training step can be replayed exactly.
// Not here: the train/eval switch (the NN layer simply does not call dropout in eval mode).

import TensorCore

/// A tensor of `shape` with `hit` where the counter RNG draws u_i < p, else `miss`:
/// element i uses u_i = `RNG.unit(RNG.word(seed: seed, stream: stream, index: i))`.
///
///     let keep = bernoulliMask(shape: [4, 8], p: 0.1, seed: 1, stream: 2, hit: 0, miss: 1 / 0.9)
public func bernoulliMask(shape: [Int], p: Float, seed: UInt64, stream: UInt64, hit: Float, miss: Float) -> Tensor {
    let out = Tensor(zeros: shape)
    let n = out.count, po = out.pointer
    // One Philox block yields the words of 4 consecutive indices; tasks own whole blocks.
    let blocks = (n + 3) / 4
    ThreadPool.shared.parallelRanges(blocks, grain: max(1, parallelGrain / 16)) { range in
        for b in range {
            let words = RNG.block(seed: seed, stream: stream, counter: UInt64(b))
            for w in 0..<4 where 4 * b + w < n {
                po[4 * b + w] = RNG.unit(words[w]) < p ? hit : miss
            }
        }
    }
    return out
}

/// Inverted dropout: zeroes each element with probability `p` and scales the rest by
/// 1/(1 − p), with the mask drawn from (seed, stream). `p = 0` returns `x` itself; `p = 1`
/// gives zeros (as PyTorch).
///
///     let h = dropout(x, p: 0.1, seed: step, stream: RNG.stream("lora-dropout", layer))
public func dropout(_ x: Variable, p: Float, seed: UInt64, stream: UInt64) -> Variable {
    precondition(p >= 0 && p <= 1, "dropout: probability \(p) is outside [0, 1] (input \(x.shape))")
    if p == 0 { return x }
    let mask = bernoulliMask(shape: x.shape, p: p, seed: seed, stream: stream, hit: 0, miss: p < 1 ? 1 / (1 - p) : 0)
    return record(.dropout, x.value * mask, inputs: [x]) { g in [g * mask] }
}
