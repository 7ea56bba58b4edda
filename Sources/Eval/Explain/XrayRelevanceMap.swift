// XrayRelevanceMap — token relevances of the X-ray ViT as a heatmap over the image.
//
//   grid   = r reshaped to [g, g]             (row-major patches, g = image / patch)
//   map    = bilinear upsampling to [S, S]    (sampling at pixel centres: u = (o + ½)·g/S − ½,
//                                              clamped at the border; torch's
//                                              interpolate(mode="bilinear", align_corners=False),
//                                              which the authors use with scale factor 16)
//
// Maps stay in relevance units (non-negative for rollout and Chefer maps); the scores
// (ExplanationScores.swift) take ratios, the figure normalises min–max for display, as the
// authors do before their JET overlay. Deliberately not here: computing relevance, drawing.

/// Bilinear upsampling of `values: [height, width]` to `[toHeight, toWidth]` at pixel centres
/// (align_corners = False).
public func upsampleBilinear(_ values: [Float], height: Int, width: Int, toHeight: Int, toWidth: Int) -> [Float] {
    // values: [H, W] → [toHeight, toWidth]
    precondition(values.count == height * width && height > 0 && width > 0 && toHeight > 0 && toWidth > 0,
                 "upsampleBilinear: \(values.count) values for [\(height), \(width)] → [\(toHeight), \(toWidth)]")
    func taps(_ o: Int, _ n: Int, _ m: Int) -> (Int, Int, Float) {
        let u = max(0, min(Float(n - 1), (Float(o) + 0.5) * Float(n) / Float(m) - 0.5))
        let i0 = Int(u.rounded(.down))
        return (i0, min(i0 + 1, n - 1), u - Float(i0))
    }
    let xs = (0..<toWidth).map { taps($0, width, toWidth) }
    var out = [Float](repeating: 0, count: toHeight * toWidth)
    values.withUnsafeBufferPointer { v in
        for oy in 0..<toHeight {
            let (y0, y1, fy) = taps(oy, height, toHeight)
            for ox in 0..<toWidth {
                let (x0, x1, fx) = xs[ox]
                let top = v[y0 * width + x0].addingProduct(fx, v[y0 * width + x1] - v[y0 * width + x0])
                let bottom = v[y1 * width + x0].addingProduct(fx, v[y1 * width + x1] - v[y1 * width + x0])
                out[oy * toWidth + ox] = top.addingProduct(fy, bottom - top)
            }
        }
    }
    return out
}

/// The heatmap of `tokens` (N = g² patch relevances, row-major) over an `imageSize`² image:
/// `[N]` → `[imageSize, imageSize]`.
///
///     let heat = xrayHeatmap(tokens: r, imageSize: 64)     // 64 tokens → 8×8 → 64×64
public func xrayHeatmap(tokens: [Float], imageSize: Int) -> [Float] {
    let g = Int(Double(tokens.count).squareRoot().rounded())
    precondition(g * g == tokens.count && g > 0, "xrayHeatmap: \(tokens.count) tokens do not form a square grid")
    return upsampleBilinear(tokens, height: g, width: g, toHeight: imageSize, toWidth: imageSize)
}
