import XCTest
@testable import more

/// `MemoryPolicy` (Reproduce/MemoryPolicy.swift): on glibc, `mallopt` is found and accepts both
/// settings — a lookup that fails or a rejected value would leave `more` on the default policy
/// without a word, and this test fails instead.
final class MemoryPolicyTests: XCTestCase {
    func testGlibcAcceptsTheThresholds() throws {
        #if canImport(Glibc)
        XCTAssertTrue(MemoryPolicy.keepFreedMemory(), "mallopt missing, or it rejected M_MMAP_THRESHOLD \(MemoryPolicy.mmapThresholdBytes) / M_TRIM_THRESHOLD")
        #else
        throw XCTSkip("no glibc: MemoryPolicy does nothing here")
        #endif
    }
}
