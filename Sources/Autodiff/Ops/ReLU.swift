// ReLU — y = max(x, 0).  ∂y/∂x = 1 for x > 0, else 0 (0 at the kink, as PyTorch).

import TensorCore

/// y = max(x, 0).
public func relu(_ x: Variable) -> Variable {
    let xv = x.value
    return record(.relu, xv.relu(), inputs: [x]) { g in [zipMap(g, xv) { gi, xi in xi > 0 ? gi : 0 }] }
}
