// LRSchedule — learning rate per epoch (or step): PyTorch's CosineAnnealingWarmRestarts, with
// an optional linear warm-up.
//
//   lr(t) = η_min + (η_max − η_min)·(1 + cos(π·T_cur/T_i))/2,   T_cur = t mod T₀ (T_mult = 1)
//
// The authors step it once per epoch with T₀ = 10 epochs and η_min = 3e-6 (no warm-up).

import Foundation

/// Cosine annealing with warm restarts (T_mult = 1) and optional linear warm-up.
public struct CosineWarmRestarts: Codable, Equatable, Sendable {
    public var baseLR: Double
    public var minLR: Double
    /// Period T₀ in schedule units (epochs or steps).
    public var period: Double
    /// Linear warm-up length in the same units (0 = none).
    public var warmup: Double

    public init(baseLR: Double, minLR: Double, period: Double, warmup: Double = 0) {
        self.baseLR = baseLR; self.minLR = minLR; self.period = period; self.warmup = warmup
    }

    /// Learning rate at time `t` (may be fractional).
    public func lr(at t: Double) -> Double {
        if warmup > 0 && t < warmup { return baseLR * (t + 1) / (warmup + 1) }
        let tc = (t - warmup).truncatingRemainder(dividingBy: period)
        return minLR + (baseLR - minLR) * (1 + cos(Double.pi * tc / period)) / 2
    }
}
