// Div — y = a / b with broadcasting.  ∂y/∂a = 1/b, ∂y/∂b = −a/b² = −y/b.

import TensorCore

/// y = a / b (elementwise, NumPy broadcasting).
public func / (a: Variable, b: Variable) -> Variable {
    let av = a.value, bv = b.value
    let out = broadcastBinary(av, bv, .div)
    return record(.div, out, inputs: [a, b]) { g in
        let ga = broadcastBinary(g, bv, .div)
        return [a.requiresGrad ? sumToShape(ga, av.shape) : nil,
                b.requiresGrad ? sumToShape(broadcastBinary(ga, out, .mul).scaled(by: -1), bv.shape) : nil]
    }
}
