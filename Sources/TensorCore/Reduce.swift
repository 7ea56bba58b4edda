// Reduce — sum, mean and max along one axis.
//
// A tensor is viewed as [outer, n, inner] around the reduced axis. Each output element
// (o, i) is reduced over n by one task, in index order, so the result does not depend on
// the thread count. Sums accumulate in Float in order (the same order on every run);
// `fixedTreeSum` in Broadcast.swift is the whole-tensor sum.

/// The [outer, n, inner] factorisation of `shape` around `axis`.
@inlinable
public func axisSplit(_ shape: [Int], _ axis: Int) -> (outer: Int, n: Int, inner: Int) {
    var outer = 1, inner = 1
    for d in 0..<axis { outer *= shape[d] }
    for d in (axis + 1)..<shape.count { inner *= shape[d] }
    return (outer, shape[axis], inner)
}

/// Reduction kinds along an axis.
public enum Reduction: Sendable { case sum, mean, max }

/// Reduces `x` along `axis` (negative counts from the end). With `keepDims` the axis stays
/// with extent 1.
public func reduce(_ x: Tensor, axis: Int, _ kind: Reduction, keepDims: Bool = false) -> Tensor {
    let ax = Shape.axis(axis, rank: x.rank, op: "reduce(\(kind))", shape: x.shape)
    let (outer, n, inner) = axisSplit(x.shape, ax)
    precondition(n > 0 || kind != .max, "reduce(max): axis \(axis) of shape \(x.shape) is empty")
    var outShape = x.shape
    if keepDims { outShape[ax] = 1 } else { outShape.remove(at: ax) }
    let out = Tensor(zeros: outShape)
    let px = x.pointer, po = out.pointer
    let scale: Float = kind == .mean ? 1 / Float(max(n, 1)) : 1
    ThreadPool.shared.parallelRanges(outer * inner, grain: max(1, 8192 / max(n, 1))) { r in
        for oi in r {
            let o = oi / inner, i = oi % inner
            let base = o * n * inner + i
            switch kind {
            case .sum, .mean:
                var s: Float = 0
                for j in 0..<n { s += px[base + j * inner] }
                po[oi] = s * scale
            case .max:
                var m = px[base]
                for j in 1..<n { let v = px[base + j * inner]; if v > m || v.isNaN { m = v } }
                po[oi] = m
            }
        }
    }
    return out
}

/// Index of the maximum along the last axis (first index on ties): [.., n] → [..] as Int.
public func argmaxLastAxis(_ x: Tensor) -> [Int] {
    precondition(x.rank >= 1, "argmax: scalar tensor")
    let n = x.shape[x.rank - 1], rows = x.count / max(n, 1)
    var out = [Int](repeating: 0, count: rows)
    let p = x.pointer
    for r in 0..<rows {
        var best = 0
        for j in 1..<n where p[r * n + j] > p[r * n + best] { best = j }
        out[r] = best
    }
    return out
}

extension Tensor {
    /// Sum along `axis`.
    public func sum(axis: Int, keepDims: Bool = false) -> Tensor { reduce(self, axis: axis, .sum, keepDims: keepDims) }
    /// Mean along `axis`.
    public func mean(axis: Int, keepDims: Bool = false) -> Tensor { reduce(self, axis: axis, .mean, keepDims: keepDims) }
    /// Max along `axis`.
    public func max(axis: Int, keepDims: Bool = false) -> Tensor { reduce(self, axis: axis, .max, keepDims: keepDims) }
    /// Sum of all elements (fixed reduction tree).
    public func sumAll() -> Float { fixedTreeSum(pointer, count) }
}
