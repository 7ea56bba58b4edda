// LayerNorm layer — normalises over the last axis with learned γ (weight) and β (bias).
//   y = (x − μ) / √(σ² + ε) · γ + β
// ε is 1e-6 in timm's ViT and 1e-12 in BERT.

import TensorCore
import Autodiff

/// Layer normalisation over the last axis of size `dim`.
public final class LayerNorm: Module {
    public let weight: Parameter
    public let bias: Parameter
    public let eps: Float

    public init(_ dim: Int, eps: Float, name: String) {
        weight = Parameter(Tensor(shape: [dim], repeating: 1), requiresGrad: true, name: name + ".weight")
        bias = Parameter(Tensor(zeros: [dim]), requiresGrad: true, name: name + ".bias")
        self.eps = eps
    }

    public override var localParameters: [(String, Parameter)] { [("weight", weight), ("bias", bias)] }

    public func callAsFunction(_ x: Variable) -> Variable {
        Autodiff.layerNorm(x, gamma: weight, beta: bias, eps: eps)
    }
}
