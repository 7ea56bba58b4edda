// PillowResize — image resizing with Pillow's separable convolution (`Image.resize`), for 8-bit
// grayscale images (bit-exact with Pillow's fixed-point path) and for Float buffers.
//
// For each output coordinate xx of an axis of length `inSize` → `outSize` (scale = in/out):
//   center = (xx + 0.5)·scale,  fs = max(scale, 1),  support = filter.support·fs
//   xmin = max(0, Int(center − support + 0.5)),  xmax = min(inSize, Int(center + support + 0.5))
//   w[x] = filter((x + xmin − center + 0.5) / fs) for x in 0 ..< xmax − xmin, normalised to Σ = 1
// so downscaling widens the kernel (antialiasing). Bicubic uses Keys' kernel with a = −0.5
// (support 2), bilinear the triangle (support 1). Pillow runs the horizontal pass first, then the
// vertical one, each skipped when that axis keeps its size. The 8-bit path quantises the weights
// to 22-bit fixed point (round half away from zero), accumulates in Int32 starting at 2^21, and
// clips `acc >> 22` to 0…255 after each pass — this file does exactly that.
//
// Deliberately not here: box/hamming/lanczos filters, the `box=` and `reducing_gap=` arguments.

import Foundation

/// Resampling filters of Pillow used here.
public enum ResampleFilter: Sendable {
    /// Keys cubic convolution, a = −0.5 (Pillow's BICUBIC).
    case bicubic
    /// Triangle (Pillow's BILINEAR; torchvision's default for RandomResizedCrop on PIL images).
    case bilinear

    var support: Double { self == .bicubic ? 2 : 1 }

    func callAsFunction(_ x: Double) -> Double {
        let x = abs(x)
        switch self {
        case .bicubic:
            let a = -0.5
            if x < 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
            if x < 2 { return (((x - 5) * x + 8) * x - 4) * a }
            return 0
        case .bilinear:
            return x < 1 ? 1 - x : 0
        }
    }
}

/// Per-output-pixel weights of one axis (Pillow's `precompute_coeffs` for the whole axis).
struct AxisWeights {
    var start: [Int]      // first input index per output
    var count: [Int]      // number of taps per output
    var ksize: Int        // stride of `weights`
    var weights: [Double] // [outSize, ksize]

    init(inSize: Int, outSize: Int, filter: ResampleFilter) {
        let scale = Double(inSize) / Double(outSize)
        let fs = max(scale, 1)
        let support = filter.support * fs
        ksize = Int(support.rounded(.up)) * 2 + 1
        start = [Int](repeating: 0, count: outSize)
        count = [Int](repeating: 0, count: outSize)
        weights = [Double](repeating: 0, count: outSize * ksize)
        for xx in 0..<outSize {
            let center = (Double(xx) + 0.5) * scale
            let xmin = max(0, Int(center - support + 0.5))
            let xmax = min(inSize, Int(center + support + 0.5)) - xmin
            var ww = 0.0
            for x in 0..<max(0, xmax) {
                let w = filter((Double(x + xmin) - center + 0.5) / fs)
                weights[xx * ksize + x] = w
                ww += w
            }
            if ww != 0 { for x in 0..<max(0, xmax) { weights[xx * ksize + x] /= ww } }
            start[xx] = xmin
            count[xx] = max(0, xmax)
        }
    }

    /// Pillow's `normalize_coeffs_8bpc`: weights in 22-bit fixed point, rounded half away from 0.
    var fixedPoint: [Int32] {
        weights.map { w in Int32(w < 0 ? (-0.5 + w * Double(1 << 22)) : (0.5 + w * Double(1 << 22))) }
    }
}

