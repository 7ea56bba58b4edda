// CLAHE — contrast-limited adaptive histogram equalisation exactly as
// `skimage.exposure.equalize_adapthist(x / x.max())` (scikit-image 0.19–0.26) for 2-D images.
//
// The steps, with skimage's own integer/float conventions (every rounding reproduced):
//   1. u = rint(x/max · 65535) (img_as_uint), then rescaled to 14 bits:
//      v = round((u − min u)/(max u − min u) · 16383)           (round half to even)
//   2. kernel k = (max(H/8, 1), max(W/8, 1)); the image is padded by `reflect` with k/2 rows/cols
//      before and (k − s mod k) mod k + ceil(k/2) after, so tiles of k cover it with a half-tile
//      margin; grey levels are binned: bin = v / (1 + 16384/nbins)
//   3. one histogram per tile of the original grid (ceil(s/k) tiles per axis), clipped at
//      clim = Int(max(clipLimit·k0·k1, 1)) with skimage's redistribution loop, then mapped:
//      map = min(Int(cumsum · (16383 / (k0·k1))), 16383)
//   4. each pixel is the bilinear blend of the maps of the four nearest tile centres
//      (weights r/k, c/k inside a block of the padded grid; edge tiles repeated), products in
//      Double, accumulated in Float32 in the order (0,0), (0,1), (1,0), (1,1), truncated to UInt16
//   5. output = (y − min y)/(max y − min y) in Double (rescale_intensity).
// The authors then store `uint8(out · 255)` (truncation); see XrayPreprocess.swift.
//
// Deliberately not here: colour images (skimage works on HSV value), 3-D volumes, custom kernel
// sizes other than one per axis.

import Foundation

