// RNGVectorTests — the eight-block Philox (RNGVector.swift) gives exactly the words of the
// scalar `RNG.block` in mask order (lane-major: dst[8w + j] = word w of block j), and
// `fillBernoulli` the mask element i of (seed, stream, i) = `RNG.maskWord` wherever a range
// starts or ends, whole groups and ragged edges alike.

import XCTest
@testable import TensorCore

final class RNGVectorTests: XCTestCase {
    func testUnits32AreTheScalarBlocks() {
        let seeds: [UInt64] = [0, 42, 0xFFFF_FFFF_FFFF_FFFF, 0x1234_5678_9ABC_DEF0]
        let streams: [UInt64] = [0, RNG.stream("dropout", 3), 0xFFFF_FFFF_0000_0001]
        let counters: [UInt64] = [0, 1, 7, 0xFFFF_FFF9, 0x1_0000_0000, 0xFFFF_FFFF_FFFF_FFF0]
        var u = [Float](repeating: 0, count: 32)
        for seed in seeds { for stream in streams { for c in counters {
            u.withUnsafeMutableBufferPointer { RNG.units32(seed: seed, stream: stream, counter: c, into: $0.baseAddress!) }
            for j in 0..<8 {
                let w = RNG.block(seed: seed, stream: stream, counter: c &+ UInt64(j))
                for l in 0..<4 {
                    XCTAssertEqual(u[8 * l + j].bitPattern, RNG.unit(w[l]).bitPattern, "seed \(seed) stream \(stream) counter \(c) + \(j) word \(l)")
                }
            }
        } } }
    }

    func testFillBernoulliMatchesElementwiseDrawsOnAnyRange() {
        let p: Float = 0.3
        for (start, count) in [(0, 1), (0, 32), (0, 100), (5, 27), (31, 2), (64, 96), (1000, 333), (32, 64)] {
            var out = [Float](repeating: .nan, count: count)
            out.withUnsafeMutableBufferPointer {
                RNG.fillBernoulli(seed: 7, stream: 9, start: start, count: count, p: p, hit: -1, miss: 2, into: $0.baseAddress!)
            }
            for i in 0..<count {
                let u = RNG.unit(RNG.maskWord(seed: 7, stream: 9, index: UInt64(start + i)))
                XCTAssertEqual(out[i], u < p ? -1 : 2, "start \(start) element \(i)")
            }
        }
    }
}
