// Linear — y = x Wᵀ + b as one recorded node (the bias added in the GEMM's epilogue).
//
//   y = x Wᵀ + b        x: [N, in], W: [out, in], b: [out]
//   ∂L/∂x = g W,   ∂L/∂W = gᵀ x,   ∂L/∂b = Σ_rows g
//
// The same bytes, forward and backward, as `matmul(x, W, transposeB: true) + b` (the bias is
// a separate rounding after the product, and its gradient the same column sums), without the
// intermediate product tensor and the extra pass over it. Recorded as `.matmul`. Gradients
// of frozen operands (requiresGrad false) are not computed. Not here: the NN module
// (NN/Linear.swift), batched operands (flatten first).

import TensorCore

/// y = x Wᵀ + b. `x: [N, in]`, `weight: [out, in]`, `bias: [out]` (optional) → `[N, out]`.
///
///     let y = linear(x, weight: w, bias: b)   // == matmul(x, w, transposeB: true) + b
public func linear(_ x: Variable, weight: Variable, bias: Variable?) -> Variable {
    precondition(x.shape.count == 2 && weight.shape.count == 2 && x.shape[1] == weight.shape[1]
                 && (bias == nil || bias!.shape == [weight.shape[0]]),
                 "linear: x \(x.shape), weight \(weight.shape), bias \(bias?.shape.description ?? "none") do not fit [N, in]·[out, in]ᵀ + [out]")
    let xv = x.value, wv = weight.value
    let out = TensorCore.matmul(xv, wv, transposeB: true, bias: bias?.value)
    let inputs = [x, weight] + (bias.map { [$0] } ?? [])
    return record(.matmul, out, inputs: inputs) { g in
        var grads: [Tensor?] = [x.requiresGrad ? TensorCore.matmul(g, wv) : nil,
                                weight.requiresGrad ? TensorCore.matmul(g, xv, transposeA: true) : nil]
        if let bias { grads.append(bias.requiresGrad ? sumToShape(g, bias.shape) : nil) }
        return grads
    }
}
