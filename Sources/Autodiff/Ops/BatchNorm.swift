// BatchNorm — per-channel normalisation over the batch (Ioffe & Szegedy 2015), as PyTorch's
// BatchNorm1d: input `[N, C]` (statistics over N) or `[N, C, L]` (over N and L); M = N·L values
// per channel.
//
// Train:  μ_c = (1/M) Σ x,  σ²_c = (1/M) Σ (x − μ_c)² (biased, used to normalise),
//         r_c = 1/√(σ²_c + ε),  x̂ = (x − μ_c)·r_c,  y = γ_c x̂ + β_c.
//         Also returned: μ_c and the unbiased σ²_c·M/(M−1), for the running statistics
//         (the NN layer updates them with momentum 0.1: run ← 0.9·run + 0.1·batch).
//   ∂L/∂x = γ_c r_c · (g − (1/M) Σ g − x̂ · (1/M) Σ g x̂)
// Eval:   x̂ = (x − μ_run)·r,  r = 1/√(σ²_run + ε),  y = γ x̂ + β
//   ∂L/∂x = γ_c r_c · g
// Both:   ∂L/∂γ_c = Σ g x̂,  ∂L/∂β_c = Σ g   (sums over the M positions of channel c)
//
// Each channel is reduced by one task in (n, l) order, so results do not depend on the
// thread count. Not here: the running statistics and momentum (Sources/NN/BatchNorm1d.swift).

import TensorCore

extension Shape {
    /// Checks `x: [N, C]` or `[N, C, L]` against per-channel tensors of shape [C] (γ, β, running
    /// statistics); `training` also needs M = N·L ≥ 2 values per channel. Returns (N, C, L).
    public static func checkBatchNorm(_ x: [Int], channelTensors: [(String, [Int])], training: Bool)
        throws(ShapeError) -> (n: Int, c: Int, l: Int) {
        guard x.count == 2 || x.count == 3 else {
            throw ShapeError("batchNorm: input must be [N, C] or [N, C, L], got shape \(x)")
        }
        let c = x[1]
        for (name, s) in channelTensors where s != [c] {
            throw ShapeError("batchNorm: \(name) of shape \(s) does not match the \(c) channels of input \(x)")
        }
        let l = x.count == 3 ? x[2] : 1
        if training && x[0] * l < 2 {
            throw ShapeError("batchNorm: training needs more than one value per channel, got input \(x)")
        }
        return (x[0], c, l)
    }
}

/// The result of `batchNormTrain`: the normalised output and the batch statistics
/// (not differentiated) from which the NN layer updates its running mean and variance.
public struct BatchNormOutput {
    /// y = γ x̂ + β, same shape as the input.
    public let y: Variable
    /// Per-channel batch mean μ: [C].
    public let mean: Tensor
    /// Per-channel *unbiased* batch variance σ²·M/(M−1): [C] (PyTorch's running-variance input).
    public let unbiasedVariance: Tensor
}

/// Batch normalisation with batch statistics (training mode).
/// `x: [N, C]` or `[N, C, L]`; `gamma`, `beta: [C]` (nil: no scale / shift).
///
///     let bn = batchNormTrain(h, gamma: w, beta: b)
///     running.mean = 0.9 * running.mean + 0.1 * bn.mean   // in NN.BatchNorm
public func batchNormTrain(_ x: Variable, gamma: Variable?, beta: Variable?, eps: Float = 1e-5) -> BatchNormOutput {
    let (n, c, l) = Shape.orStop {
        try Shape.checkBatchNorm(x.shape, channelTensors: channelShapes(gamma, beta), training: true)
    }
    let m = n * l
    let mean = Tensor(zeros: [c]), biased = Tensor(zeros: [c]), unbiased = Tensor(zeros: [c])
    let px = x.value.pointer, pm = mean.pointer, pv = biased.pointer, pu = unbiased.pointer
    ThreadPool.shared.parallelRanges(c, grain: max(1, parallelGrain / max(m, 1))) { range in
        for ch in range {
            var s = 0.0
            for i in 0..<n { let row = px + (i * c + ch) * l; for t in 0..<l { s += Double(row[t]) } }
            let mu = s / Double(m)
            var v = 0.0
            for i in 0..<n {
                let row = px + (i * c + ch) * l
                for t in 0..<l { let d = Double(row[t]) - mu; v += d * d }
            }
            pm[ch] = Float(mu)
            pv[ch] = Float(v / Double(m))
            pu[ch] = Float(v / Double(m - 1))
        }
    }
    let y = batchNormApply(x, mean: mean, variance: biased, gamma: gamma, beta: beta, eps: eps, op: .batchNormTrain)
    return BatchNormOutput(y: y, mean: mean, unbiasedVariance: unbiased)
}

