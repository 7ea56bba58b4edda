// GEMMScratch — reusable, 64-byte aligned buffers for the packed GEMM panels.
//
// Allocating (and page-faulting) a fresh megabyte per GEMM call would cost more than a small
// product itself, so packed panels come from a process-wide free list: `withBuffer` takes a
// buffer of at least the requested size (growing it when needed) and returns it to the list
// afterwards. Concurrent callers (batched GEMM on several threads) each get their own buffer.
// Buffers are never shrunk; the list holds at most one buffer per concurrent caller.

import Synchronization

/// One aligned scratch allocation.
final class GEMMBuffer: @unchecked Sendable {
    private(set) var pointer: UnsafeMutablePointer<Float>
    private(set) var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        pointer = GEMMBuffer.allocate(self.capacity)
    }

    deinit { UnsafeMutableRawPointer(pointer).deallocate() }

    /// Makes room for `count` floats (contents are not preserved).
    func reserve(_ count: Int) {
        guard count > capacity else { return }
        UnsafeMutableRawPointer(pointer).deallocate()
        capacity = max(count, capacity * 2)
        pointer = GEMMBuffer.allocate(capacity)
    }

    private static func allocate(_ n: Int) -> UnsafeMutablePointer<Float> {
        UnsafeMutableRawPointer.allocate(byteCount: n * MemoryLayout<Float>.stride, alignment: 64)
            .bindMemory(to: Float.self, capacity: n)
    }
}

/// The free list of GEMM scratch buffers.
final class GEMMScratchPool: @unchecked Sendable {
    private let free = Mutex<[GEMMBuffer]>([])

    /// Runs `body` with a buffer of at least `count` floats (uninitialised).
    func withBuffer<R>(_ count: Int, _ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
        let buffer = free.withLock { list in list.popLast() } ?? GEMMBuffer(capacity: count)
        buffer.reserve(count)
        defer { free.withLock { list in list.append(buffer) } }
        return try body(buffer.pointer)
    }

    static let shared = GEMMScratchPool()
}

/// Runs `body` with a 64-byte aligned scratch buffer of at least `count` floats (uninitialised,
/// recycled between calls; each concurrent caller gets its own). For per-task work areas of
/// fused kernels.
public func withScratchBuffer<R>(_ count: Int, _ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
    try GEMMScratchPool.shared.withBuffer(count, body)
}
