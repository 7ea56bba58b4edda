// XrayAugment — the authors' pre-training X-ray augmentations (MoRE-reference §3.3), on one
// preprocessed image `x: [H, W]` (Float in [0, 1], before Normalize), driven by the counter RNG:
//   RandomApply(RandomResizedCrop(size, scale (0.2, 1), ratio (3/4, 4/3)), p 0.8)
//   RandomApply(ColorJitter(brightness 0.4, contrast 0.4), p 0.8)
//   RandomApply(GaussianBlur(kernel 23, σ ~ U(0.1, 2.0)), p 0.5)
//   RandomHorizontalFlip(0.5)
// Each step follows torchvision's tensor semantics: RandomApply/flip fire when u < p; the crop
// box is torchvision's `get_params` (10 tries, then a centre crop), the crop is resized back
// with Pillow-style bilinear weights; brightness is `clamp(b·x)`, contrast
// `clamp(c·x + (1 − c)·mean(x))`, applied in a random order; the blur is a normalised Gaussian
// on 23 taps with reflect padding. The authors applied them to 8-bit PIL images, so their values
// are rounded to 1/255 after each step; ours stay Float (a documented departure).
//
// Reproducibility: pass `RNG(seed: seed, stream: RNG.stream("xray-augment", sampleIndex))` (mix
// the epoch into the seed or index) — the same (seed, stream) gives the same image bitwise.
//
// Deliberately not here: the ECG augmentations (ECGAugment.swift), saturation/hue (unused).

import Foundation
import TensorCore

/// Parameters of the X-ray augmentation pipeline, defaults from the authors' code.
public struct XrayAugmentConfig: Equatable, Sendable {
    public var cropProbability: Float = 0.8
    public var cropScale: ClosedRange<Double> = 0.2...1.0
    public var cropRatio: ClosedRange<Double> = (3.0 / 4.0)...(4.0 / 3.0)
    public var jitterProbability: Float = 0.8
    public var brightness: Double = 0.4
    public var contrast: Double = 0.4
    public var blurProbability: Float = 0.5
    public var blurKernel: Int = 23
    public var blurSigma: ClosedRange<Double> = 0.1...2.0
    public var flipProbability: Float = 0.5
    public init() {}
}

/// The whole pipeline on `x: [height, width]`; returns `[height, width]`.
///
///     var rng = RNG(seed: 7, stream: RNG.stream("xray-augment", index))
///     let y = augmentXray(x, height: 224, width: 224, rng: &rng)
public func augmentXray(_ x: [Float], height: Int, width: Int, config c: XrayAugmentConfig = XrayAugmentConfig(),
                        rng: inout RNG) -> [Float] {
    var y = x
    if rng.uniform() < c.cropProbability {
        y = randomResizedCrop(y, height: height, width: width, scale: c.cropScale, ratio: c.cropRatio, rng: &rng)
    }
    if rng.uniform() < c.jitterProbability {
        y = colorJitter(y, brightness: c.brightness, contrast: c.contrast, rng: &rng)
    }
    if rng.uniform() < c.blurProbability {
        let sigma = c.blurSigma.lowerBound + (c.blurSigma.upperBound - c.blurSigma.lowerBound) * rng.uniformDouble()
        y = gaussianBlur(y, height: height, width: width, kernel: c.blurKernel, sigma: sigma)
    }
    if rng.uniform() < c.flipProbability { y = horizontalFlip(y, height: height, width: width) }
    return y
}

/// torchvision `RandomResizedCrop.get_params`: the crop box `(top, left, h, w)` for an image of
/// `height × width`.
public func randomResizedCropBox(height: Int, width: Int, scale: ClosedRange<Double>, ratio: ClosedRange<Double>,
                                 rng: inout RNG) -> (top: Int, left: Int, h: Int, w: Int) {
    let area = Double(height * width)
    let logLo = log(ratio.lowerBound), logHi = log(ratio.upperBound)
    for _ in 0..<10 {
        let target = area * (scale.lowerBound + (scale.upperBound - scale.lowerBound) * rng.uniformDouble())
        let aspect = exp(logLo + (logHi - logLo) * rng.uniformDouble())
        let w = Int((target * aspect).squareRoot().rounded(.toNearestOrEven))
        let h = Int((target / aspect).squareRoot().rounded(.toNearestOrEven))
        if w > 0 && w <= width && h > 0 && h <= height {
            let top = rng.int(below: height - h + 1), left = rng.int(below: width - w + 1)
            return (top, left, h, w)
        }
    }
    // Fallback: centre crop with the ratio clamped to the allowed range.
    let inRatio = Double(width) / Double(height)
    var w = width, h = height
    if inRatio < ratio.lowerBound {
        h = Int((Double(w) / ratio.lowerBound).rounded(.toNearestOrEven))
    } else if inRatio > ratio.upperBound {
        w = Int((Double(h) * ratio.upperBound).rounded(.toNearestOrEven))
    }
    return ((height - h) / 2, (width - w) / 2, h, w)
}

