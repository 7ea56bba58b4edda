// PolyphaseResample — `scipy.signal.resample_poly` with its default Kaiser (β = 5) FIR filter and
// zero padding, for any up/down factors.
//
// scipy's recipe, which this file reproduces (taps in Double):
//   g = gcd(up, down); up /= g; down /= g; r = max(up, down)
//   h = firwin(2·10·r + 1, 1/r, window=('kaiser', 5)) · up      (cutoff relative to Nyquist)
//   y = upfirdn(h, x, up, down) trimmed so that output k is centred on input k·down/up
// which written out is, with M = 10·r (the filter's half length) and xu the zero-stuffed input
// (xu[i] = x[i/up] when i % up == 0, else 0; x = 0 outside 0..<n):
//   y[k] = Σ_{j=0}^{2M} h[j] · xu[k·down + M − j],  k = 0 ..< ceil(n·up/down).
// For up = 1, down = 5 this is the reference README's `y[k] = Σ h[j] x[5k + 50 − j]`.
//
// Deliberately not here: other pad types (`padtype='mean'`, 'line', …) and custom windows.

import Foundation

/// Modified Bessel function of the first kind, order 0, by its power series (Double; converges
/// to full precision for the |x| ≤ 20 used by Kaiser windows).
@inlinable
public func besselI0(_ x: Double) -> Double {
    let q = x * x / 4
    var term = 1.0, sum = 1.0
    var k = 1.0
    while term > sum * 1e-17 {
        term *= q / (k * k)
        sum += term
        k += 1
    }
    return sum
}

/// `scipy.signal.firwin(numtaps, cutoff, window=('kaiser', beta))` (low-pass, `scale=True`):
/// `h[n] = cutoff·sinc(cutoff·(n − α)) · I0(β·sqrt(1 − ((n − α)/α)²)) / I0(β)`, α = (numtaps−1)/2,
/// then `h /= Σh`. `cutoff` is relative to Nyquist (0 < cutoff < 1).
public func firwinKaiser(numtaps: Int, cutoff: Double, beta: Double) -> [Double] {
    precondition(numtaps >= 1 && cutoff > 0 && cutoff <= 1, "firwinKaiser: numtaps \(numtaps), cutoff \(cutoff)")
    let alpha = 0.5 * Double(numtaps - 1)
    let i0b = besselI0(beta)
    var h = [Double](repeating: 0, count: numtaps)
    for n in 0..<numtaps {
        let m = Double(n) - alpha
        let arg = cutoff * m
        let sinc = arg == 0 ? 1.0 : sin(Double.pi * arg) / (Double.pi * arg)
        let r = alpha == 0 ? 0 : m / alpha
        let w = besselI0(beta * max(0, 1 - r * r).squareRoot()) / i0b
        h[n] = cutoff * sinc * w
    }
    let s = h.reduce(0, +)
    for n in 0..<numtaps { h[n] /= s }
    return h
}

/// The filter `resample_poly(x, up, down)` builds (after reducing up/down by their gcd), already
/// multiplied by `up`: `firwin(20·max(up,down) + 1, 1/max(up,down), ('kaiser', 5)) · up`.
public func resamplePolyTaps(up: Int, down: Int) -> [Double] {
    let g = gcdInt(up, down)
    let u = up / g, d = down / g
    let r = max(u, d)
    return firwinKaiser(numtaps: 2 * 10 * r + 1, cutoff: 1 / Double(r), beta: 5).map { $0 * Double(u) }
}

/// Polyphase resampling of each row of `x: [rows, n]` by `up/down`, like
/// `scipy.signal.resample_poly(x, up, down, axis=-1)` (zero padding). Returns `[rows, ceil(n·up/down)]`.
/// Accumulates in Double.
///
///     let y = resamplePoly(x, rows: 12, up: 1, down: 5)   // 12×5000 at 500 Hz → 12×1000 at 100 Hz
public func resamplePoly(_ x: [Float], rows: Int, up: Int, down: Int) -> [Float] {
    precondition(up >= 1 && down >= 1 && rows >= 1 && x.count % rows == 0,
                 "resamplePoly: up \(up), down \(down), \(x.count) values in \(rows) rows")
    let g = gcdInt(up, down)
    let u = up / g, d = down / g
    let n = x.count / rows
    if u == 1 && d == 1 { return x }
    let h = resamplePolyTaps(up: u, down: d)
    let half = 10 * max(u, d)
    let nOut = (n * u + d - 1) / d
    var y = [Float](repeating: 0, count: rows * nOut)
    x.withUnsafeBufferPointer { xp in
        h.withUnsafeBufferPointer { hp in
            y.withUnsafeMutableBufferPointer { yp in
                for r in 0..<rows {
                    let xr = xp.baseAddress! + r * n
                    for k in 0..<nOut {
                        // xu index i = k·d + half − j must be a multiple of u inside 0 ..< n·u.
                        let centre = k * d + half
                        var acc = 0.0
                        // j ≡ centre (mod u), 0 ≤ j ≤ 2·half, 0 ≤ centre − j < n·u
                        var j = centre % u
                        let jLow = max(0, centre - (n * u - 1))
                        if j < jLow { j += ((jLow - j + u - 1) / u) * u }
                        let jHigh = min(2 * half, centre)
                        while j <= jHigh {
                            acc = acc.addingProduct(hp[j], Double(xr[(centre - j) / u]))
                            j += u
                        }
                        yp[r * nOut + k] = Float(acc)
                    }
                }
            }
        }
    }
    return y
}

/// Greatest common divisor of two positive integers.
@inlinable
func gcdInt(_ a: Int, _ b: Int) -> Int {
    var (a, b) = (a, b)
    while b != 0 { (a, b) = (b, a % b) }
    return a
}
