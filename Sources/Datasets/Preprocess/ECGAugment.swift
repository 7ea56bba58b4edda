// ECGAugment — the authors' pre-training ECG augmentations (MoRE-reference §3.3) on one
// preprocessed ECG `x: [leads, n]` (12×1000), driven by the counter RNG. One of three is picked
// with equal probability per sample:
//   time-warp    each lead split into m = 4 segments (250 samples); m/2 = 2 of them, drawn anew
//                for every lead, are stretched to ⌊250·1.25⌋ = 312 samples, the others compressed
//                to ⌊250·0.75⌋ = 187, by linear interpolation; the last segment takes whatever
//                length makes the lead total n again
//   permutation  each lead split into 4 segments of 250, shuffled independently per lead
//   none
// Linear interpolation maps a segment of L samples onto n' samples with end points aligned
// (np.interp(linspace(0, L − 1, n'), arange(L), seg)) — our reading of the authors' resize.
//
// Reproducibility: pass `RNG(seed: seed, stream: RNG.stream("ecg-augment", sampleIndex))`.
// Deliberately not here: the defined-but-unused augmentations (noise, scaling, sign flip).

import Foundation
import TensorCore

/// Which ECG augmentation `augmentECG` applied.
public enum ECGAugmentation: Int, CaseIterable, Sendable {
    case timeWarp = 0, permutation = 1, none = 2
}

/// Picks one of {time-warp, permutation, none} with equal probability and applies it to
/// `x: [leads, n]`; returns the augmented `[leads, n]` and the choice.
///
///     var rng = RNG(seed: 7, stream: RNG.stream("ecg-augment", index))
///     let (y, which) = augmentECG(x, leads: 12, rng: &rng)
public func augmentECG(_ x: [Float], leads: Int, rng: inout RNG) -> (output: [Float], choice: ECGAugmentation) {
    let choice = ECGAugmentation(rawValue: rng.int(below: 3))!
    switch choice {
    case .timeWarp: return (timeWarp(x, leads: leads, rng: &rng), choice)
    case .permutation: return (segmentPermutation(x, leads: leads, rng: &rng), choice)
    case .none: return (x, choice)
    }
}

/// Segment boundaries of `np.array_split(range(n), m)`: the first n % m segments are one longer.
func segmentBounds(_ n: Int, _ m: Int) -> [Range<Int>] {
    var out: [Range<Int>] = [], start = 0
    for s in 0..<m {
        let len = n / m + (s < n % m ? 1 : 0)
        out.append(start..<start + len)
        start += len
    }
    return out
}

/// Linear resampling of `seg` to `count` samples with both end points kept.
func linearResize(_ seg: ArraySlice<Float>, to count: Int) -> [Float] {
    let L = seg.count, base = seg.startIndex
    guard count > 0 else { return [] }
    guard L > 1 else { return [Float](repeating: seg.first ?? 0, count: count) }
    if count == 1 { return [seg[base]] }
    var out = [Float](repeating: 0, count: count)
    let step = Double(L - 1) / Double(count - 1)
    for i in 0..<count {
        let p = Double(i) * step
        let j = min(Int(p), L - 2)
        let f = p - Double(j)
        out[i] = Float(Double(seg[base + j]) * (1 - f) + Double(seg[base + j + 1]) * f)
    }
    return out
}

/// Applies `body(lead, bounds)` to each lead of `x: [leads, n]` in order, with the lead as a slice and
/// the `m` segment ranges (relative to the lead); concatenates the results.
private func eachLead(_ x: [Float], leads: Int, segments m: Int, _ body: (ArraySlice<Float>, [Range<Int>]) -> [Float]) -> [Float] {
    precondition(leads >= 1 && x.count % leads == 0 && m >= 1, "ECG augmentation: \(x.count) values, \(leads) leads, \(m) segments")
    let n = x.count / leads
    let bounds = segmentBounds(n, m)
    var out = [Float]()
    out.reserveCapacity(x.count)
    for l in 0..<leads { out += body(x[l * n..<(l + 1) * n], bounds) }
    return out
}

/// Time-warp of every lead of `x: [leads, n]` (see the file header); `stretch` 0.25 gives 312/187.
public func timeWarp(_ x: [Float], leads: Int, segments m: Int = 4, stretch: Double = 0.25, rng: inout RNG) -> [Float] {
    eachLead(x, leads: leads, segments: m) { lead, bounds in
        let n = lead.count, base = lead.startIndex
        let picked = Set(rng.sample(m, m / 2))
        var out = [Float]()
        out.reserveCapacity(n)
        for (s, r) in bounds.enumerated() {
            let len = s == m - 1
                ? n - out.count
                : Int(Double(r.count) * (picked.contains(s) ? 1 + stretch : 1 - stretch))
            out += linearResize(lead[base + r.lowerBound..<base + r.upperBound], to: max(0, len))
        }
        return Array(out.prefix(n))
    }
}

/// Per-lead random permutation of `m` equal segments of `x: [leads, n]`.
public func segmentPermutation(_ x: [Float], leads: Int, segments m: Int = 4, rng: inout RNG) -> [Float] {
    eachLead(x, leads: leads, segments: m) { lead, bounds in
        let base = lead.startIndex
        return rng.permutation(m).flatMap { lead[base + bounds[$0].lowerBound..<base + bounds[$0].upperBound] }
    }
}
