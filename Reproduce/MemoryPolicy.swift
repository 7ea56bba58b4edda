// MemoryPolicy — `more` asks glibc's malloc to keep the memory it frees.
//
// By default glibc gives every allocation of at least M_MMAP_THRESHOLD its own mmap, unmapped
// again by free; the threshold starts at 128 KB and only rises as such blocks are freed, and a
// free heap top above M_TRIM_THRESHOLD goes back to the kernel. The memory `more` works with
// churns in exactly that range: a `tiny` training step allocates and frees hundreds of tensors
// of 64 KB–25 MB (TensorStorage's BufferCache recycles most, not all), and loading a dataset
// copies its arrays several times. Every page handed back is zero-filled and faulted in again
// by the next allocation: 16,000 page faults per training step and ~860,000 while a run loads
// its data (`perf stat -e page-faults`, 1 Dec 2026). With the threshold fixed at 32 MB (the
// ceiling of glibc's own dynamic threshold; every tensor of a `tiny` step is smaller) and
// trimming off, freed memory stays in the process for the next allocation: no page faults per
// step, ~600,000 at start-up, 0.5–1 s less system time per process alone and about 2 s with
// two side by side (PAPER.md, Performance, "Fifth pass"). Only where the bytes live changes,
// never a value.
//
// mallopt is not in Swift's Glibc module, so it is looked up by name; elsewhere (macOS, musl)
// this does nothing.

#if canImport(Glibc)
import Glibc
#endif

enum MemoryPolicy {
    /// glibc's `M_TRIM_THRESHOLD` and `M_MMAP_THRESHOLD` (malloc.h).
    static let trimThreshold: Int32 = -1, mmapThreshold: Int32 = -3
    /// glibc's DEFAULT_MMAP_THRESHOLD_MAX on 64-bit, the highest its dynamic threshold goes.
    static let mmapThresholdBytes: Int32 = 32 << 20

    /// Sets both thresholds; returns whether glibc accepted them (false where there is no mallopt).
    @discardableResult
    static func keepFreedMemory() -> Bool {
        #if canImport(Glibc)
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return false }   // RTLD_DEFAULT
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        return mallopt(mmapThreshold, mmapThresholdBytes) == 1 && mallopt(trimThreshold, Int32.max) == 1
        #else
        return false
        #endif
    }
}
