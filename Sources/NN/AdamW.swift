// AdamW — Adam with decoupled weight decay (Loshchilov & Hutter), PyTorch's torch.optim.AdamW.
//
//   θ ← θ − lr·λ·θ                                   (decoupled decay, applied first)
//   m ← β₁m + (1 − β₁)g,   v ← β₂v + (1 − β₂)g²
//   θ ← θ − lr · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
//
// The authors decay every parameter, biases and norms included (weight decay 0.1). The state
// (m, v, t) is part of a checkpoint so that a resumed run continues bitwise identically.

import TensorCore
import Autodiff
import Foundation

/// AdamW optimiser over named parameters.
public final class AdamW {
    public var lr: Float
    public let beta1: Float, beta2: Float, eps: Float
    public var weightDecay: Float
    /// Optimiser steps taken.
    public private(set) var step = 0
    public let parameters: [(String, Parameter)]
    /// First and second moments, by parameter name.
    public private(set) var m: [String: Tensor] = [:]
    public private(set) var v: [String: Tensor] = [:]

    public init(parameters: [(String, Parameter)], lr: Float, betas: (Float, Float) = (0.9, 0.999), eps: Float = 1e-8,
                weightDecay: Float) {
        self.parameters = parameters
        self.lr = lr; self.beta1 = betas.0; self.beta2 = betas.1; self.eps = eps; self.weightDecay = weightDecay
        for (name, p) in parameters {
            m[name] = Tensor(zeros: p.shape)
            v[name] = Tensor(zeros: p.shape)
        }
    }

    /// One update of every parameter that has a gradient (parameters without one are skipped,
    /// as PyTorch does).
    public func update() {
        step += 1
        let bc1 = 1 - Float(Foundation.pow(Double(beta1), Double(step)))
        let bc2 = 1 - Float(Foundation.pow(Double(beta2), Double(step)))
        let lr = self.lr, wd = self.weightDecay, b1 = beta1, b2 = beta2, eps = self.eps
        let stepSize = lr / bc1
        let bc2Root = bc2.squareRoot()
        for (name, p) in parameters {
            guard let g = p.grad else { continue }
            let pm = m[name]!.pointer, pv = v[name]!.pointer, pp = p.value.pointer, pg = g.pointer
            ThreadPool.shared.parallelRanges(p.value.count, grain: parallelGrain) { r in
                for i in r {
                    let gi = pg[i]
                    pp[i] *= 1 - lr * wd
                    pm[i] = b1 * pm[i] + (1 - b1) * gi
                    pv[i] = b2 * pv[i] + (1 - b2) * gi * gi
                    let denom = pv[i].squareRoot() / bc2Root + eps
                    pp[i] -= stepSize * pm[i] / denom
                }
            }
        }
    }

    /// Optimiser state for checkpoints: "exp_avg.<name>", "exp_avg_sq.<name>", and the step.
    public func state() -> (tensors: [(String, Tensor)], step: Int) {
        var out: [(String, Tensor)] = []
        for (name, _) in parameters { out.append(("exp_avg." + name, m[name]!)); out.append(("exp_avg_sq." + name, v[name]!)) }
        return (out, step)
    }

    /// Restores state written by `state()`; names must match.
    public func load(tensors: [String: Tensor], step: Int) throws {
        for (name, p) in parameters {
            guard let a = tensors["exp_avg." + name], let b = tensors["exp_avg_sq." + name],
                  a.shape == p.shape, b.shape == p.shape else {
                throw OptimizerStateError(message: "optimizer state for '\(name)' is missing or has the wrong shape")
            }
            m[name]!.assign(a); v[name]!.assign(b)
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
