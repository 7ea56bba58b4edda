// Sum — y = Σᵢ xᵢ (all elements, a scalar) or along one axis.
//   ∂y/∂xᵢ = 1: the gradient is broadcast back over the summed positions.

import TensorCore

/// Sum of all elements → shape [].
public func sum(_ x: Variable) -> Variable {
    let out = Tensor(scalar: x.value.sumAll())
    let shape = x.shape
    return record(.sum, out, inputs: [x]) { g in [Tensor(shape: shape, repeating: g.item)] }
}

/// Sum along `axis` (negative counts from the end).
public func sum(_ x: Variable, axis: Int, keepDims: Bool = false) -> Variable {
    let ax = Shape.axis(axis, rank: x.value.rank, op: "sum", shape: x.shape)
    let out = x.value.sum(axis: ax, keepDims: keepDims)
    let shape = x.shape
    return record(.sumAxis, out, inputs: [x]) { g in
        var kept = shape; kept[ax] = 1
        return [broadcastBinary(g.reshaped(kept), Tensor(shape: shape, repeating: 0), .add)]
    }
}
