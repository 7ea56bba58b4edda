// Sqrt — y = √x.  ∂y/∂x = 1/(2√x) = 1/(2y).

import TensorCore

/// y = √x.
public func sqrt(_ x: Variable) -> Variable {
    let y = x.value.sqrt()
    return record(.sqrt, y, inputs: [x]) { g in [zipMap(g, y) { gi, yi in gi * 0.5 / yi }] }
}
