// GELU — the exact (erf) Gaussian error linear unit of BERT and ViT.
//   y = x·Φ(x) = ½x(1 + erf(x/√2))
//   ∂y/∂x = Φ(x) + x·φ(x),  φ(x) = exp(−x²/2)/√(2π)

import TensorCore

/// y = GELU(x) (erf form, not the tanh approximation).
public func gelu(_ x: Variable) -> Variable {
    let xv = x.value
    return record(.gelu, xv.gelu(), inputs: [x]) { g in [zipMap(g, xv) { gi, xi in gi * geluDerivative(xi) }] }
}
