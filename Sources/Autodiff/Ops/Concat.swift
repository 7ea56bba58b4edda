// Concat — joins tensors along one axis (e.g. the CLS token before the patch tokens).
//
//   y = [x₀ | x₁ | … ] along `axis`
//   ∂L/∂xᵢ = the slice of g at xᵢ's positions along `axis`
//
// The copy kernels are in TensorCore/Layout.swift (`concatenate`, `Tensor.sliced`).

import TensorCore

/// Concatenates `xs` along `axis` (negative counts from the end): every input has the same
/// shape except along `axis`.
///
///     let tokens = concat([cls, patches], axis: 1)    // [B, 1, C] ++ [B, P, C] → [B, 1+P, C]
public func concat(_ xs: [Variable], axis: Int) -> Variable {
    let (ax, _) = Shape.orStop { try Shape.checkConcat(xs.map(\.shape), axis: axis) }
    let out = concatenate(xs.map(\.value), axis: ax)
    let extents = xs.map { $0.shape[ax] }
    return record(.concat, out, inputs: xs) { g in
        var start = 0
        return zip(xs, extents).map { x, e in
            defer { start += e }
            return x.requiresGrad ? g.sliced(axis: ax, start ..< start + e) : nil
        }
    }
}