/// Random crop (torchvision's box) resized back to `height × width` with bilinear weights.
public func randomResizedCrop(_ x: [Float], height: Int, width: Int, scale: ClosedRange<Double> = 0.2...1.0,
                              ratio: ClosedRange<Double> = (3.0 / 4.0)...(4.0 / 3.0), rng: inout RNG) -> [Float] {
    let b = randomResizedCropBox(height: height, width: width, scale: scale, ratio: ratio, rng: &rng)
    var crop = [Float](repeating: 0, count: b.h * b.w)
    for r in 0..<b.h {
        for c in 0..<b.w { crop[r * b.w + c] = x[(b.top + r) * width + b.left + c] }
    }
    return resizeFloat(crop, height: b.h, width: b.w, outHeight: height, outWidth: width, filter: .bilinear)
}

/// ColorJitter(brightness, contrast) on a one-channel image in [0, 1]: factors
/// b ~ U(1 − brightness, 1 + brightness), c ~ U(1 − contrast, 1 + contrast), applied in a random order
/// (torchvision draws a permutation of its four adjustments).
public func colorJitter(_ x: [Float], brightness: Double, contrast: Double, rng: inout RNG) -> [Float] {
    let order = rng.permutation(4)
    let b = max(0, 1 - brightness) + (1 + brightness - max(0, 1 - brightness)) * rng.uniformDouble()
    let c = max(0, 1 - contrast) + (1 + contrast - max(0, 1 - contrast)) * rng.uniformDouble()
    var y = x
    for step in order {
        switch step {
        case 0:
            for i in y.indices { y[i] = min(max(Float(b) * y[i], 0), 1) }
        case 1:
            let mean = Float(y.reduce(0.0) { $0 + Double($1) } / Double(max(y.count, 1)))
            for i in y.indices { y[i] = min(max(Float(c) * y[i] + Float(1 - c) * mean, 0), 1) }
        default:
            break // saturation and hue are not used
        }
    }
    return y
}

/// Gaussian blur with `kernel` taps (odd), `g[i] ∝ exp(−½((i − k/2)/σ)²)`, separable, reflect padding.
public func gaussianBlur(_ x: [Float], height: Int, width: Int, kernel: Int, sigma: Double) -> [Float] {
    precondition(kernel >= 1 && kernel % 2 == 1 && sigma > 0, "gaussianBlur: kernel \(kernel), sigma \(sigma)")
    let half = kernel / 2
    var g = (0..<kernel).map { i -> Double in let t = Double(i - half) / sigma; return exp(-0.5 * t * t) }
    let s = g.reduce(0, +)
    for i in g.indices { g[i] /= s }
    var tmp = [Float](repeating: 0, count: x.count)
    for r in 0..<height {
        for c in 0..<width {
            var acc = 0.0
            for k in 0..<kernel { acc = acc.addingProduct(g[k], Double(x[r * width + reflectIndex(c + k - half, width)])) }
            tmp[r * width + c] = Float(acc)
        }
    }
    var out = [Float](repeating: 0, count: x.count)
    for r in 0..<height {
        for c in 0..<width {
            var acc = 0.0
            for k in 0..<kernel { acc = acc.addingProduct(g[k], Double(tmp[reflectIndex(r + k - half, height) * width + c])) }
            out[r * width + c] = Float(acc)
        }
    }
    return out
}

/// Mirror left–right: `y[r, c] = x[r, W − 1 − c]`.
public func horizontalFlip(_ x: [Float], height: Int, width: Int) -> [Float] {
    var y = x
    for r in 0..<height {
        for c in 0..<width { y[r * width + c] = x[r * width + width - 1 - c] }
    }
    return y
}
