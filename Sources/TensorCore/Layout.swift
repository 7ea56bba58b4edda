// Layout — kernels that move elements without arithmetic: permute (incl. transpose), slice
// along one axis, its zero-padded adjoint, and concatenation.
//
// Tensors are dense (no strided views), so every layout change copies. Each kernel writes
// every output element exactly once from one input element, so the split over threads
// cannot change any result. The shape rules exist as throwing checks (`Shape.checkPermute`,
// `checkSlice`, `checkConcat`) whose messages name the shapes; the kernels stop with them.
//
// Not here: gathering rows by index (Gather.swift), reshape (free: `Tensor.reshaped`),
// anything differentiable (Autodiff/Ops/{Permute,Slice,Concat}.swift).

extension Shape {
    /// The shape of `x.permuted(perm)`: `out[d] = shape[perm[d]]`. `perm` must list every
    /// axis 0..<rank exactly once (negative axes count from the end).
    public static func checkPermute(_ shape: [Int], _ perm: [Int]) throws(ShapeError) -> (perm: [Int], shape: [Int]) {
        let r = shape.count
        guard perm.count == r else {
            throw ShapeError("permute: permutation \(perm) has \(perm.count) axes for a tensor of shape \(shape) (rank \(r))")
        }
        var seen = [Bool](repeating: false, count: r)
        var norm = [Int]()
        for a in perm {
            let ax = a < 0 ? a + r : a
            guard ax >= 0, ax < r, !seen[ax] else {
                throw ShapeError("permute: \(perm) is not a permutation of the axes of shape \(shape)")
            }
            seen[ax] = true
            norm.append(ax)
        }
        return (norm, norm.map { shape[$0] })
    }

    /// The normalised axis and output shape of slicing `range` along `axis` of `shape`.
    public static func checkSlice(_ shape: [Int], axis: Int, _ range: Range<Int>) throws(ShapeError) -> (axis: Int, shape: [Int]) {
        let ax = try checkAxis(axis, rank: shape.count, op: "slice", shape: shape)
        guard shape.count > 0, range.lowerBound >= 0, range.upperBound <= shape[ax] else {
            throw ShapeError("slice: range \(range) is outside axis \(axis) of shape \(shape)")
        }
        var out = shape
        out[ax] = range.count
        return (ax, out)
    }

    /// The normalised axis and output shape of concatenating `shapes` along `axis`: equal
    /// ranks, equal extents on every other axis.
    public static func checkConcat(_ shapes: [[Int]], axis: Int) throws(ShapeError) -> (axis: Int, shape: [Int]) {
        guard let first = shapes.first else { throw ShapeError("concat: no inputs") }
        let ax = try checkAxis(axis, rank: first.count, op: "concat", shape: first)
        guard first.count > 0 else { throw ShapeError("concat: cannot concatenate scalars (shapes \(shapes))") }
        var out = first
        out[ax] = 0
        for s in shapes {
            var a = s, b = first
            guard s.count == first.count else {
                throw ShapeError("concat: shapes \(shapes) have different ranks")
            }
            a[ax] = 0; b[ax] = 0
            guard a == b else {
                throw ShapeError("concat: shapes \(shapes) differ outside axis \(axis)")
            }
            out[ax] += s[ax]
        }
        return (ax, out)
    }

    /// `check…`, stopping on error (the kernels' way of reporting misuse).
    @inline(__always)
    public static func orStop<T>(_ body: () throws -> T) -> T {
        do { return try body() } catch { preconditionFailure("\(error)") }
    }
}

/// The inverse permutation: `inversePermutation(p)[p[d]] = d`, so permuting by `p` and then
/// by its inverse is the identity (the backward of a permute).
public func inversePermutation(_ perm: [Int]) -> [Int] {
    var inv = [Int](repeating: 0, count: perm.count)
    for (d, a) in perm.enumerated() { inv[a] = d }
    return inv
}

