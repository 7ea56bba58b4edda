// Exp — y = eˣ.  ∂y/∂x = eˣ = y.

import TensorCore

/// y = exp(x).
public func exp(_ x: Variable) -> Variable {
    let y = x.value.exp()
    return record(.exp, y, inputs: [x]) { g in [g * y] }
}
