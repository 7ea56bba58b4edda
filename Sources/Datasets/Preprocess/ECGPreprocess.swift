// ECGPreprocess — the authors' ECG chain (MoRE-reference §3.3), stage by stage:
//   1. NaN → 0
//   2. polyphase resampling fs → 100 Hz (`resample_poly`, Kaiser β = 5; PolyphaseResample.swift)
//   3. baseline = medfilt(medfilt(x, 21), 61) per lead, zero-padded edges (MedianFilter.swift);
//      window widths round(0.2·fs)+1 and round(0.6·fs)+1 at the target rate; x ← x − baseline
//   4. per-lead min-max to [−1, 1]: x ← 2(x − min)/(max − min + 1e-10) − 1
// plus an explicit lead-order option (the authors do not reorder; MIMIC-IV-ECG stores aVF before
// aVL, PTB-XL and LUDB store the standard I, II, III, aVR, aVL, aVF, V1–V6).
//
// Deliberately not here: reading files (WFDBRecord.swift), augmentation (ECGAugment.swift),
// padding/cropping to 10 s (the caller must pass exactly `targetLength` samples after resampling;
// a record of another length is a typed error in the converters).

import Foundation

/// How to order the 12 leads before preprocessing.
public enum ECGLeadOrder: Equatable, Sendable {
    /// Keep the stored order (what the authors' code does).
    case asStored
    /// Swap leads 4 and 5: turns MIMIC-IV-ECG's I, II, III, aVR, **aVF, aVL**, V1–V6 into the
    /// standard I, II, III, aVR, aVL, aVF, V1–V6 used by PTB-XL.
    case mimicToStandard
    /// An explicit permutation: output lead i is input lead `perm[i]`.
    case permutation([Int])

    /// The standard 12-lead order.
    public static let standardNames = ["I", "II", "III", "AVR", "AVL", "AVF", "V1", "V2", "V3", "V4", "V5", "V6"]

    /// The permutation that brings leads named `names` (case-insensitive, e.g. a WFDB header's
    /// descriptions) into the standard order; nil if a standard lead is missing.
    public static func standard(fromNames names: [String]) -> ECGLeadOrder? {
        let upper = names.map { $0.uppercased().trimmingCharacters(in: .whitespaces) }
        var perm: [Int] = []
        for s in standardNames {
            guard let i = upper.firstIndex(of: s) else { return nil }
            perm.append(i)
        }
        return .permutation(perm)
    }

    /// Input lead index for each output lead, for `leads` leads.
    public func indices(leads: Int) -> [Int] {
        switch self {
        case .asStored: return Array(0..<leads)
        case .mimicToStandard:
            var p = Array(0..<leads)
            if leads > 5 { p.swapAt(4, 5) }
            return p
        case .permutation(let p):
            precondition(p.count == leads && Set(p) == Set(0..<leads), "ECGLeadOrder: \(p) is not a permutation of 0..<\(leads)")
            return p
        }
    }
}

/// Per-lead min-max scaling of `x: [leads, n]` to [−1, 1]:
/// `2(x − min)/(max − min + 1e-10) − 1` (computed in Double per element, like the float64 golden).
public func minMaxLeads(_ x: [Float], leads: Int) -> [Float] {
    precondition(leads >= 1 && x.count % leads == 0, "minMaxLeads: \(x.count) values in \(leads) leads")
    let n = x.count / leads
    var out = [Float](repeating: 0, count: x.count)
    for l in 0..<leads {
        var lo = Float.infinity, hi = -Float.infinity
        for t in 0..<n { lo = min(lo, x[l * n + t]); hi = max(hi, x[l * n + t]) }
        let scale = 2 / (Double(hi) - Double(lo) + 1e-10)
        for t in 0..<n { out[l * n + t] = Float((Double(x[l * n + t]) - Double(lo)) * scale - 1) }
    }
    return out
}

/// Baseline wander estimate of `x: [leads, n]` at `rate` Hz: two median filters of
/// round(0.2·rate)+1 and round(0.6·rate)+1 samples (21 and 61 at 100 Hz), per lead.
public func ecgBaseline(_ x: [Float], leads: Int, rate: Double = 100) -> [Float] {
    let w1 = Int((0.2 * rate).rounded()) + 1, w2 = Int((0.6 * rate).rounded()) + 1
    return medianFilterRows(medianFilterRows(x, rows: leads, width: w1 | 1), rows: leads, width: w2 | 1)
}

