// Permute — reorders axes (head split/merge, transposes).
//
//   y.shape[d] = x.shape[p[d]],  y[j] = x[i] with i[p[d]] = j_d
//   ∂L/∂x = permute(g, p⁻¹)
//
// The copy kernel is `Tensor.permuted` in TensorCore/Layout.swift.

import TensorCore

/// `x` with its axes reordered by `perm` (PyTorch's `permute`).
///
///     let heads = permute(reshape(x, [B, T, H, Dh]), [0, 2, 1, 3])   // [B, H, T, Dh]
public func permute(_ x: Variable, _ perm: [Int]) -> Variable {
    let (p, _) = Shape.orStop { try Shape.checkPermute(x.shape, perm) }
    let inverse = inversePermutation(p)
    return record(.permute, x.value.permuted(p), inputs: [x]) { g in [g.permuted(inverse)] }
}

/// `x` with axes `a` and `b` swapped (default: the last two), recorded as a permute.
public func transpose(_ x: Variable, _ a: Int = -2, _ b: Int = -1) -> Variable {
    let r = x.shape.count
    let ia = Shape.orStop { try Shape.checkAxis(a, rank: r, op: "transpose", shape: x.shape) }
    let ib = Shape.orStop { try Shape.checkAxis(b, rank: r, op: "transpose", shape: x.shape) }
    var perm = Array(0..<r)
    perm.swapAt(ia, ib)
    return permute(x, perm)
}
