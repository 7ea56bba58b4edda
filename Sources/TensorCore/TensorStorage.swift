// TensorStorage — the one heap buffer behind a Tensor.
//
// 64-byte aligned Float32 memory (one AVX-512 register / one cache line), zero-filled on
// allocation. A class, so several Tensors (e.g. a tensor and its reshape) can share it.
// It deliberately has no shape and no copy-on-write: Tensor has reference semantics for its
// data, like a PyTorch tensor. Kernels write through `base` directly.

import Foundation

/// Aligned, zero-initialised storage for `count` Float32 values.
public final class TensorStorage: @unchecked Sendable {
    /// Number of Float32 values.
    public let count: Int
    /// 64-byte aligned base pointer, valid for `count` elements for the lifetime of the object.
    public let base: UnsafeMutablePointer<Float>

    /// Alignment in bytes of every tensor buffer.
    public static let alignment = 64

    /// Allocates `count` zero-filled floats.
    public init(count: Int) {
        precondition(count >= 0, "TensorStorage: negative element count \(count)")
        self.count = count
        let bytes = max(count, 1) * MemoryLayout<Float>.stride
        let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: TensorStorage.alignment)
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
        self.base = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        TensorStorage.liveBytes.add(bytes)
    }

    deinit {
        TensorStorage.liveBytes.add(-max(count, 1) * MemoryLayout<Float>.stride)
        UnsafeMutableRawPointer(base).deallocate()
    }

    /// Bytes currently held by all live storages (for memory reports in benchmarks).
    public static let liveBytes = ByteCounter()
}

/// A tiny thread-safe counter (used for the live-bytes statistic).
public final class ByteCounter: @unchecked Sendable {
    private var value = 0
    private var peakValue = 0
    private let lock = NSLock()
    func add(_ delta: Int) {
        lock.lock(); value += delta; if value > peakValue { peakValue = value }; lock.unlock()
    }
    /// Current number of bytes.
    public var current: Int { lock.lock(); defer { lock.unlock() }; return value }
    /// Largest value seen since the last `resetPeak()`.
    public var peak: Int { lock.lock(); defer { lock.unlock() }; return peakValue }
    /// Sets the peak to the current value.
    public func resetPeak() { lock.lock(); peakValue = value; lock.unlock() }
}
