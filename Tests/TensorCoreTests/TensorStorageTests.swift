// TensorStorageTests — the buffer cache (size classes, reuse, zero-filling), the fast erf behind GELU, and
// the column sums of `sumToShape` (bitwise equal to the rows-in-order loop).

import XCTest
import Foundation
import TestSupport
@testable import TensorCore

final class TensorStorageTests: XCTestCase {
    func testReleasedBufferIsReusedAndZeroedWhenAskedFor() {
        let n = 100_000   // above BufferCache.minimumBytes
        var first: UnsafeMutablePointer<Float>?
        do {
            let t = Tensor(shape: [n], repeating: 3)
            first = t.pointer
        }
        let z = Tensor(zeros: [n])
        XCTAssertEqual(z.pointer, first, "a released buffer of the same size is handed out again")
        XCTAssertTrue((0..<n).allSatisfy { z.pointer[$0] == 0 }, "zeros: a recycled buffer is cleared")
        let small = Tensor(zeros: [8])
        XCTAssertEqual(small.scalars, [Float](repeating: 0, count: 8))
    }

    func testSizeClassesRoundUpByAtMostAnEighth() {
        XCTAssertEqual(BufferCache.sizeClass(1000), 1000, "below the cache's minimum: exact")
        XCTAssertEqual(BufferCache.sizeClass(65_536), 65_536, "a power of two is its own class")
        XCTAssertEqual(BufferCache.sizeClass(100_000), 106_496)   // 13 × 2^16/8
        var previous = 0
        for bytes in stride(from: BufferCache.minimumBytes, to: 40 << 20, by: 9_973) {
            let c = BufferCache.sizeClass(bytes)
            XCTAssertGreaterThanOrEqual(c, bytes)
            XCTAssertLessThanOrEqual(Double(c), Double(bytes) * 1.125, "\(bytes)")
            XCTAssertGreaterThanOrEqual(c, previous, "classes grow with the request")
            XCTAssertEqual(BufferCache.sizeClass(c), c, "a class is its own class")
            previous = c
        }
    }

    func testBufferOfANearbySizeIsReusedAndClearedOverItsOwnLength() {
        // 100,000 and 102,000 floats (400,000 and 408,000 bytes) share the class of 425,984 bytes: the second
        // tensor gets the first one's buffer, zero-filled over its own 102,000 elements.
        var first: UnsafeMutablePointer<Float>?
        do {
            let t = Tensor(shape: [100_000], repeating: 3)
            first = t.pointer
        }
        let z = Tensor(zeros: [102_000])
        XCTAssertEqual(z.pointer, first, "a released buffer of the same size class is handed out again")
        XCTAssertTrue((0..<102_000).allSatisfy { z.pointer[$0] == 0 })
    }

    func testUninitializedTensorIsFullyWrittenByKernels() {
        // Dirty the cache with NaNs, then run kernels that allocate uninitialised outputs.
        do { _ = Tensor(shape: [64, 512], repeating: .nan) }
        let x = Tensor(shape: [64, 512]) { p in for i in p.indices { p[i] = Float(i % 17) - 8 } }
        XCTAssertFalse(x.gelu().hasNonFinite)
        XCTAssertFalse(x.permuted([1, 0]).hasNonFinite)
        XCTAssertFalse((x + x).hasNonFinite)
        XCTAssertFalse(softmaxLastAxis(x).hasNonFinite)
    }

    /// The first NaN or ±∞ is found by flat index and by row (axis 0), the index the bad-input
    /// errors of the data reader and of the embeddings report.
    func testFirstNonFiniteIndexAndRow() {
        let t = Tensor(zeros: [4, 3, 2])
        XCTAssertNil(t.firstNonFiniteIndex)
        XCTAssertNil(t.firstNonFiniteRow)
        t.pointer[13] = .infinity
        t.pointer[20] = .nan
        XCTAssertEqual(t.firstNonFiniteIndex, 13)
        XCTAssertEqual(t.firstNonFiniteRow, 2)
        let v = Tensor(zeros: [5])
        v.pointer[4] = -.infinity
        XCTAssertEqual(v.firstNonFiniteRow, 4)
    }

    func testFastErfIsWithinFiveTenMillionthsOfErf() {
        var worst = 0.0
        for i in -60_000...60_000 {
            let x = Float(i) * 1e-4
            let e = abs(Double(erfFast(x)) - Foundation.erf(Double(x)))
            worst = e.isNaN ? .nan : max(worst, e)   // a NaN stays (max alone would drop it)
        }
        XCTAssertLessThan(worst, 5e-7)
        XCTAssertEqual(erfFast(10), 1, accuracy: 1e-7)
        XCTAssertEqual(erfFast(-10), -1, accuracy: 1e-7)
        XCTAssertTrue(erfFast(.nan).isNaN)
    }

    func testColumnSumsMatchRowsInOrderBitwise() {
        var rng = RNG(seed: 3, stream: 4)
        let g = Tensor(shape: [333, 97]) { p in for i in p.indices { p[i] = rng.normal() } }
        let out = sumToShape(g, [97])
        for j in 0..<97 {
            var s: Float = 0
            for r in 0..<333 { s += g.pointer[r * 97 + j] }
            XCTAssertEqual(out.pointer[j].bitPattern, s.bitPattern, "column \(j)")
        }
    }
}
