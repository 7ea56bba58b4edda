// Slice — a contiguous range along one axis (e.g. the CLS token, one head's columns).
//
//   y = x[…, a ..< b, …] along `axis`
//   ∂L/∂x = g written at a ..< b along `axis`, zeros elsewhere
//
// The copy kernels are in TensorCore/Layout.swift (`Tensor.sliced`, `zeroPadded`).

import TensorCore

/// The elements of `x` at `range` along `axis` (negative counts from the end).
///
///     let cls = slice(tokens, axis: 1, 0..<1)    // [B, T, C] → [B, 1, C]
public func slice(_ x: Variable, axis: Int, _ range: Range<Int>) -> Variable {
    let (ax, _) = Shape.orStop { try Shape.checkSlice(x.shape, axis: axis, range) }
    let shape = x.shape
    return record(.slice, x.value.sliced(axis: ax, range), inputs: [x]) { g in
        [zeroPadded(g, to: shape, axis: ax, start: range.lowerBound)]
    }
}
