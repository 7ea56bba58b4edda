// Shape — arithmetic on shapes: element counts, strides, broadcasting, axis normalisation,
// and the error messages that name the shapes when an API is misused.
//
// API misuse (a shape mismatch, an axis out of range) is a programming error: the public
// kernels stop with `precondition` and a message naming the shapes. Each rule also exists as
// a throwing check (`ShapeError`) so that callers handling user-supplied shapes, and the
// tests, can see the message without stopping the process.

/// A shape rule that was broken, with a message naming the shapes involved.
public struct ShapeError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Namespace for shape arithmetic.
public enum Shape {
    /// Product of the extents (1 for a scalar).
    @inlinable public static func count(_ shape: [Int]) -> Int {
        var n = 1
        for d in shape { n *= d }
        return n
    }

    /// Stops if any extent is negative.
    public static func validate(_ shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "invalid shape \(shape): negative extent")
    }

    /// Row-major strides in elements.
    public static func strides(_ shape: [Int]) -> [Int] {
        var s = [Int](repeating: 1, count: shape.count)
        var acc = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            s[i] = acc
            acc *= shape[i]
        }
        return s
    }

    /// Flat offset of a multi-index (bounds-checked).
    public static func flatIndex(_ index: [Int], in shape: [Int]) -> Int {
        precondition(index.count == shape.count,
                     "index \(index) has \(index.count) components for a tensor of shape \(shape)")
        var flat = 0
        for (i, d) in shape.enumerated() {
            precondition(index[i] >= 0 && index[i] < d, "index \(index) out of range for shape \(shape)")
            flat = flat * d + index[i]
        }
        return flat
    }

    /// Normalises a possibly negative axis (−1 = last) against `rank`.
    public static func checkAxis(_ axis: Int, rank: Int, op: String, shape: [Int]) throws(ShapeError) -> Int {
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0 && a < max(rank, 1) && (rank > 0 || a == 0) else {
            throw ShapeError("\(op): axis \(axis) is out of range for a tensor of shape \(shape) (rank \(rank))")
        }
        return a
    }

    /// `checkAxis`, stopping on error.
    public static func axis(_ axis: Int, rank: Int, op: String, shape: [Int]) -> Int {
        do { return try checkAxis(axis, rank: rank, op: op, shape: shape) } catch { preconditionFailure(error.message) }
    }

    /// The NumPy broadcast of two shapes: align on the right; each pair of extents must be
    /// equal or one of them 1.
    public static func checkBroadcast(_ a: [Int], _ b: [Int], op: String) throws(ShapeError) -> [Int] {
        let r = max(a.count, b.count)
        var out = [Int](repeating: 1, count: r)
        for i in 0..<r {
            let da = i < r - a.count ? 1 : a[i - (r - a.count)]
            let db = i < r - b.count ? 1 : b[i - (r - b.count)]
            if da == db || db == 1 { out[i] = da }
            else if da == 1 { out[i] = db }
            else { throw ShapeError("\(op): shapes \(a) and \(b) cannot be broadcast (axis \(i): \(da) vs \(db))") }
        }
        return out
    }

    /// `checkBroadcast`, stopping on error.
    public static func broadcast(_ a: [Int], _ b: [Int], op: String) -> [Int] {
        do { return try checkBroadcast(a, b, op: op) } catch { preconditionFailure(error.message) }
    }

    /// Resolves a reshape target (one extent may be −1).
    public static func checkReshape(_ target: [Int], count: Int, from shape: [Int]) throws(ShapeError) -> [Int] {
        var t = target
        let unknown = t.indices.filter { t[$0] == -1 }
        guard unknown.count <= 1, t.allSatisfy({ $0 >= -1 }) else {
            throw ShapeError("reshape: invalid target \(target) for shape \(shape)")
        }
        if let u = unknown.first {
            let known = t.enumerated().filter { $0.offset != u }.reduce(1) { $0 * $1.element }
            guard known > 0, count % known == 0 else {
                throw ShapeError("reshape: cannot reshape \(shape) (\(count) elements) into \(target)")
            }
            t[u] = count / known
        }
        guard Shape.count(t) == count else {
            throw ShapeError("reshape: cannot reshape \(shape) (\(count) elements) into \(target) (\(Shape.count(t)) elements)")
        }
        return t
    }

    /// `checkReshape`, stopping on error.
    public static func resolveReshape(_ target: [Int], count: Int, from shape: [Int]) -> [Int] {
        do { return try checkReshape(target, count: count, from: shape) } catch { preconditionFailure(error.message) }
    }
}
