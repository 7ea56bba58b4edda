// ECGBeatWindows — where an infarct shows in a 12-lead ECG: the QRS–T (or ST) window of
// every beat, in the territory's leads. The ground truth for scoring ECG explanations.
//
// Beats are found from the signal itself (the cohort stores no fiducials):
//   e(t) = Σ_leads |x(t+1) − x(t−1)|, smoothed by a 50 ms moving average;
//   R(b) = local maxima of e above ½ · (98th percentile of e), taken largest first with a
//          250 ms refractory period.
// Windows relative to each R: QRS–T [R − 50 ms, R + 400 ms), ST–T [R + 40 ms, R + 240 ms)
// (the synthetic generator puts ST elevation at R + 100 ms ± 60 ms, MoRE-reference-free:
// Datasets/Synthetic/ECGSynth.swift). Leads of a territory: anterior V1–V4, inferior II, III,
// aVF, lateral I, aVL, V5, V6. Deliberately not here: a clinical QRS detector (Pan–Tompkins).

/// Which part of each beat is the region.
public enum ECGBeatRegion: String, Codable, Sendable, CaseIterable {
    /// QRS onset to T end: [R − 50 ms, R + 400 ms).
    case qrsT
    /// ST segment and early T: [R + 40 ms, R + 240 ms).
    case stSegment

    /// Start and end offsets from the R peak in seconds.
    public var offsets: (start: Double, end: Double) {
        switch self {
        case .qrsT: return (-0.05, 0.40)
        case .stSegment: return (0.04, 0.24)
        }
    }
}

/// Beat detection and infarct regions of 12-lead ECGs.
public enum ECGBeatWindows {
    /// Lead indices (PTB-XL order I, II, III, aVR, aVL, aVF, V1–V6) of an infarct territory
    /// by name ("anterior", "inferior", "lateral"); nil for an unknown name.
    public static func territoryLeads(_ territory: String) -> [Int]? {
        switch territory.lowercased() {
        case "anterior": return [6, 7, 8, 9]
        case "inferior": return [1, 2, 5]
        case "lateral": return [0, 4, 10, 11]
        default: return nil
        }
    }

    /// R-peak sample indices (ascending) of `signal: [leads, length]` row-major at `rate` Hz.
    public static func rPeaks(_ signal: [Float], leads: Int, rate: Double) -> [Int] {
        // signal: [leads, L]
        precondition(leads > 0 && signal.count % leads == 0 && rate > 0, "rPeaks: \(signal.count) values for \(leads) leads")
        let length = signal.count / leads
        guard length >= 3 else { return [] }
        var e = [Float](repeating: 0, count: length)
        for l in 0..<leads {
            let x = l * length
            for t in 1..<(length - 1) { e[t] += abs(signal[x + t + 1] - signal[x + t - 1]) }
        }
        let w = max(1, Int((0.05 * rate).rounded()))
        var s = [Float](repeating: 0, count: length)
        for t in 0..<length {
            let lo = max(0, t - w / 2), hi = min(length, lo + w)
            var acc: Float = 0
            for k in lo..<hi { acc += e[k] }
            s[t] = acc / Float(hi - lo)
        }
        let sorted = s.sorted()
        let threshold = 0.5 * sorted[min(length - 1, Int(0.98 * Double(length)))]
        guard threshold > 0 else { return [] }
        var candidates: [Int] = []
        for t in 0..<length where s[t] >= threshold {
            let left = t == 0 ? -Float.infinity : s[t - 1], right = t == length - 1 ? -Float.infinity : s[t + 1]
            if s[t] > left && s[t] >= right { candidates.append(t) }
        }
        candidates.sort { s[$0] != s[$1] ? s[$0] > s[$1] : $0 < $1 }
        let refractory = Int((0.25 * rate).rounded())
        var peaks: [Int] = []
        for c in candidates where !peaks.contains(where: { abs($0 - c) < refractory }) { peaks.append(c) }
        return peaks.sorted()
    }

    /// The region windows (sample ranges clipped to [0, length)) around `peaks`.
    public static func windows(peaks: [Int], region: ECGBeatRegion, rate: Double, length: Int) -> [Range<Int>] {
        let (a, b) = region.offsets
        return peaks.compactMap { r in
            let lo = max(0, r + Int((a * rate).rounded())), hi = min(length, r + Int((b * rate).rounded()))
            return lo < hi ? lo..<hi : nil
        }
    }
}