extension Tensor {
    /// Axes reordered: `y[j₀, …, j_{r−1}] = x[i]` with `i[perm[d]] = j_d`, so
    /// `y.shape[d] = x.shape[perm[d]]` (NumPy's `transpose(perm)`, PyTorch's `permute`).
    ///
    ///     let heads = x.reshaped([B, T, H, Dh]).permuted([0, 2, 1, 3])   // [B, H, T, Dh]
    public func permuted(_ perm: [Int]) -> Tensor {
        let (p, outShape) = Shape.orStop { try Shape.checkPermute(shape, perm) }
        let out = Tensor(uninitialized: outShape)
        if count == 0 { return out }
        if p == Array(0..<rank) { out.assign(self); return out }
        // Walk the output row by row (all axes but the last); the input offset of an output
        // index is Σ_d j_d · inStride[perm[d]].
        let inStrides = Shape.strides(shape)
        let src = p.map { inStrides[$0] }
        let r = rank
        let inner = outShape[r - 1], innerStride = src[r - 1]
        let rows = count / inner
        let px = pointer, po = out.pointer
        ThreadPool.shared.parallelRanges(rows, grain: Swift.max(1, parallelGrain / Swift.max(inner, 1))) { range in
            for row in range {
                var rem = row, base = 0
                for d in stride(from: r - 2, through: 0, by: -1) {
                    let j = rem % outShape[d]
                    rem /= outShape[d]
                    base += j * src[d]
                }
                let o = po + row * inner
                if innerStride == 1 {
                    o.update(from: px + base, count: inner)
                } else {
                    for j in 0..<inner { o[j] = px[base + j * innerStride] }
                }
            }
        }
        return out
    }

    /// The elements at `range` along `axis` (a copy): `[…, n, …] → […, range.count, …]`.
    public func sliced(axis: Int, _ range: Range<Int>) -> Tensor {
        let (ax, outShape) = Shape.orStop { try Shape.checkSlice(shape, axis: axis, range) }
        let out = Tensor(uninitialized: outShape)
        let (outer, n, inner) = axisSplit(shape, ax)
        copyBlocks(from: pointer, srcRow: n * inner, srcOffset: range.lowerBound * inner,
                   to: out.pointer, dstRow: range.count * inner, dstOffset: 0,
                   rows: outer, length: range.count * inner)
        return out
    }
}

/// The adjoint of slicing: a zero tensor of `shape` with `part` written at positions
/// `start ..< start + part.shape[axis]` along `axis`.
///
///     zeroPadded(x.sliced(axis: 1, 2..<5), to: x.shape, axis: 1, start: 2)  // x outside 2..<5 zeroed
public func zeroPadded(_ part: Tensor, to shape: [Int], axis: Int, start: Int) -> Tensor {
    let ax = Shape.orStop { try Shape.checkAxis(axis, rank: shape.count, op: "zeroPadded", shape: shape) }
    precondition(part.rank == shape.count, "zeroPadded: part of shape \(part.shape) has another rank than \(shape)")
    let (_, sliceShape) = Shape.orStop { try Shape.checkSlice(shape, axis: ax, start ..< start + part.shape[ax]) }
    precondition(sliceShape == part.shape, "zeroPadded: part of shape \(part.shape) does not fit \(shape) at \(start) along axis \(axis)")
    let out = Tensor(zeros: shape)
    let (outer, n, inner) = axisSplit(shape, ax)
    let len = part.shape[ax] * inner
    copyBlocks(from: part.pointer, srcRow: len, srcOffset: 0,
               to: out.pointer, dstRow: n * inner, dstOffset: start * inner, rows: outer, length: len)
    return out
}

/// Concatenation along `axis`: every part has the same shape except along `axis`.
///
///     concatenate([cls, patches], axis: 1)   // [B, 1, C] and [B, P, C] → [B, 1+P, C]
public func concatenate(_ parts: [Tensor], axis: Int) -> Tensor {
    let (ax, outShape) = Shape.orStop { try Shape.checkConcat(parts.map(\.shape), axis: axis) }
    let out = Tensor(uninitialized: outShape)
    let (outer, n, inner) = axisSplit(outShape, ax)
    var offset = 0
    for part in parts {
        let len = part.shape[ax] * inner
        copyBlocks(from: part.pointer, srcRow: len, srcOffset: 0,
                   to: out.pointer, dstRow: n * inner, dstOffset: offset, rows: outer, length: len)
        offset += len
    }
    return out
}

/// For each of `rows` rows: dst[row·dstRow + dstOffset ..< +length] = src[row·srcRow + srcOffset ..< +length].
func copyBlocks(from src: UnsafePointer<Float>, srcRow: Int, srcOffset: Int,
                to dst: UnsafeMutablePointer<Float>, dstRow: Int, dstOffset: Int, rows: Int, length: Int) {
    if rows == 0 || length == 0 { return }
    ThreadPool.shared.parallelRanges(rows, grain: max(1, parallelGrain / length)) { range in
        for row in range {
            (dst + row * dstRow + dstOffset).update(from: src + row * srcRow + srcOffset, count: length)
        }
    }
}
