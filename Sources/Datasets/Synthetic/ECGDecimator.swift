// ECGDecimator — 500 Hz → 100 Hz by an anti-alias FIR low-pass and decimation by 5.
//
// The filter is a 61-tap linear-phase windowed sinc (Hamming window), cut-off 40 Hz at 500 Hz:
//   h[k] = w[k] · 2fc/fs · sinc(2fc/fs · (k − 30)),  w[k] = 0.54 − 0.46 cos(2πk/60),  Σh = 1,
// so 50 Hz powerline and everything above the new Nyquist frequency (50 Hz) is attenuated
// before every fifth sample is kept:  y[m] = Σ_k h[k] · x[5m − (k − 30)], with the signal
// mirrored at both ends (x[−i] = x[i], x[n−1+i] = x[n−1−i]) so there is no start-up transient.
// The filter has zero phase (symmetric taps, centred), so waves keep their timing.
//
// Deliberately not here: the authors' polyphase resampler for arbitrary rates (real-data
// preprocessing), baseline-wander removal.

import Foundation

/// Decimates ECGs from 500 Hz to 100 Hz.
public enum ECGDecimator {
    /// Decimation factor (500 Hz / 100 Hz).
    public static let factor = 5
    /// Cut-off frequency (Hz) of the anti-alias filter at the 500 Hz input rate.
    public static let cutoff: Float = 40
    /// The 61 filter taps (sum 1).
    public static let taps: [Float] = {
        let n = 61, m = Double(n - 1) / 2, fc = Double(cutoff) / 500
        var h = (0..<n).map { k -> Double in
            let x = Double(k) - m
            let sinc = x == 0 ? 2 * fc : sin(2 * Double.pi * fc * x) / (Double.pi * x)
            return sinc * (0.54 - 0.46 * cos(2 * Double.pi * Double(k) / Double(n - 1)))
        }
        let s = h.reduce(0, +)
        h = h.map { $0 / s }
        return h.map { Float($0) }
    }()

    /// Low-pass filters and decimates one channel.
    ///
    /// - Parameters:
    ///   - x: [n] input at 500 Hz.
    ///   - y: [n / 5] output at 100 Hz.
    public static func decimate(_ x: UnsafePointer<Float>, count n: Int, into y: UnsafeMutablePointer<Float>) {
        let half = taps.count / 2
        taps.withUnsafeBufferPointer { h in
            for m in 0..<(n / factor) {
                let c = m * factor
                var acc: Float = 0
                if c - half >= 0 && c + half < n {
                    for k in 0..<h.count { acc = acc.addingProduct(h[k], x[c + half - k]) }
                } else {
                    for k in 0..<h.count {
                        var i = c + half - k
                        if i < 0 { i = -i }
                        if i >= n { i = 2 * (n - 1) - i }
                        acc = acc.addingProduct(h[k], x[i])
                    }
                }
                y[m] = acc
            }
        }
    }

    /// Decimates a 12-lead ECG [12, n] to [12, n/5]: the eight recorded channels (I, II, V1–V6)
    /// are filtered and the four derived limb leads recomputed, so III = II − I etc. stay exact.
    public static func decimate12(_ x: UnsafePointer<Float>, length n: Int, into y: UnsafeMutablePointer<Float>) {
        let m = n / factor
        for row in [0, 1, 6, 7, 8, 9, 10, 11] { decimate(x + row * n, count: n, into: y + row * m) }
        ECGSynth.deriveLimbLeads(y, length: m)
    }
}
