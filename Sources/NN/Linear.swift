// Linear — y = x Wᵀ + b, with W stored [out, in] as in PyTorch (so checkpoints load as is).
//
// Inputs of any rank ≥ 1 are flattened to [rows, in] (a free reshape), multiplied, and
// reshaped back: one tall GEMM instead of a batch of small ones, the bias added in its
// epilogue (Autodiff's `linear`).

import TensorCore
import Autodiff

/// Fully connected layer. `x: [..., in]` → `[..., out]`.
public final class Linear: Module {
    public let inFeatures: Int, outFeatures: Int
    public let weight: Parameter
    public let bias: Parameter?

    /// PyTorch's default initialisation (U(±1/√in) for weight and bias) unless `weightStd` is
    /// given, in which case W ~ truncated N(0, std²) and b = 0 (timm's ViT init).
    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, seed: UInt64, name: String,
                weightStd: Float? = nil) {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        let w: Tensor
        if let std = weightStd {
            w = Init.truncatedNormal([outFeatures, inFeatures], std: std, seed: seed, name: name + ".weight")
        } else {
            w = Init.kaimingUniform([outFeatures, inFeatures], fanIn: inFeatures, seed: seed, name: name + ".weight")
        }
        self.weight = Parameter(w, requiresGrad: true, name: name + ".weight")
        if bias {
            let b = weightStd != nil ? Tensor(zeros: [outFeatures])
                : Init.uniform([outFeatures], bound: 1 / Float(inFeatures).squareRoot(), seed: seed, name: name + ".bias")
            self.bias = Parameter(b, requiresGrad: true, name: name + ".bias")
        } else {
            self.bias = nil
        }
    }

    public override var localParameters: [(String, Parameter)] {
        var p = [("weight", weight)]
        if let b = bias { p.append(("bias", b)) }
        return p
    }

    /// y = x Wᵀ + b
    public func callAsFunction(_ x: Variable) -> Variable {
        // x: [..., in]
        let shape = x.shape
        precondition(shape.last == inFeatures, "Linear(\(inFeatures)→\(outFeatures)) at '\(path)': input shape \(shape)")
        let flat = shape.count == 2 ? x : reshape(x, [-1, inFeatures])
        let y = linear(flat, weight: weight, bias: bias)
        return shape.count == 2 ? y : reshape(y, Array(shape.dropLast()) + [outFeatures])
    }
}
