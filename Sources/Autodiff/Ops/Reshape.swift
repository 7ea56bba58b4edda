// Reshape — the same elements with another shape (row-major order kept; shares storage).
//   ∂L/∂x = reshape(∂L/∂y, shape(x))

import TensorCore

/// y = x viewed with `shape` (one extent may be −1).
public func reshape(_ x: Variable, _ shape: [Int]) -> Variable {
    let inShape = x.shape
    return record(.reshape, x.value.reshaped(shape), inputs: [x]) { g in [g.reshaped(inShape)] }
}
