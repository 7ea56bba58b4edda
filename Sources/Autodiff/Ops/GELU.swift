// GELU — the exact (erf) Gaussian error linear unit of BERT and ViT.
//   y = x·Φ(x) = ½x(1 + erf(x/√2))
//   ∂y/∂x = Φ(x) + x·φ(x),  φ(x) = exp(−x²/2)/√(2π)
// (erf from TensorCore's `erfFast`, error < 5e-7; kernels in Elementwise.swift.)

import TensorCore

/// y = GELU(x) (erf form, not the tanh approximation).
public func gelu(_ x: Variable) -> Variable {
    let xv = x.value
    return record(.gelu, geluForward(xv), inputs: [x]) { g in [geluBackward(g, xv)] }
}
