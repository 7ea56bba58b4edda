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
    /// Fills a tensor in parallel; `draw(i, stream)` gives element i.
    static func fill(_ shape: [Int], name: String, seed: UInt64, _ draw: @escaping (UInt64, UInt64) -> Float) -> Tensor {
        let t = Tensor(zeros: shape)
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

    /// N(0, std²) truncated to [−2std, 2std] by redrawing (timm's trunc_normal_(std=.02));
    /// after 4 rejected draws the value is clamped (probability 0.046⁴ ≈ 4e-6).
    public static func truncatedNormal(_ shape: [Int], std: Float, seed: UInt64, name: String) -> Tensor {
        fill(shape, name: name, seed: seed) { i, s in
            var z = gaussian(seed: seed, stream: s, i: i, attempt: 0)
            var a: UInt64 = 1
            while abs(z) > 2 && a < 4 { z = gaussian(seed: seed, stream: s, i: i, attempt: a); a += 1 }
            return min(2, max(-2, z)) * std
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