/// CLAHE of an 8-bit grayscale image like `skimage.exposure.equalize_adapthist(x / x.max(),
/// kernel_size, clip_limit, nbins)`; returns `[H, W]` Double in [0, 1]. An all-zero image returns zeros.
///
///     let eq = equalizeAdapthist(img)              // skimage defaults: 1/8 kernel, 0.01, 256 bins
public func equalizeAdapthist(_ image: GrayImage, kernelSize: (Int, Int)? = nil, clipLimit: Double = 0.01,
                              nbins: Int = 256) -> [Double] {
    let h = image.height, w = image.width, n = h * w
    guard n > 0, let mx = image.pixels.max(), mx > 0 else { return [Double](repeating: 0, count: n) }
    // 1. float → uint16 (rint) → 14-bit (round half even).
    let inv = Double(mx)
    var u16 = [Double](repeating: 0, count: n)
    for i in 0..<n { u16[i] = (Double(image.pixels[i]) / inv * 65535).rounded(.toNearestOrEven) }
    let umin = u16.min()!, umax = u16.max()!
    var v = [Int](repeating: 0, count: n)
    for i in 0..<n {
        let y = umin != umax ? (u16[i] - umin) / (umax - umin) * 16383 : min(max(u16[i], 0), 16383)
        v[i] = Int(y.rounded(.toNearestOrEven))
    }
    // 2. kernel, padding, binning.
    let k0 = kernelSize?.0 ?? max(h / 8, 1), k1 = kernelSize?.1 ?? max(w / 8, 1)
    let p0 = k0 / 2, p1 = k1 / 2
    let e0 = (k0 - h % k0) % k0 + (k0 + 1) / 2, e1 = (k1 - w % k1) % k1 + (k1 + 1) / 2
    let ph = h + p0 + e0, pw = w + p1 + e1
    let binSize = 1 + 16384 / nbins
    var padded = [Int](repeating: 0, count: ph * pw)
    for y in 0..<ph {
        let sy = reflectIndex(y - p0, h)
        for x in 0..<pw { padded[y * pw + x] = v[sy * w + reflectIndex(x - p1, w)] / binSize }
    }
    // 3. tile histograms → clipped → maps.
    let nh0 = ph / k0 - 1, nh1 = pw / k1 - 1
    let kernelElements = k0 * k1
    let clim = clipLimit > 0 ? Int(max(clipLimit * Double(kernelElements), 1)) : kernelElements
    let bins = max(nbins, 16383 / binSize + 1)
    let ratio = 16383.0 / Double(kernelElements)
    var maps = [Int](repeating: 0, count: nh0 * nh1 * bins)
    var hist = [Int](repeating: 0, count: bins)
    for t0 in 0..<nh0 {
        for t1 in 0..<nh1 {
            for b in 0..<bins { hist[b] = 0 }
            for y in 0..<k0 {
                let row = (p0 + t0 * k0 + y) * pw + p1 + t1 * k1
                for x in 0..<k1 { hist[padded[row + x]] += 1 }
            }
            clipHistogram(&hist, clipLimit: clim)
            var cum = 0
            let base = (t0 * nh1 + t1) * bins
            for b in 0..<bins {
                cum += hist[b]
                maps[base + b] = Int(min(Double(cum) * ratio, 16383))
            }
        }
    }
    // 4. bilinear blend of the four surrounding maps (map_array = maps padded by edge repetition).
    var out = [Double](repeating: 0, count: n)
    for y in 0..<h {
        let py = y + p0, b0 = py / k0, r = py % k0
        let rf = Double(r) / Double(k0)
        let m0 = [min(max(b0 - 1, 0), nh0 - 1), min(max(b0, 0), nh0 - 1)]
        for x in 0..<w {
            let px = x + p1, b1 = px / k1, c = px % k1
            let cf = Double(c) / Double(k1)
            let m1 = [min(max(b1 - 1, 0), nh1 - 1), min(max(b1, 0), nh1 - 1)]
            let g = padded[py * pw + px]
            var acc: Float = 0
            for e0i in 0..<2 {
                for e1i in 0..<2 {
                    let mapped = Double(maps[(m0[e0i] * nh1 + m1[e1i]) * bins + g])
                    let coeff = (e1i == 1 ? cf : 1 - cf) * (e0i == 1 ? rf : 1 - rf)
                    acc += Float(mapped * coeff)
                }
            }
            out[y * w + x] = Double(UInt16(acc))
        }
    }
    // 5. rescale_intensity to [0, 1].
    let omin = out.min()!, omax = out.max()!
    for i in 0..<n { out[i] = omin != omax ? (out[i] - omin) / (omax - omin) : min(max(out[i], 0), 1) }
    return out
}

/// numpy `mode='reflect'` index (mirror without repeating the edge), periodic for any offset.
@inline(__always)
func reflectIndex(_ i: Int, _ n: Int) -> Int {
    if n == 1 { return 0 }
    let period = 2 * (n - 1)
    var j = i % period
    if j < 0 { j += period }
    return j < n ? j : period - j
}

/// skimage's `clip_histogram`: clip at `clipLimit`, spread the excess evenly, then hand out the
/// remainder one count at a time over strided bins below the limit.
func clipHistogram(_ hist: inout [Int], clipLimit: Int) {
    var nExcess = 0
    for b in hist.indices where hist[b] > clipLimit { nExcess += hist[b] - clipLimit; hist[b] = clipLimit }
    let binIncr = nExcess / hist.count
    let upper = clipLimit - binIncr
    for b in hist.indices where hist[b] < upper { hist[b] += binIncr; nExcess -= binIncr }
    for b in hist.indices where hist[b] >= upper && hist[b] < clipLimit { nExcess += hist[b] - clipLimit; hist[b] = clipLimit }
    while nExcess > 0 {
        let prev = nExcess
        for index in hist.indices {
            let under = hist.reduce(0) { $0 + ($1 < clipLimit ? 1 : 0) }
            let step = max(1, under / nExcess)
            var added = 0
            for b in stride(from: index, to: hist.count, by: step) where hist[b] < clipLimit {
                hist[b] += 1
                added += 1
            }
            nExcess -= added
            if nExcess <= 0 { break }
        }
        if prev == nExcess { break }
    }
}
