// Tanh — y = tanh x.  ∂y/∂x = 1 − y².

import TensorCore

/// y = tanh(x).
public func tanh(_ x: Variable) -> Variable {
    let y = x.value.tanh()
    return record(.tanh, y, inputs: [x]) { g in [zipMap(g, y) { gi, yi in gi * (1 - yi * yi) }] }
}
