// RNGVector — the counter RNG eight blocks at a time, for masks over whole tensors.
//
// Dropout, attention dropout and DropKey draw one Philox4x32-10 block per 4 elements: tens of
// millions of blocks per training step. `RNG.block` computes one block with scalar 32×32→64
// multiplies; here eight consecutive counters run side by side in SIMD8<UInt64> lanes (the
// 32-bit words zero-extended, so each multiply is one vpmuludq), which is the same integer
// arithmetic lane by lane — the words are bit for bit those of `RNG.block`, only faster
// (tested against it). Not here: the scalar generator and its distributions (RNG.swift).

extension RNG {
    /// The 32 uniforms u_i = `RNG.unit(RNG.word(seed:stream:index: i))` for
    /// i = 4·counter … 4·counter + 31 (blocks counter … counter + 7), written to `dst[0..<32]`.
    @inlinable
    public static func units32(seed: UInt64, stream: UInt64, counter: UInt64, into dst: UnsafeMutablePointer<Float>) {
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
        // unit(w) = (w >> 8) · 2⁻²⁴, exact in Float.
        let scale = SIMD8<Float>(repeating: 1.0 / 16_777_216.0)
        let u0 = SIMD8<Float>(SIMD8<UInt32>(truncatingIfNeeded: c0 &>> 8)) * scale
        let u1 = SIMD8<Float>(SIMD8<UInt32>(truncatingIfNeeded: c1 &>> 8)) * scale
        let u2 = SIMD8<Float>(SIMD8<UInt32>(truncatingIfNeeded: c2 &>> 8)) * scale
        let u3 = SIMD8<Float>(SIMD8<UInt32>(truncatingIfNeeded: c3 &>> 8)) * scale
        for j in 0..<8 {
            UnsafeMutableRawPointer(dst + 4 * j).storeBytes(of: SIMD4<Float>(u0[j], u1[j], u2[j], u3[j]), as: SIMD4<Float>.self)
        }
    }

    /// Fills `dst[0..<count]` with `u_i < p ? hit : miss` for i = `start` … `start + count − 1`,
    /// u_i as in `units32` (the flat element index of a stream). The element values do not
    /// depend on how a tensor is cut into calls, so callers may split it over threads freely.
    public static func fillBernoulli(seed: UInt64, stream: UInt64, start: Int, count: Int, p: Float,
                                     hit: Float, miss: Float, into dst: UnsafeMutablePointer<Float>) {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 32) { tmp in
            let u = tmp.baseAddress!
            var i = start
            let end = start + count
            while i < end {
                let group = i / 32 * 32
                RNG.units32(seed: seed, stream: stream, counter: UInt64(group / 4), into: u)
                let hi = min(end, group + 32)
                for j in i..<hi { dst[j - start] = u[j - group] < p ? hit : miss }
                i = hi
            }
        }
    }
}
