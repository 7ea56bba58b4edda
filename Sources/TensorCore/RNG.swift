// RNG — a counter-based random number generator (Philox4x32-10, Salmon et al., SC'11).
//
// Every random number is a pure function of (seed, stream, counter): the key is the seed, the
// counter's upper half is the stream and its lower half the position. So dropout masks,
// DropKey masks, augmentations and data order reproduce exactly, can be generated in parallel
// (element i only needs its own counter), and two streams never overlap. Streams are plain
// numbers that callers derive from names (`RNG.stream("dropkey", layer: 3)`).
//
// What it deliberately is not: cryptographic.

/// Philox4x32-10 generator keyed by (seed, stream).
///
///     var rng = RNG(seed: 42, stream: RNG.stream("shuffle"))
///     let u = rng.uniform()        // [0, 1)
///     let z = rng.normal()         // N(0, 1)
public struct RNG: Sendable {
    public let seed: UInt64
    public let stream: UInt64
    /// Index of the next 4-word block.
    public private(set) var counter: UInt64
    private var buffer: SIMD4<UInt32> = .zero
    private var used = 4

    public init(seed: UInt64, stream: UInt64 = 0, counter: UInt64 = 0) {
        self.seed = seed
        self.stream = stream
        self.counter = counter
    }

    /// A stable 64-bit stream id from a name and an optional index (FNV-1a, then mixed).
    public static func stream(_ name: String, _ index: Int = 0) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in name.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        h ^= UInt64(bitPattern: Int64(index)) &* 0x9E37_79B9_7F4A_7C15
        return splitmix(h)
    }

    /// SplitMix64 finaliser, used to mix ids.
    public static func splitmix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The Philox4x32-10 block for (seed, stream, counter): 4 independent 32-bit words.
    @inlinable
    public static func block(seed: UInt64, stream: UInt64, counter: UInt64) -> SIMD4<UInt32> {
        var c0 = UInt32(truncatingIfNeeded: counter)
        var c1 = UInt32(truncatingIfNeeded: counter >> 32)
        var c2 = UInt32(truncatingIfNeeded: stream)
        var c3 = UInt32(truncatingIfNeeded: stream >> 32)
        var k0 = UInt32(truncatingIfNeeded: seed)
        var k1 = UInt32(truncatingIfNeeded: seed >> 32)
        let m0: UInt64 = 0xD251_1F53, m1: UInt64 = 0xCD9E_8D57
        for _ in 0..<10 {
            let p0 = m0 &* UInt64(c0), p1 = m1 &* UInt64(c2)
            let hi0 = UInt32(truncatingIfNeeded: p0 >> 32), lo0 = UInt32(truncatingIfNeeded: p0)
            let hi1 = UInt32(truncatingIfNeeded: p1 >> 32), lo1 = UInt32(truncatingIfNeeded: p1)
            (c0, c1, c2, c3) = (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0)
            k0 = k0 &+ 0x9E37_79B9
            k1 = k1 &+ 0xBB67_AE85
        }
        return SIMD4(c0, c1, c2, c3)
    }

    /// The 32-bit word at flat position `index` of a stream (4 words per block).
    @inlinable
    public static func word(seed: UInt64, stream: UInt64, index: UInt64) -> UInt32 {
        block(seed: seed, stream: stream, counter: index >> 2)[Int(index & 3)]
    }

    /// Uniform in [0, 1) from a 32-bit word (24 significant bits, exact in Float).
    @inlinable public static func unit(_ w: UInt32) -> Float { Float(w >> 8) * (1.0 / 16_777_216.0) }

    /// Next 32 random bits.
    public mutating func nextUInt32() -> UInt32 {
        if used == 4 {
            buffer = RNG.block(seed: seed, stream: stream, counter: counter)
            counter &+= 1
            used = 0
        }
        defer { used += 1 }
        return buffer[used]
    }

    /// Next 64 random bits.
    public mutating func nextUInt64() -> UInt64 {
        UInt64(nextUInt32()) << 32 | UInt64(nextUInt32())
    }

    /// Uniform Float in [0, 1).
    public mutating func uniform() -> Float { RNG.unit(nextUInt32()) }

    /// Uniform Float in [low, high).
    public mutating func uniform(_ low: Float, _ high: Float) -> Float { low + (high - low) * uniform() }

    /// Uniform Double in [0, 1) with 53 random bits.
    public mutating func uniformDouble() -> Double { Double(nextUInt64() >> 11) * 0x1p-53 }

    /// Standard normal (Box–Muller in Double, one value per call).
    public mutating func normal() -> Float { Float(normalDouble()) }

    /// Standard normal as Double.
    public mutating func normalDouble() -> Double {
        let u1 = max(uniformDouble(), 0x1p-60)
        let u2 = uniformDouble()
        return (-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2)
    }

    /// True with probability `p`.
    public mutating func bernoulli(_ p: Float) -> Bool { uniform() < p }

    /// Uniform integer in 0..<n (Lemire's unbiased method).
    public mutating func int(below n: Int) -> Int {
        precondition(n > 0, "RNG.int(below:): n must be positive, got \(n)")
        let bound = UInt64(n)
        var x = nextUInt64()
        var m = x.multipliedFullWidth(by: bound)
        if m.low < bound {
            let t = (0 &- bound) % bound
            while m.low < t {
                x = nextUInt64()
                m = x.multipliedFullWidth(by: bound)
            }
        }
        return Int(m.high)
    }

    /// Fisher–Yates shuffle.
    public mutating func shuffle<T>(_ a: inout [T]) {
        guard a.count > 1 else { return }
        for i in stride(from: a.count - 1, to: 0, by: -1) {
            a.swapAt(i, int(below: i + 1))
        }
    }

    /// A random permutation of 0..<n.
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        shuffle(&p)
        return p
    }

    /// `k` distinct indices from 0..<n, in draw order.
    public mutating func sample(_ n: Int, _ k: Int) -> [Int] {
        precondition(k <= n, "RNG.sample: cannot draw \(k) of \(n)")
        var p = Array(0..<n)
        for i in 0..<k { p.swapAt(i, i + int(below: n - i)) }
        return Array(p[0..<k])
    }
}

import Foundation
@inline(__always) private func _log(_ x: Double) -> Double { Foundation.log(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { Foundation.cos(x) }
