// Broadcast — binary arithmetic with NumPy broadcasting, and its adjoint `sumToShape`.
//
// `a + b` aligns shapes on the right; an extent of 1 (or a missing leading axis) repeats.
// Fast paths cover equal shapes and the common "row vector over a matrix" case ([.., C] with
// [C]); everything else walks a generic strided index. The adjoint of broadcasting is summing
// the gradient over the broadcast axes: `sumToShape(g, a.shape)`.
//
// Deterministic: every output element is computed from its own inputs; `sumToShape` reduces
// each output element over its broadcast positions in a fixed (row-major) order on one thread.

/// Elementwise binary operation kinds.
public enum BinaryOp: Sendable {
    case add, sub, mul, div
    @inlinable func apply(_ x: Float, _ y: Float) -> Float {
        switch self {
        case .add: return x + y
        case .sub: return x - y
        case .mul: return x * y
        case .div: return x / y
        }
    }
    var symbol: String {
        switch self { case .add: return "+"; case .sub: return "-"; case .mul: return "*"; case .div: return "/" }
    }
}

/// out = a ∘ b with broadcasting.
public func broadcastBinary(_ a: Tensor, _ b: Tensor, _ op: BinaryOp) -> Tensor {
    let outShape = Shape.broadcast(a.shape, b.shape, op: "binary '\(op.symbol)'")
    let out = Tensor(uninitialized: outShape)
    let pa = a.pointer, pb = b.pointer, po = out.pointer
    let n = out.count
    if a.shape == b.shape {
        ThreadPool.shared.parallelRanges(n, grain: parallelGrain) { r in
            switch op {
            case .add: for i in r { po[i] = pa[i] + pb[i] }
            case .sub: for i in r { po[i] = pa[i] - pb[i] }
            case .mul: for i in r { po[i] = pa[i] * pb[i] }
            case .div: for i in r { po[i] = pa[i] / pb[i] }
            }
        }
        return out
    }
    if b.count == 1 || a.count == 1 {
        let scalarB = b.count == 1
        let s = scalarB ? pb[0] : pa[0]
        let v = scalarB ? pa : pb
        let vCount = scalarB ? a.count : b.count
        if vCount == n {
            ThreadPool.shared.parallelRanges(n, grain: parallelGrain) { r in
                for i in r { po[i] = scalarB ? op.apply(v[i], s) : op.apply(s, v[i]) }
            }
            return out
        }
    }
    // Row case: b is a trailing block repeated over the leading rows of a (e.g. bias [C]).
    if a.count == n, b.count > 0, n % b.count == 0, isTrailingBlock(b.shape, of: outShape) {
        let inner = b.count, rows = n / inner
        ThreadPool.shared.parallelRanges(rows, grain: max(1, parallelGrain / max(inner, 1))) { r in
            for row in r {
                let o = row * inner
                for j in 0..<inner { po[o + j] = op.apply(pa[o + j], pb[j]) }
            }
        }
        return out
    }
    // Generic path.
    let sa = broadcastStrides(a.shape, to: outShape), sb = broadcastStrides(b.shape, to: outShape)
    let rank = outShape.count
    let outStrides = Shape.strides(outShape)
    ThreadPool.shared.parallelRanges(n, grain: parallelGrain) { r in
        for i in r {
            var rem = i, ia = 0, ib = 0
            for d in 0..<rank {
                let c = rem / outStrides[d]
                rem -= c * outStrides[d]
                ia += c * sa[d]; ib += c * sb[d]
            }
            po[i] = op.apply(pa[ia], pb[ib])
        }
    }
    return out
}

/// True when `inner` (right-aligned, leading 1s ignored) equals the trailing axes of `outer`.
func isTrailingBlock(_ inner: [Int], of outer: [Int]) -> Bool {
    var s = inner
    while let f = s.first, f == 1, s.count > 0 { s.removeFirst() }
    guard s.count <= outer.count else { return false }
    return Array(outer.suffix(s.count)) == s
}

/// Strides of `shape` as seen inside the broadcast `outShape` (0 on broadcast axes).
public func broadcastStrides(_ shape: [Int], to outShape: [Int]) -> [Int] {
    let r = outShape.count, offset = r - shape.count
    let st = Shape.strides(shape)
    var out = [Int](repeating: 0, count: r)
    for d in 0..<shape.count where shape[d] != 1 { out[d + offset] = st[d] }
    return out
}

/// Sums `g` (shape `B`, a broadcast of `shape`) back down to `shape`: the adjoint of broadcasting.
public func sumToShape(_ g: Tensor, _ shape: [Int]) -> Tensor {
    if g.shape == shape { return g }
    precondition(Shape.count(shape) > 0 || g.count == 0, "sumToShape: empty target \(shape)")
    _ = Shape.broadcast(shape, g.shape, op: "sumToShape")
    let out = Tensor(zeros: shape)
    let pg = g.pointer, po = out.pointer
    let n = g.count
    if shape.isEmpty || Shape.count(shape) == 1 {
        po[0] = fixedTreeSum(pg, n)
        return out
    }
    if isTrailingBlock(shape, of: g.shape) {
        // Column sums over leading rows: each column summed by one task, rows in order
        // (0 + g₀ + g₁ + …). A task owns a block of columns and walks the rows, so the
        // inner loop is contiguous and vectorises; every column's sum order stays fixed.
        let inner = out.count, rows = n / inner
        ThreadPool.shared.parallelRanges(inner, grain: max(16, 16384 / max(rows, 1))) { r in
            let lo = r.lowerBound, width = r.count
            let acc = po + lo
            for row in 0..<rows {
                let src = pg + row * inner + lo
                for j in 0..<width { acc[j] += src[j] }
            }
        }
        return out
    }
    // Generic: serial accumulation in row-major order of g (deterministic).
    let s = broadcastStrides(shape, to: g.shape)
    let gStrides = Shape.strides(g.shape)
    for i in 0..<n {
        var rem = i, io = 0
        for d in 0..<g.rank {
            let c = rem / gStrides[d]
            rem -= c * gStrides[d]
            io += c * s[d]
        }
        po[io] += pg[i]
    }
    return out
}

/// Sum of n floats in a fixed tree: blocks of 1024 summed in order (in Double inside the
/// block), then block sums combined pairwise. Independent of the thread count.
public func fixedTreeSum(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
    let block = 1024
    let blocks = (n + block - 1) / block
    if blocks <= 1 {
        var s = 0.0
        for i in 0..<n { s += Double(p[i]) }
        return Float(s)
    }
    var partial = [Double](repeating: 0, count: blocks)
    partial.withUnsafeMutableBufferPointer { part in
        ThreadPool.shared.parallelRanges(blocks, grain: 16) { r in
            for b in r {
                var s = 0.0
                for i in (b * block)..<min(n, (b + 1) * block) { s += Double(p[i]) }
                part[b] = s
            }
        }
    }
    var width = blocks
    while width > 1 {
        let half = (width + 1) / 2
        for i in 0..<(width / 2) { partial[i] = partial[2 * i] + partial[2 * i + 1] }
        if width % 2 == 1 { partial[width / 2] = partial[width - 1] }
        width = half
    }
    return Float(partial[0])
}

extension Tensor {
    public static func + (a: Tensor, b: Tensor) -> Tensor { broadcastBinary(a, b, .add) }
    public static func - (a: Tensor, b: Tensor) -> Tensor { broadcastBinary(a, b, .sub) }
    public static func * (a: Tensor, b: Tensor) -> Tensor { broadcastBinary(a, b, .mul) }
    public static func / (a: Tensor, b: Tensor) -> Tensor { broadcastBinary(a, b, .div) }
}
