// Mean — y = (1/n) Σᵢ xᵢ (all elements) or along one axis.  ∂y/∂xᵢ = 1/n.

import TensorCore

/// Mean of all elements → shape [].
public func mean(_ x: Variable) -> Variable {
    let n = Float(max(x.value.count, 1))
    let out = Tensor(scalar: x.value.sumAll() / n)
    let shape = x.shape
    return record(.mean, out, inputs: [x]) { g in [Tensor(shape: shape, repeating: g.item / n)] }
}

/// Mean along `axis` (negative counts from the end).
public func mean(_ x: Variable, axis: Int, keepDims: Bool = false) -> Variable {
    let ax = Shape.axis(axis, rank: x.value.rank, op: "mean", shape: x.shape)
    let out = x.value.mean(axis: ax, keepDims: keepDims)
    let shape = x.shape
    let n = Float(max(shape[ax], 1))
    return record(.meanAxis, out, inputs: [x]) { g in
        var kept = shape; kept[ax] = 1
        return [broadcastBinary(g.reshaped(kept).scaled(by: 1 / n), Tensor(shape: shape, repeating: 0), .add)]
    }
}
