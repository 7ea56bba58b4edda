// Mul — y = a ⊙ b with broadcasting.  ∂y/∂a = b, ∂y/∂b = a, summed over broadcast axes.

import TensorCore

/// y = a ⊙ b (elementwise, NumPy broadcasting).
public func * (a: Variable, b: Variable) -> Variable {
    let av = a.value, bv = b.value
    let out = broadcastBinary(av, bv, .mul)
    return record(.mul, out, inputs: [a, b]) { g in
        [a.requiresGrad ? sumToShape(broadcastBinary(g, bv, .mul), av.shape) : nil,
         b.requiresGrad ? sumToShape(broadcastBinary(g, av, .mul), bv.shape) : nil]
    }
}
