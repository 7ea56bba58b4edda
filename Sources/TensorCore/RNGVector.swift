// RNGVector — the counter RNG eight blocks at a time, for masks over whole tensors.
//
// Dropout, attention dropout and DropKey draw one Philox4x32-10 block per 4 elements: tens of
// millions of blocks per training step. `RNG.block` computes one block with scalar 32×32→64
// multiplies; here eight consecutive counters run side by side in SIMD8<UInt64> lanes (the
// 32-bit words zero-extended, so each multiply is one vpmuludq), which is the same integer
// arithmetic lane by lane — the words are bit for bit those of `RNG.block` (tested).
//
// Mask order. Element i of a mask takes its uniform from `RNG.maskWord`: in its group of 32
// (g = i / 32, r = i mod 32) word r / 8 of block 8g + r mod 8. That is "lane-major": the eight
// blocks of a group sit in SIMD lanes, so word 0 of all eight is one vector, stored as
// elements 32g … 32g + 7, word 1 the next eight, and so on — no transposition, and the
// comparison u < p is one vector compare. (Block-major order, element 4j + w = word w of block
// j, needs a 4 × 8 transposition per group, which cost more than the Philox rounds.)
// Not here: the scalar generator and its distributions (RNG.swift).

extension RNG {
    /// The 32-bit word that mask element `index` of (seed, stream) uses: in its group of 32
    /// (g = index / 32, r = index mod 32), word ⌊r / 8⌋ of block 8g + (r mod 8).
    public static func maskWord(seed: UInt64, stream: UInt64, index: UInt64) -> UInt32 {
        let g = index / 32, r = index % 32
        return block(seed: seed, stream: stream, counter: 8 * g + r % 8)[Int(r / 8)]
    }

    /// Words 0…3 of the eight Philox blocks counter … counter + 7, one SIMD8 lane per block
    /// (each word zero-extended to 64 bits).
    @inlinable @inline(__always)
    static func blocks8(seed: UInt64, stream: UInt64, counter: UInt64)
        -> (SIMD8<UInt64>, SIMD8<UInt64>, SIMD8<UInt64>, SIMD8<UInt64>) {
        typealias V = SIMD8<UInt64>
        let low: V = V(repeating: 0xFFFF_FFFF)
        let base = V(repeating: counter) &+ V(0, 1, 2, 3, 4, 5, 6, 7)
        var c0 = base & low, c1 = base &>> 32
        var c2 = V(repeating: stream & 0xFFFF_FFFF), c3 = V(repeating: stream >> 32)
        var k0 = UInt32(truncatingIfNeeded: seed), k1 = UInt32(truncatingIfNeeded: seed >> 32)
        let m0 = V(repeating: 0xD251_1F53), m1 = V(repeating: 0xCD9E_8D57)
        for _ in 0..<10 {
            let p0 = m0 &* c0, p1 = m1 &* c2
            let n0 = (p1 &>> 32) ^ c1 ^ V(repeating: UInt64(k0))
            let n2 = (p0 &>> 32) ^ c3 ^ V(repeating: UInt64(k1))
            c1 = p1 & low
            c3 = p0 & low
            c0 = n0; c2 = n2
            k0 = k0 &+ 0x9E37_79B9
            k1 = k1 &+ 0xBB67_AE85
        }
        return (c0, c1, c2, c3)
    }

    /// unit(w) = (w >> 8) · 2⁻²⁴ for eight zero-extended words, exact in Float.
    @inlinable @inline(__always)
    static func units8(_ w: SIMD8<UInt64>) -> SIMD8<Float> {
        SIMD8<Float>(SIMD8<UInt32>(truncatingIfNeeded: w &>> 8)) * SIMD8<Float>(repeating: 1.0 / 16_777_216.0)
    }

    /// The 32 uniforms of the mask group whose first block is `counter` (a multiple of 8 for
    /// group counter / 8), in mask order: dst[8w + j] = unit(word w of block counter + j).
    @inlinable
    public static func units32(seed: UInt64, stream: UInt64, counter: UInt64, into dst: UnsafeMutablePointer<Float>) {
        let (c0, c1, c2, c3) = blocks8(seed: seed, stream: stream, counter: counter)
        let raw = UnsafeMutableRawPointer(dst)
        raw.storeBytes(of: units8(c0), as: SIMD8<Float>.self)
        raw.storeBytes(of: units8(c1), toByteOffset: 32, as: SIMD8<Float>.self)
        raw.storeBytes(of: units8(c2), toByteOffset: 64, as: SIMD8<Float>.self)
        raw.storeBytes(of: units8(c3), toByteOffset: 96, as: SIMD8<Float>.self)
    }

    /// Fills `dst[0..<count]` with `u_i < p ? hit : miss` for mask elements i = `start` …
    /// `start + count − 1`, u_i = unit(`maskWord(seed, stream, i)`). The element values do not
    /// depend on how a tensor is cut into calls, so callers may split it over threads freely.
    public static func fillBernoulli(seed: UInt64, stream: UInt64, start: Int, count: Int, p: Float,
                                     hit: Float, miss: Float, into dst: UnsafeMutablePointer<Float>) {
        let pv = SIMD8<Float>(repeating: p), hv = SIMD8<Float>(repeating: hit), mv = SIMD8<Float>(repeating: miss)
        @inline(__always) func select(_ w: SIMD8<UInt64>) -> SIMD8<Float> { mv.replacing(with: hv, where: units8(w) .< pv) }
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 32) { tmp in
            let u = tmp.baseAddress!
            var i = start
            let end = start + count
            while i < end {
                let group = i / 32 * 32
                if i == group && end - i >= 32 {
                    // A whole group: four vectors straight to the destination.
                    let (c0, c1, c2, c3) = blocks8(seed: seed, stream: stream, counter: UInt64(group / 4))
                    let raw = UnsafeMutableRawPointer(dst + (i - start))
                    raw.storeBytes(of: select(c0), as: SIMD8<Float>.self)
                    raw.storeBytes(of: select(c1), toByteOffset: 32, as: SIMD8<Float>.self)
                    raw.storeBytes(of: select(c2), toByteOffset: 64, as: SIMD8<Float>.self)
                    raw.storeBytes(of: select(c3), toByteOffset: 96, as: SIMD8<Float>.self)
                    i += 32
                    continue
                }
                RNG.units32(seed: seed, stream: stream, counter: UInt64(group / 4), into: u)
                let hi = min(end, group + 32)
                for j in i..<hi { dst[j - start] = u[j - group] < p ? hit : miss }
                i = hi
            }
        }
    }
}
