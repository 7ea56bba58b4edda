// Add — y = a + b with broadcasting.  ∂y/∂a = 1, ∂y/∂b = 1, summed over broadcast axes.

import TensorCore

/// y = a + b (NumPy broadcasting).
public func + (a: Variable, b: Variable) -> Variable {
    let out = broadcastBinary(a.value, b.value, .add)
    let sa = a.shape, sb = b.shape
    return record(.add, out, inputs: [a, b]) { g in
        [a.requiresGrad ? sumToShape(g, sa) : nil, b.requiresGrad ? sumToShape(g, sb) : nil]
    }
}
