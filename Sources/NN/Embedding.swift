// Embedding — a lookup table [V, D]; y[n] = table[ids[n]].

import TensorCore
import Autodiff

/// Token (or position, or token-type) embedding table.
public final class Embedding: Module {
    public let weight: Parameter
    public init(_ count: Int, _ dim: Int, seed: UInt64, name: String, std: Float = 0.02) {
        weight = Parameter(Init.normal([count, dim], std: std, seed: seed, name: name + ".weight"),
                           requiresGrad: true, name: name + ".weight")
    }
    public override var localParameters: [(String, Parameter)] { [("weight", weight)] }

    /// ids: N integers (any layout; `shape` gives it) → [shape..., D]
    public func callAsFunction(_ ids: [Int], shape: [Int]) -> Variable {
        Autodiff.embedding(weight, ids: ids, shape: shape)
    }
}
