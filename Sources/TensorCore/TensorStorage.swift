// TensorStorage — the one heap buffer behind a Tensor, and the cache that recycles buffers.
//
// 64-byte aligned Float32 memory (one AVX-512 register / one cache line), zero-filled on
// allocation unless the caller promises to overwrite every element (`zeroed: false`, used by
// kernels through `Tensor(uninitialized:)`). A class, so several Tensors (e.g. a tensor and
// its reshape) can share it. It deliberately has no shape and no copy-on-write: Tensor has
// reference semantics for its data, like a PyTorch tensor. Kernels write through `base`.
//
// Buffer cache: a training step allocates the same few hundred buffer sizes over and over
// (activations, gradients, attention maps of 25 MB). Fresh large allocations come from mmap,
// so each one costs page faults and the kernel's page clearing — more than the arithmetic of
// many ops. Freed buffers of at least `BufferCache.minimumBytes` are therefore kept in
// free lists (up to `BufferCache.capacityBytes` in total) and handed to the next allocation of
// the same *size class*: a request is rounded up to the next of 8 classes per power of two
// (`BufferCache.sizeClass`, at most 12.5 % more memory). Exact sizes would do for a batch of
// fixed shape, but the packed text tower's activations have the batch's token count as a
// dimension, which changes every step: with exact-size lists nearly every large buffer was a
// miss and the cache filled with sizes never asked for again (+1.1 GB RSS; a training step's
// extra time over a repeated batch turned out to be that batch's smaller token count, not the
// cache — PAPER.md, performance). Reuse never changes a result: a zero-filled
// buffer is cleared again, and an uninitialised one is fully written by its kernel; the bytes
// past `count` are never read.

import Foundation

/// Aligned storage for `count` Float32 values.
public final class TensorStorage: @unchecked Sendable {
    /// Number of Float32 values.
    public let count: Int
    /// 64-byte aligned base pointer, valid for `count` elements for the lifetime of the object.
    public let base: UnsafeMutablePointer<Float>

    /// Alignment in bytes of every tensor buffer.
    public static let alignment = 64

    /// Allocates `count` zero-filled floats.
    public convenience init(count: Int) { self.init(count: count, zeroed: true) }

    /// Allocates `count` floats, zero-filled when `zeroed`; otherwise the contents are
    /// unspecified and the caller must write every element before reading any.
    public init(count: Int, zeroed: Bool) {
        precondition(count >= 0, "TensorStorage: negative element count \(count)")
        self.count = count
        let bytes = max(count, 1) * MemoryLayout<Float>.stride
        let allocated = BufferCache.sizeClass(bytes)
        let raw = BufferCache.shared.take(allocated)
            ?? UnsafeMutableRawPointer.allocate(byteCount: allocated, alignment: TensorStorage.alignment)
        if zeroed { raw.initializeMemory(as: UInt8.self, repeating: 0, count: bytes) }
        self.base = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        TensorStorage.liveBytes.add(allocated)
    }

    deinit {
        let allocated = BufferCache.sizeClass(max(count, 1) * MemoryLayout<Float>.stride)
        TensorStorage.liveBytes.add(-allocated)
        let raw = UnsafeMutableRawPointer(base)
        if !BufferCache.shared.put(raw, allocated) { raw.deallocate() }
    }

    /// Bytes currently held by all live storages (for memory reports in benchmarks).
    public static let liveBytes = ByteCounter()
}

/// Free lists of released tensor buffers by size class (thread-safe; see the file header).
public final class BufferCache: @unchecked Sendable {
    /// The process-wide cache.
    public static let shared = BufferCache()
    /// Buffers smaller than this go straight back to malloc (which recycles them cheaply).
    public static let minimumBytes = 64 << 10
    /// Most bytes kept in the free lists at once; releases beyond it are freed. 512 MB: cycling
    /// 12 training batches, 1.5 GB gave a peak RSS of 2.8–2.9 GB and 512 MB 2.1–2.3 GB, with
    /// fewer page faults and the same CPU time (a repeated batch never fills even 512 MB).
    public static let capacityBytes = 512 << 20
    /// Size classes per power of two above `minimumBytes`.
    public static let classesPerOctave = 8

    /// The bytes actually allocated for a request of `bytes`: `bytes` itself below
    /// `minimumBytes` (malloc's own classes), otherwise `bytes` rounded up to a multiple of
    /// 2^⌊log₂ bytes⌋ / `classesPerOctave` — 8 classes per octave, at most 12.5 % over.
    ///
    ///     sizeClass(100_000) = 106_496   // 2^16 / 8 = 8192; 13 × 8192
    public static func sizeClass(_ bytes: Int) -> Int {
        guard bytes >= minimumBytes else { return bytes }
        let octave = Int.bitWidth - 1 - bytes.leadingZeroBitCount   // ⌊log₂ bytes⌋
        let step = 1 << (octave - classesPerOctave.trailingZeroBitCount)
        return (bytes + step - 1) / step * step
    }

    private var free: [Int: [UnsafeMutableRawPointer]] = [:]
    private var cachedBytes = 0
    private let lock = NSLock()

    /// A cached buffer of exactly `bytes` bytes (a size class), or nil.
    func take(_ bytes: Int) -> UnsafeMutableRawPointer? {
        guard bytes >= BufferCache.minimumBytes else { return nil }
        lock.lock(); defer { lock.unlock() }
        guard let p = free[bytes]?.popLast() else { return nil }
        cachedBytes -= bytes
        return p
    }

    /// Keeps `p` for reuse; false when it is too small or too large (caller frees). When the
    /// cache is full, buffers of other sizes are freed to make room (the newest sizes are the
    /// ones the current computation reuses).
    func put(_ p: UnsafeMutableRawPointer, _ bytes: Int) -> Bool {
        guard bytes >= BufferCache.minimumBytes, bytes <= BufferCache.capacityBytes else { return false }
        lock.lock(); defer { lock.unlock() }
        while cachedBytes + bytes > BufferCache.capacityBytes,
              let victim = free.first(where: { !$0.value.isEmpty && $0.key != bytes })?.key ?? (free[bytes]?.isEmpty == false ? bytes : nil) {
            free[victim]!.removeLast().deallocate()
            cachedBytes -= victim
            if free[victim]!.isEmpty { free[victim] = nil }
        }
        free[bytes, default: []].append(p)
        cachedBytes += bytes
        return true
    }

    /// Returns every cached buffer to the system (e.g. after training, before evaluation).
    public func purge() {
        lock.lock(); defer { lock.unlock() }
        for (_, list) in free { for p in list { p.deallocate() } }
        free.removeAll()
        cachedBytes = 0
    }

    /// Bytes currently held in the free lists.
    public var bytes: Int { lock.lock(); defer { lock.unlock() }; return cachedBytes }
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
