// Tensor — an n-dimensional Float32 array, contiguous and row-major (last index fastest).
//
// There are no strides and no views: every tensor is dense, so every kernel can walk a flat
// pointer. `reshaped` shares storage (free); anything that changes the memory order
// (transpose, permute, slice) copies. Data has reference semantics, like PyTorch: two Tensor
// values may share a TensorStorage, and writing through `withUnsafeMutableBufferPointer` is
// visible through both. Use `copy()` for an independent buffer.
//
// This file deliberately holds only construction and access; kernels live in their own files.

/// A dense row-major Float32 tensor.
///
///     let x = Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
///     x[1, 2]            // 6
///     x.reshaped([3, 2]) // same storage
public struct Tensor: @unchecked Sendable {
    /// Extent of each axis; `[]` is a scalar (one element).
    public let shape: [Int]
    /// The buffer; `storage.count == shape.product`.
    public let storage: TensorStorage

    /// Total number of elements.
    @inlinable public var count: Int { storage.count }
    /// Number of axes.
    @inlinable public var rank: Int { shape.count }

    /// A zero-filled tensor.
    public init(zeros shape: [Int]) {
        Shape.validate(shape)
        self.shape = shape
        self.storage = TensorStorage(count: Shape.count(shape))
    }

    /// A tensor whose elements are unspecified (possibly a recycled buffer's old values): for
    /// kernels that write every element before anything reads one. Never expose it unwritten.
    public init(uninitialized shape: [Int]) {
        Shape.validate(shape)
        self.shape = shape
        self.storage = TensorStorage(count: Shape.count(shape), zeroed: false)
    }

    /// A zero-filled tensor (same as `init(zeros:)`).
    public init(shape: [Int]) { self.init(zeros: shape) }

    /// A tensor filled with `value`.
    public init(shape: [Int], repeating value: Float) {
        self.init(zeros: shape)
        if value != 0 { storage.base.update(repeating: value, count: count) }
    }

    /// A tensor with the given values in row-major order. `values.count` must equal the
    /// product of `shape`.
    public init(shape: [Int], values: [Float]) {
        Shape.validate(shape)
        let n = Shape.count(shape)
        precondition(values.count == n,
                     "Tensor(shape: \(shape), values:): \(values.count) values for a shape of \(n) elements")
        self.shape = shape
        self.storage = TensorStorage(count: n, zeroed: false)
        values.withUnsafeBufferPointer { src in
            storage.base.update(from: src.baseAddress!, count: n)
        }
    }

    /// A scalar (rank-0) tensor.
    public init(scalar: Float) { self.init(shape: [], values: [scalar]) }

    /// Wraps existing storage. `storage.count` must equal the product of `shape`.
    public init(shape: [Int], storage: TensorStorage) {
        Shape.validate(shape)
        precondition(Shape.count(shape) == storage.count,
                     "Tensor(shape: \(shape), storage:): storage holds \(storage.count) elements")
        self.shape = shape
        self.storage = storage
    }

    /// A tensor whose elements are written by `body` (the buffer starts zero-filled).
    public init(shape: [Int], _ body: (UnsafeMutableBufferPointer<Float>) throws -> Void) rethrows {
        self.init(zeros: shape)
        try body(UnsafeMutableBufferPointer(start: storage.base, count: count))
    }

    // MARK: access

    /// Read-only access to the flat row-major buffer.
    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.base, count: count))
    }

    /// Mutable access to the flat buffer. Writes are visible through every Tensor sharing
    /// this storage.
    @inlinable
    public func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeMutableBufferPointer(start: storage.base, count: count))
    }

    /// Base pointer (valid while this tensor, or another sharing its storage, is alive).
    @inlinable public var pointer: UnsafeMutablePointer<Float> { storage.base }

    /// The elements as an array, row-major.
    public var scalars: [Float] {
        Array(UnsafeBufferPointer(start: storage.base, count: count))
    }

    /// The single element of a one-element tensor.
    public var item: Float {
        precondition(count == 1, "Tensor.item: tensor of shape \(shape) has \(count) elements, not 1")
        return storage.base[0]
    }

    /// Element at a multi-index (bounds-checked; for tests and small code, not kernels).
    public subscript(_ index: Int...) -> Float {
        get { storage.base[Shape.flatIndex(index, in: shape)] }
        nonmutating set { storage.base[Shape.flatIndex(index, in: shape)] = newValue }
    }

    /// The same data viewed with another shape of the same element count (shares storage).
    public func reshaped(_ newShape: [Int]) -> Tensor {
        let resolved = Shape.resolveReshape(newShape, count: count, from: shape)
        return Tensor(shape: resolved, storage: storage)
    }

    /// An independent copy.
    public func copy() -> Tensor {
        let out = Tensor(uninitialized: shape)
        out.storage.base.update(from: storage.base, count: count)
        return out
    }

    /// Copies `other`'s values into this tensor's storage (shapes must have equal counts).
    public func assign(_ other: Tensor) {
        precondition(other.count == count, "Tensor.assign: \(other.shape) into \(shape)")
        storage.base.update(from: other.storage.base, count: count)
    }

    /// Sets every element to `value` in place.
    public func fill(_ value: Float) {
        storage.base.update(repeating: value, count: count)
    }

    /// True when the shapes are equal and every element is bitwise identical.
    public func bitwiseEqual(_ other: Tensor) -> Bool {
        guard shape == other.shape else { return false }
        for i in 0..<count where storage.base[i].bitPattern != other.storage.base[i].bitPattern {
            return false
        }
        return true
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = scalars.prefix(8).map { String(format: "%.4g", Double($0)) }.joined(separator: ", ")
        return "Tensor\(shape)[\(shown)\(count > 8 ? ", …" : "")]"
    }
}

import Foundation
