// Initializers — the initial values of parameters, as the reference implementations set them
// (timm for the ViTs, PyTorch defaults for Linear/Conv1d, PEFT for LoRA).
//
// Element i of a parameter is a pure function of (seed, parameter name, i): it is drawn from
// the counter RNG at its own counter, so a model built twice — with any number of threads —
// is identical, and initialising the 299M parameters of the paper config runs in parallel.

import TensorCore
import Foundation

/// Parameter initialisation rules.
public enum Init {
    /// When true, the random initialisers return zeros of the right shape instead of drawing:
    /// for a model built only to count its parameters (`more describe`, `table-params`), or one
    /// whose every drawn value a checkpoint is about to replace (`MoREModel.load`, the pretrained
    /// text tower). Drawing the `paper` config's 299M values costs 11 s of CPU, `tiny`'s text
    /// tower 0.9 s per run; placeholders cost nothing. Task-local, so it applies only inside
    /// `Init.$placeholdersOnly.withValue(true) { … }`:
    ///
    ///     let model = Init.$placeholdersOnly.withValue(true) { MoREModel(config: .paper, seed: 1) }
    @TaskLocal public static var placeholdersOnly = false

    /// Fills a tensor in parallel; `draw(i, stream)` gives element i (zeros when `placeholdersOnly`).
    static func fill(_ shape: [Int], name: String, seed: UInt64, _ draw: @escaping (UInt64, UInt64) -> Float) -> Tensor {
        let t = Tensor(zeros: shape)
        if placeholdersOnly { return t }
        let stream = RNG.stream("init:" + name)
        let p = t.pointer
        ThreadPool.shared.parallelRanges(t.count, grain: 16384) { r in
            for i in r { p[i] = draw(UInt64(i), stream) }
        }
        _ = seed
        return t
    }

    /// A standard normal for element `i`, attempt `a` (Box–Muller on two words).
    @inline(__always) static func gaussian(seed: UInt64, stream: UInt64, i: UInt64, attempt a: UInt64) -> Float {
        let b = RNG.block(seed: seed, stream: stream, counter: i &* 4 &+ a)
        let u1 = max(Double(b[0] >> 8) * 0x1p-24, 0x1p-30)
        let u2 = Double(b[1] >> 8) * 0x1p-24
        return Float((-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2))
    }

    /// N(0, std²) with values outside [a, b] redrawn: PyTorch's `nn.init.trunc_normal_` and timm's
    /// `trunc_normal_(t, std=.02)`, whose default bounds a = −2, b = 2 are in the units of the
    /// *values*, not of std. At std .02 they lie 100 σ out, so nothing is ever redrawn and the
    /// result is N(0, .02²) (std 0.0200, not the 0.0176 of a cut at ±2σ; golden from PyTorch in
    /// Tests/NNTests/InitializersTests.swift). After 4 rejected draws a value is clamped to
    /// [a, b] (at ±2σ bounds, probability 0.046⁴ ≈ 4e-6).
    public static func truncatedNormal(_ shape: [Int], std: Float, a: Float = -2, b: Float = 2, seed: UInt64,
                                       name: String) -> Tensor {
        precondition(a < b && std > 0, "Init.truncatedNormal: needs a < b and std > 0")
        return fill(shape, name: name, seed: seed) { i, s in
            var x = gaussian(seed: seed, stream: s, i: i, attempt: 0) * std
            var attempt: UInt64 = 1
            while (x < a || x > b) && attempt < 4 { x = gaussian(seed: seed, stream: s, i: i, attempt: attempt) * std; attempt += 1 }
            return min(b, max(a, x))
        }
    }

    /// N(0, std²).
    public static func normal(_ shape: [Int], std: Float, seed: UInt64, name: String) -> Tensor {
        fill(shape, name: name, seed: seed) { i, s in gaussian(seed: seed, stream: s, i: i, attempt: 0) * std }
    }

    /// U(−bound, bound).
    public static func uniform(_ shape: [Int], bound: Float, seed: UInt64, name: String) -> Tensor {
        fill(shape, name: name, seed: seed) { i, s in
            (RNG.unit(RNG.word(seed: seed, stream: s, index: i)) * 2 - 1) * bound
        }
    }

    /// PyTorch's default for Linear/Conv weights: kaiming_uniform_(a=√5) = U(±1/√fan_in).
    public static func kaimingUniform(_ shape: [Int], fanIn: Int, seed: UInt64, name: String) -> Tensor {
        uniform(shape, bound: 1 / Float(fanIn).squareRoot(), seed: seed, name: name)
    }
}
