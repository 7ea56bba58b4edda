// ExplanationScores — how well a heatmap points at the region where a finding is known to be.
//
//   pointing hit   = [argmax_p h(p) ∈ Ω]              (first maximum in row-major order)
//   energy in Ω    = Σ_{p∈Ω} h⁺(p) / Σ_p h⁺(p)        (h⁺ = max(h, 0); 0 for an all-zero map)
//
// Ω is a pixel mask (X-ray: union of boxes; ECG: union of time windows). A random-heatmap
// baseline draws many seeded random maps through a caller-given generator (i.i.d. per pixel,
// or i.i.d. per token and then upsampled like the real map) and scores each the same way; for
// i.i.d. pixels both scores have expectation |Ω| / |image| (the area fraction). Deliberately
// not here: where regions come from (ExplanationStudy.swift, ECGBeatWindows.swift).

import TensorCore

/// An axis-aligned box in image coordinates normalised to [0, 1] (x right, y down).
public struct RegionBox: Codable, Sendable, Equatable {
    public var x0: Float, y0: Float, x1: Float, y1: Float
    public init(x0: Float, y0: Float, x1: Float, y1: Float) { self.x0 = x0; self.y0 = y0; self.x1 = x1; self.y1 = y1 }
    /// Nil for the cohort's "absent" encoding (any coordinate < 0) or an empty box.
    public init?(_ v: [Float]) {
        guard v.count == 4, v.allSatisfy({ $0 >= 0 && $0.isFinite }), v[2] > v[0], v[3] > v[1] else { return nil }
        self.init(x0: v[0], y0: v[1], x1: v[2], y1: v[3])
    }
}

/// Pixels whose centres ((c + ½)/W, (r + ½)/H) lie in any of `boxes`: `[height, width]`.
public func regionMask(_ boxes: [RegionBox], height: Int, width: Int) -> [Bool] {
    var mask = [Bool](repeating: false, count: height * width)
    for r in 0..<height {
        let y = (Float(r) + 0.5) / Float(height)
        for c in 0..<width {
            let x = (Float(c) + 0.5) / Float(width)
            mask[r * width + c] = boxes.contains { x >= $0.x0 && x <= $0.x1 && y >= $0.y0 && y <= $0.y1 }
        }
    }
    return mask
}

/// Samples inside any of `windows` (half-open sample ranges, clipped to [0, length)).
public func windowMask(_ windows: [Range<Int>], length: Int) -> [Bool] {
    var mask = [Bool](repeating: false, count: length)
    for w in windows {
        let lo = max(0, w.lowerBound), hi = min(length, w.upperBound)
        if lo < hi { for t in lo..<hi { mask[t] = true } }
    }
    return mask
}

/// Fraction of the mask that is inside the region.
public func areaFraction(_ mask: [Bool]) -> Double {
    mask.isEmpty ? 0 : Double(mask.lazy.filter { $0 }.count) / Double(mask.count)
}

/// Pointing game: is the first maximum of `heatmap` inside `mask`? (Equal lengths.)
public func pointingHit(_ heatmap: [Float], mask: [Bool]) -> Bool {
    precondition(heatmap.count == mask.count && !heatmap.isEmpty, "pointingHit: \(heatmap.count) values, \(mask.count) mask entries")
    var best = 0
    for i in 1..<heatmap.count where heatmap[i] > heatmap[best] { best = i }
    return mask[best]
}

/// Energy in region: Σ_{mask} max(h, 0) / Σ max(h, 0), 0 when the map has no positive value.
public func energyInRegion(_ heatmap: [Float], mask: [Bool]) -> Double {
    precondition(heatmap.count == mask.count, "energyInRegion: \(heatmap.count) values, \(mask.count) mask entries")
    var inside = 0.0, total = 0.0
    for i in heatmap.indices where heatmap[i] > 0 {
        total += Double(heatmap[i])
        if mask[i] { inside += Double(heatmap[i]) }
    }
    return total > 0 ? inside / total : 0
}

/// Mean scores of a set of heatmaps (or of random draws).
public struct PointingEnergy: Codable, Sendable, Equatable {
    /// Number of maps scored.
    public var count: Int
    /// Fraction of pointing hits.
    public var pointing: Double
    /// Mean energy in region.
    public var energy: Double
    /// Mean area fraction of the regions.
    public var area: Double
    public init(count: Int, pointing: Double, energy: Double, area: Double) {
        self.count = count; self.pointing = pointing; self.energy = energy; self.area = area
    }

    /// Scores of `maps[i]` against `masks[i]`.
    public static func score(_ maps: [[Float]], masks: [[Bool]]) -> PointingEnergy {
        precondition(maps.count == masks.count, "PointingEnergy.score: \(maps.count) maps, \(masks.count) masks")
        guard !maps.isEmpty else { return PointingEnergy(count: 0, pointing: 0, energy: 0, area: 0) }
        var hits = 0, energy = 0.0, area = 0.0
        for (m, k) in zip(maps, masks) {
            if pointingHit(m, mask: k) { hits += 1 }
            energy += energyInRegion(m, mask: k)
            area += areaFraction(k)
        }
        let n = Double(maps.count)
        return PointingEnergy(count: maps.count, pointing: Double(hits) / n, energy: energy / n, area: area / n)
    }
}

/// The random-heatmap baseline: for every mask, `draws` random maps from `generate`
/// (RNG seeded by `seed`, one stream per mask so results do not depend on the mask count),
/// scored like real maps. Returns the mean over masks and draws.
///
///     let base = randomHeatmapBaseline(masks: masks, draws: 200, seed: 7) { rng in
///         (0..<64 * 64).map { _ in rng.uniform() } }
public func randomHeatmapBaseline(masks: [[Bool]], draws: Int, seed: UInt64,
                                  generate: (inout RNG) -> [Float]) -> PointingEnergy {
    precondition(draws > 0, "randomHeatmapBaseline: draws must be positive")
    var hits = 0, energy = 0.0, area = 0.0
    for (i, mask) in masks.enumerated() {
        var rng = RNG(seed: seed, stream: RNG.stream("random-heatmap", i))
        for _ in 0..<draws {
            let h = generate(&rng)
            if pointingHit(h, mask: mask) { hits += 1 }
            energy += energyInRegion(h, mask: mask)
        }
        area += areaFraction(mask)
    }
    let n = Double(masks.count * draws)
    return PointingEnergy(count: masks.count * draws, pointing: masks.isEmpty ? 0 : Double(hits) / n,
                          energy: masks.isEmpty ? 0 : energy / n, area: masks.isEmpty ? 0 : area / Double(masks.count))
}