/// The stages of `preprocessECG`, for inspection and stage-by-stage tests.
public struct ECGStages: Sendable {
    /// After lead ordering and NaN → 0, at the input rate: `[leads, L]`.
    public var raw: [Float]
    /// After resampling: `[leads, targetLength]`.
    public var resampled: [Float]
    /// The baseline estimate (medfilt 21 then 61): `[leads, targetLength]`.
    public var baseline: [Float]
    /// `resampled − baseline`.
    public var debaselined: [Float]
    /// Final output in [−1, 1].
    public var minmax: [Float]
}

/// The authors' ECG preprocessing with every intermediate stage.
/// - Parameters:
///   - signal: `[leads, L]` row-major physical values (mV) at `samplingRate` Hz.
///   - targetRate: output rate (100 Hz in the paper); `samplingRate/targetRate` must be a ratio of
///     integers (500/100 → up 1, down 5).
///   - targetLength: required output length (1000 = 10 s); a mismatch is a `DataError`.
///   - source: names the record in errors.
public func preprocessECGStages(_ signal: [Float], leads: Int, samplingRate: Double, targetRate: Double = 100,
                                targetLength: Int = 1000, leadOrder: ECGLeadOrder = .asStored,
                                source: String = "<memory>") throws -> ECGStages {
    guard leads >= 1, signal.count % leads == 0, signal.count > 0 else {
        throw DataError.wrongShape(file: source, field: "signal", expected: "[\(leads), L]", got: [signal.count])
    }
    let n = signal.count / leads
    // Rational up/down from the two rates (rates in the wild are integers: 100, 250, 257, 360, 500, 1000 Hz).
    guard let (up, down) = rationalRatio(targetRate, samplingRate) else {
        throw DataError.malformed(file: source, field: "sampling frequency",
                                  reason: "cannot resample \(samplingRate) Hz to \(targetRate) Hz by a rational factor")
    }
    let order = leadOrder.indices(leads: leads)
    var raw = [Float](repeating: 0, count: signal.count)
    for (o, i) in order.enumerated() {
        for t in 0..<n {
            let v = signal[i * n + t]
            raw[o * n + t] = v.isNaN ? 0 : v
        }
    }
    let resampled = resamplePoly(raw, rows: leads, up: up, down: down)
    guard resampled.count == leads * targetLength else {
        throw DataError.wrongShape(file: source, field: "signal (after resampling to \(targetRate) Hz)",
                                   expected: "[\(leads), \(targetLength)]", got: [leads, resampled.count / leads])
    }
    let baseline = ecgBaseline(resampled, leads: leads, rate: targetRate)
    var debaselined = resampled
    for i in 0..<debaselined.count { debaselined[i] -= baseline[i] }
    return ECGStages(raw: raw, resampled: resampled, baseline: baseline, debaselined: debaselined,
                     minmax: minMaxLeads(debaselined, leads: leads))
}

/// The authors' ECG preprocessing: `signal: [leads, L]` (mV at `samplingRate`) → `[leads, targetLength]`
/// in [−1, 1]. See `preprocessECGStages` for the stages.
///
///     let r = try WFDBRecord(record: url)
///     let x = try preprocessECG(r.physical(), leads: 12, samplingRate: r.header.frequency)  // 12×1000
public func preprocessECG(_ signal: [Float], leads: Int, samplingRate: Double, targetRate: Double = 100,
                          targetLength: Int = 1000, leadOrder: ECGLeadOrder = .asStored,
                          source: String = "<memory>") throws -> [Float] {
    try preprocessECGStages(signal, leads: leads, samplingRate: samplingRate, targetRate: targetRate,
                            targetLength: targetLength, leadOrder: leadOrder, source: source).minmax
}

/// `up/down = target/source` in lowest terms when both rates are (near-)integers or their ratio is
/// a simple fraction (denominator ≤ 1000); nil otherwise.
func rationalRatio(_ target: Double, _ source: Double) -> (Int, Int)? {
    guard target > 0, source > 0, target.isFinite, source.isFinite else { return nil }
    for scale in [1.0, 10, 100, 1000] {
        let t = target * scale, s = source * scale
        if abs(t - t.rounded()) < 1e-9, abs(s - s.rounded()) < 1e-9, t < 1e9, s < 1e9 {
            let ti = Int(t.rounded()), si = Int(s.rounded())
            let g = gcdInt(ti, si)
            return (ti / g, si / g)
        }
    }
    return nil
}
