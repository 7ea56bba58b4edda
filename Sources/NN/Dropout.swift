// Dropout layer — inverted dropout in training, identity in evaluation. The mask comes from
// the counter RNG (seed, hash(path, step)), see Randomness.swift.

import TensorCore
import Autodiff

/// Dropout with probability `p`.
public final class Dropout: Module {
    public let p: Float
    public init(_ p: Float) { self.p = p }

    public func callAsFunction(_ x: Variable, salt: Int = 0) -> Variable {
        guard isTraining, p > 0 else { return x }
        return Autodiff.dropout(x, p: p, seed: TrainingRandomness.seed,
                                stream: TrainingRandomness.stream(path, salt: salt))
    }

    /// dropout(x) + residual, fused (the same mask and bytes as `self(x) + residual`).
    public func callAsFunction(_ x: Variable, adding residual: Variable) -> Variable {
        guard isTraining, p > 0 else { return x + residual }
        return dropoutAdd(x, residual, p: p, seed: TrainingRandomness.seed, stream: TrainingRandomness.stream(path))
    }
}