/// Batch normalisation with given running statistics (evaluation mode).
/// `x: [N, C]` or `[N, C, L]`; `runningMean`, `runningVariance`, `gamma`, `beta: [C]`.
public func batchNormEval(_ x: Variable, runningMean: Tensor, runningVariance: Tensor,
                          gamma: Variable?, beta: Variable?, eps: Float = 1e-5) -> Variable {
    _ = Shape.orStop {
        try Shape.checkBatchNorm(x.shape, channelTensors: channelShapes(gamma, beta)
            + [("runningMean", runningMean.shape), ("runningVariance", runningVariance.shape)], training: false)
    }
    return batchNormApply(x, mean: runningMean, variance: runningVariance, gamma: gamma, beta: beta, eps: eps, op: .batchNormEval)
}

func channelShapes(_ gamma: Variable?, _ beta: Variable?) -> [(String, [Int])] {
    (gamma.map { [("gamma", $0.shape)] } ?? []) + (beta.map { [("beta", $0.shape)] } ?? [])
}

/// y = γ (x − μ) r + β with r = 1/√(σ² + ε), recorded as `op`. In training mode μ, σ² are
/// functions of x and the backward includes their derivatives; in eval mode they are constants.
func batchNormApply(_ x: Variable, mean: Tensor, variance: Tensor, gamma: Variable?, beta: Variable?,
                    eps: Float, op: Op) -> Variable {
    let shape = x.shape
    let n = shape[0], c = shape[1], l = shape.count == 3 ? shape[2] : 1, m = n * l
    let gam = gamma?.value ?? Tensor(shape: [c], repeating: 1), bet = beta?.value ?? Tensor(zeros: [c])
    let rstd = Tensor(zeros: [c])
    for ch in 0..<c { rstd.pointer[ch] = 1 / (variance.pointer[ch] + eps).squareRoot() }
    let xhat = Tensor(zeros: shape), out = Tensor(zeros: shape)
    let px = x.value.pointer, ph = xhat.pointer, po = out.pointer
    let pm = mean.pointer, pr = rstd.pointer, pg = gam.pointer, pb = bet.pointer
    ThreadPool.shared.parallelRanges(n * c, grain: max(1, parallelGrain / max(l, 1))) { range in
        for row in range {
            let ch = row % c, o = row * l
            for t in 0..<l {
                let h = (px[o + t] - pm[ch]) * pr[ch]
                ph[o + t] = h
                po[o + t] = pb[ch].addingProduct(h, pg[ch])
            }
        }
    }
    withExtendedLifetime((x.value, mean, bet)) {}
    let inputs = [x] + (gamma.map { [$0] } ?? []) + (beta.map { [$0] } ?? [])
    let training = op == .batchNormTrain
    return record(op, out, inputs: inputs) { g in
        // Per-channel Σ g and Σ g x̂, each channel by one task in (n, l) order.
        let sg = Tensor(zeros: [c]), sgh = Tensor(zeros: [c])
        let pgo = g.pointer, ph = xhat.pointer, psg = sg.pointer, psgh = sgh.pointer
        ThreadPool.shared.parallelRanges(c, grain: max(1, parallelGrain / max(m, 1))) { range in
            for ch in range {
                var a: Float = 0, b: Float = 0
                for i in 0..<n {
                    let o = (i * c + ch) * l
                    for t in 0..<l { a += pgo[o + t]; b = b.addingProduct(pgo[o + t], ph[o + t]) }
                }
                psg[ch] = a; psgh[ch] = b
            }
        }
        var grads: [Tensor?] = [nil]
        if x.requiresGrad {
            let dx = Tensor(zeros: shape)
            let pd = dx.pointer, pr = rstd.pointer, pgam = gam.pointer
            let invM = 1 / Float(m)
            ThreadPool.shared.parallelRanges(n * c, grain: max(1, parallelGrain / max(l, 1))) { range in
                for row in range {
                    let ch = row % c, o = row * l
                    let k = pgam[ch] * pr[ch]
                    if training {
                        let a = psg[ch] * invM, b = psgh[ch] * invM
                        for t in 0..<l { pd[o + t] = k * (pgo[o + t] - a - ph[o + t] * b) }
                    } else {
                        for t in 0..<l { pd[o + t] = k * pgo[o + t] }
                    }
                }
            }
            grads[0] = dx
        }
        if let gamma { grads.append(gamma.requiresGrad ? sgh : nil) }
        if let beta { grads.append(beta.requiresGrad ? sg : nil) }
        return grads
    }
}