/// Resizes an 8-bit grayscale image like Pillow's `Image.resize((width, height), filter)`.
///
///     let small = pillowResize(img, width: 224, height: 224)   // bicubic, bit-exact with Pillow
public func pillowResize(_ image: GrayImage, width: Int, height: Int, filter: ResampleFilter = .bicubic) -> GrayImage {
    precondition(width >= 1 && height >= 1, "pillowResize: target size \(width)×\(height)")
    if width == image.width && height == image.height { return image }
    var src = image.pixels, srcW = image.width, srcH = image.height
    let vert = AxisWeights(inSize: image.height, outSize: height, filter: filter)
    // Horizontal pass only over the rows the vertical pass will read (Pillow does the same; the
    // result is identical, it just saves work).
    let firstRow = vert.start[0], lastRow = vert.start[height - 1] + vert.count[height - 1]
    if width != image.width {
        let hw = AxisWeights(inSize: image.width, outSize: width, filter: filter)
        let k = hw.fixedPoint
        let rows = height != image.height ? firstRow..<lastRow : 0..<image.height
        var tmp = [UInt8](repeating: 0, count: rows.count * width)
        for (oy, y) in rows.enumerated() {
            for xx in 0..<width {
                var acc: Int32 = 1 << 21
                let s = hw.start[xx]
                for x in 0..<hw.count[xx] { acc &+= Int32(src[y * srcW + s + x]) &* k[xx * hw.ksize + x] }
                tmp[oy * width + xx] = clip8(acc)
            }
        }
        src = tmp; srcW = width; srcH = rows.count
    }
    if height != image.height {
        let k = vert.fixedPoint
        let offset = width != image.width ? firstRow : 0
        var out = [UInt8](repeating: 0, count: width * height)
        for yy in 0..<height {
            let s = vert.start[yy] - offset
            for xx in 0..<width {
                var acc: Int32 = 1 << 21
                for y in 0..<vert.count[yy] { acc &+= Int32(src[(s + y) * srcW + xx]) &* k[yy * vert.ksize + y] }
                out[yy * width + xx] = clip8(acc)
            }
        }
        src = out; srcH = height
    }
    precondition(srcH == height && srcW == width)
    return GrayImage(width: width, height: height, pixels: src)
}

/// `acc >> 22` clipped to 0…255 (Pillow's `clip8`, arithmetic shift).
@inline(__always)
private func clip8(_ acc: Int32) -> UInt8 {
    let v = acc >> 22
    return v < 0 ? 0 : (v > 255 ? 255 : UInt8(v))
}

/// Resizes a Float image `x: [height, width]` to `[outHeight, outWidth]` with Pillow's convolution
/// weights in floating point (no 8-bit rounding): the Float analogue of `img.resize(size, filter)`,
/// used by RandomResizedCrop (bilinear, after cropping).
public func resizeFloat(_ x: [Float], height: Int, width: Int, outHeight: Int, outWidth: Int,
                        filter: ResampleFilter = .bilinear) -> [Float] {
    precondition(x.count == height * width && outHeight >= 1 && outWidth >= 1, "resizeFloat: shapes")
    if height == outHeight && width == outWidth { return x }
    let hw = AxisWeights(inSize: width, outSize: outWidth, filter: filter)
    let vw = AxisWeights(inSize: height, outSize: outHeight, filter: filter)
    var tmp = [Float](repeating: 0, count: height * outWidth)
    for y in 0..<height {
        for xx in 0..<outWidth {
            var acc = 0.0
            for t in 0..<hw.count[xx] { acc = acc.addingProduct(Double(x[y * width + hw.start[xx] + t]), hw.weights[xx * hw.ksize + t]) }
            tmp[y * outWidth + xx] = Float(acc)
        }
    }
    var out = [Float](repeating: 0, count: outHeight * outWidth)
    for yy in 0..<outHeight {
        for xx in 0..<outWidth {
            var acc = 0.0
            for t in 0..<vw.count[yy] { acc = acc.addingProduct(Double(tmp[(vw.start[yy] + t) * outWidth + xx]), vw.weights[yy * vw.ksize + t]) }
            out[yy * outWidth + xx] = Float(acc)
        }
    }
    return out
}
