// Initializers — the initial values of parameters, as the reference implementations set them
// (timm for the ViTs, PyTorch defaults for Linear/Conv1d, PEFT for LoRA). All draws come from
// the counter RNG keyed by (seed, parameter name), so a model built twice is identical.

import TensorCore
import Foundation

/// Parameter initialisation rules.
public enum Init {
    /// N(0, std²) truncated to [−2std, 2std] by redrawing (timm's trunc_normal_(std=.02)).
    public static func truncatedNormal(_ shape: [Int], std: Float, seed: UInt64, name: String) -> Tensor {
        var rng = RNG(seed: seed, stream: RNG.stream("init:" + name))
        return Tensor(shape: shape) { p in
            for i in p.indices {
                var z = rng.normal()
                while abs(z) > 2 { z = rng.normal() }
                p[i] = z * std
            }
        }
    }

    /// N(0, std²).
    public static func normal(_ shape: [Int], std: Float, seed: UInt64, name: String) -> Tensor {
        var rng = RNG(seed: seed, stream: RNG.stream("init:" + name))
        return Tensor(shape: shape) { p in for i in p.indices { p[i] = rng.normal() * std } }
    }

    /// U(−bound, bound).
    public static func uniform(_ shape: [Int], bound: Float, seed: UInt64, name: String) -> Tensor {
        var rng = RNG(seed: seed, stream: RNG.stream("init:" + name))
        return Tensor(shape: shape) { p in for i in p.indices { p[i] = rng.uniform(-bound, bound) } }
    }

    /// PyTorch's default for Linear/Conv weights: kaiming_uniform_(a=√5) = U(±1/√fan_in).
    public static func kaimingUniform(_ shape: [Int], fanIn: Int, seed: UInt64, name: String) -> Tensor {
        uniform(shape, bound: 1 / Float(fanIn).squareRoot(), seed: seed, name: name)
    }
}
