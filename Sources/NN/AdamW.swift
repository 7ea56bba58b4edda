// AdamW — Adam with decoupled weight decay (Loshchilov & Hutter), PyTorch's torch.optim.AdamW.
//
//   θ ← θ − lr·λ·θ                                   (decoupled decay, applied first)
//   m ← β₁m + (1 − β₁)g,   v ← β₂v + (1 − β₂)g²
//   θ ← θ − lr · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
//
// Float32 arithmetic in PyTorch's order (m moves by lerp, m + (1 − β₁)(g − m); the step is
// (lr/(1 − β₁ᵗ))·m / (√v/√(1 − β₂ᵗ) + ε)), with every scalar — 1 − β₂, the bias corrections,
// 1 − lr·λ — formed in Double first, as PyTorch forms them from Python floats: 1 − β₂ taken in
// Float32 from β₂ = 0.999 is off by 1.3e-5 relative, which the golden test sees.
//
// t counts the steps *of each parameter*, as PyTorch's `state[p]["step"]`: a parameter without a
// gradient is skipped — not decayed, its moments untouched, its t not advanced — so its next
// update uses its own bias corrections. The authors decay every parameter, biases and norms
// included (weight decay 0.1). The state (m, v, t per parameter) is part of a checkpoint so that
// a resumed run continues bitwise identically. Golden values from torch.optim.AdamW:
// Tests/NNTests/AdamWTests.swift.

import TensorCore
import Autodiff
import Foundation

/// AdamW optimiser over named parameters.
public final class AdamW {
    public var lr: Float
    public let beta1: Double, beta2: Double, eps: Double
    public var weightDecay: Float
    /// Calls of `update()` (the run's optimiser steps).
    public private(set) var step = 0
    /// Updates each parameter has received (t of the bias corrections), by name; less than
    /// `step` for a parameter that had no gradient at some step.
    public private(set) var parameterSteps: [String: Int] = [:]
    public let parameters: [(String, Parameter)]
    /// First and second moments, by parameter name.
    public private(set) var m: [String: Tensor] = [:]
    public private(set) var v: [String: Tensor] = [:]

    public init(parameters: [(String, Parameter)], lr: Float, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
                weightDecay: Float) {
        self.parameters = parameters
        self.lr = lr; self.beta1 = betas.0; self.beta2 = betas.1; self.eps = eps; self.weightDecay = weightDecay
        for (name, p) in parameters {
            m[name] = Tensor(zeros: p.shape)
            v[name] = Tensor(zeros: p.shape)
            parameterSteps[name] = 0
        }
    }

    /// One update of every parameter that has a gradient (parameters without one are skipped,
    /// as PyTorch does).
    public func update() {
        step += 1
        let decay = Float(1 - Double(lr) * Double(weightDecay))
        let b2 = Float(beta2), w1 = Float(1 - beta1), w2 = Float(1 - beta2), eps = Float(self.eps)
        for (name, p) in parameters {
            guard let g = p.grad else { continue }
            let t = parameterSteps[name]! + 1
            parameterSteps[name] = t
            let stepSize = Float(Double(lr) / (1 - Foundation.pow(beta1, Double(t))))
            let bc2Root = Float((1 - Foundation.pow(beta2, Double(t))).squareRoot())
            let pm = m[name]!.pointer, pv = v[name]!.pointer, pp = p.value.pointer, pg = g.pointer
            ThreadPool.shared.parallelRanges(p.value.count, grain: parallelGrain) { r in
                for i in r {
                    let gi = pg[i]
                    pp[i] *= decay
                    pm[i] += w1 * (gi - pm[i])
                    pv[i] = pv[i] * b2 + w2 * (gi * gi)
                    let denom = pv[i].squareRoot() / bc2Root + eps
                    pp[i] -= stepSize * pm[i] / denom
                }
            }
        }
    }

    /// Optimiser state for checkpoints: "exp_avg.<name>", "exp_avg_sq.<name>", "step.<name>" (t of
    /// the parameter, a float scalar as in PyTorch's state dict), and the global step.
    public func state() -> (tensors: [(String, Tensor)], step: Int) {
        var out: [(String, Tensor)] = []
        for (name, _) in parameters {
            out.append(("exp_avg." + name, m[name]!)); out.append(("exp_avg_sq." + name, v[name]!))
            out.append(("step." + name, Tensor(shape: [1], values: [Float(parameterSteps[name]!)])))
        }
        return (out, step)
    }

    /// Restores state written by `state()`; names must match. A checkpoint without per-parameter
    /// steps (written before they were kept) gives every parameter the global step.
    /// Everything is checked before anything is assigned, so a bad checkpoint leaves the state as it was.
    public func load(tensors: [String: Tensor], step: Int) throws {
        var loaded: [(name: String, m: Tensor, v: Tensor, t: Int)] = []
        for (name, p) in parameters {
            guard let a = tensors["exp_avg." + name], let b = tensors["exp_avg_sq." + name],
                  a.shape == p.shape, b.shape == p.shape else {
                throw OptimizerStateError(message: "optimizer state for '\(name)' is missing or has the wrong shape")
            }
            var t = step
            if let s = tensors["step." + name] {
                guard s.count == 1, let n = Int(exactly: s.scalars[0]), n >= 0, n <= step else {
                    throw OptimizerStateError(message: "optimizer state 'step.\(name)' is not a step count between 0 and \(step)")
                }
                t = n
            }
            loaded.append((name, a, b, t))
        }
        for l in loaded {
            m[l.name]!.assign(l.m); v[l.name]!.assign(l.v); parameterSteps[l.name] = l.t
        }
        self.step = step
    }
}

/// A checkpoint's optimiser state does not fit the model.
public struct OptimizerStateError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// Scales all gradients so that their global L2 norm is at most `maxNorm`; returns the norm
/// before clipping (computed in Double in parameter order: deterministic).
@discardableResult
public func clipGradNorm(_ parameters: [(String, Parameter)], maxNorm: Float) -> Float {
    var total = 0.0
    for (_, p) in parameters {
        guard let g = p.grad else { continue }
        let pg = g.pointer
        for i in 0..<g.count { total += Double(pg[i]) * Double(pg[i]) }
    }
    let norm = Float(total.squareRoot())
    if norm > maxNorm && norm > 0 {
        let s = maxNorm / (norm + 1e-6)
        for (_, p) in parameters { if let g = p.grad { p.grad = g.scaled(by: s) } }
    }
    return norm
}
