// HeatmapOverlay — a relevance map resampled to a grayscale image and alpha-blended over it.
//
// The relevance grid (e.g. 8×8 ViT tokens) is upsampled bilinearly to the image size
// (half-pixel centres, like `align_corners=False`), min–max normalised to [0, 1], and drawn with
// a colour map whose opacity grows with relevance (α = opacity · r), so irrelevant regions show
// the plain X-ray; a colour bar shows the scale. Colours are computed by gnuplot from the same
// functions that define the palette, so the overlay and the colour bar always agree and the
// blend can be restyled in the `.gp` file. What it deliberately does not do: compute relevance
// (that is Eval's explanation code).

/// Bilinear resampling of `values: [inHeight, inWidth]` to `[outHeight, outWidth]`, sampling
/// at pixel centres: source coordinate u = (o + ½)·in/out − ½, clamped to the edge.
///
///     let up = bilinearResample(tokens, height: 8, width: 8, toHeight: 64, toWidth: 64)
public func bilinearResample(_ values: [Float], height: Int, width: Int, toHeight: Int, toWidth: Int) -> [Float] {
    // values: [H, W] -> [toHeight, toWidth]
    precondition(values.count == height * width && height > 0 && width > 0 && toHeight > 0 && toWidth > 0,
                 "bilinearResample: caller checks shapes")
    func axis(_ o: Int, _ n: Int, _ m: Int) -> (Int, Int, Float) {
        let u = max(0, min(Float(n - 1), (Float(o) + 0.5) * Float(n) / Float(m) - 0.5))
        let i0 = Int(u.rounded(.down)), i1 = min(i0 + 1, n - 1)
        return (i0, i1, u - Float(i0))
    }
    var out = [Float](repeating: 0, count: toHeight * toWidth)
    let xs = (0..<toWidth).map { axis($0, width, toWidth) }
    for oy in 0..<toHeight {
        let (y0, y1, fy) = axis(oy, height, toHeight)
        for ox in 0..<toWidth {
            let (x0, x1, fx) = xs[ox]
            let top = values[y0 * width + x0] + fx * (values[y0 * width + x1] - values[y0 * width + x0])
            let bottom = values[y1 * width + x0] + fx * (values[y1 * width + x1] - values[y1 * width + x0])
            out[oy * toWidth + ox] = top + fy * (bottom - top)
        }
    }
    return out
}

/// Min–max normalisation to [0, 1] (a constant map becomes all zeros).
func normalisedToUnit(_ v: [Float]) -> [Float] {
    guard let lo = v.min(), let hi = v.max(), hi > lo else { return [Float](repeating: 0, count: v.count) }
    return v.map { ($0 - lo) / (hi - lo) }
}

/// A grayscale image with a relevance heatmap blended over it and a colour bar.
///
///     let p = HeatmapPanel(image: xray, height: 64, width: 64,
///                          relevance: tokenRelevance, relevanceHeight: 8, relevanceWidth: 8,
///                          title: "Chefer relevance", caption: "Cardiomegaly=1")
public struct HeatmapPanel: Panel {
    /// `[height, width]` gray values in [0, 1], row 0 at the top.
    public var image: [Float]
    public var height: Int, width: Int
    /// `[relevanceHeight, relevanceWidth]` relevance (any scale; min–max normalised when drawn).
    public var relevance: [Float]
    public var relevanceHeight: Int, relevanceWidth: Int
    public var colorMap: ColorMap
    /// Maximum opacity of the overlay (at relevance 1).
    public var opacity: Double
    public var title: String?
    public var caption: String?
    public var showColorBar: Bool

    public init(image: [Float], height: Int, width: Int, relevance: [Float], relevanceHeight: Int, relevanceWidth: Int,
                colorMap: ColorMap = .jet, opacity: Double = 0.6, title: String? = nil, caption: String? = nil,
                showColorBar: Bool = true) {
        self.image = image; self.height = height; self.width = width
        self.relevance = relevance; self.relevanceHeight = relevanceHeight; self.relevanceWidth = relevanceWidth
        self.colorMap = colorMap; self.opacity = opacity; self.title = title; self.caption = caption
        self.showColorBar = showColorBar
    }

    public func commands(data: FigureData, cell: PanelCell) throws -> String {
        // image: [H, W], relevance: [h, w] -> resampled [H, W]
        try Check.atLeast(height, 2, "heatmap.height")
        try Check.atLeast(width, 2, "heatmap.width")
        try Check.atLeast(relevanceHeight, 1, "heatmap.relevanceHeight")
        try Check.atLeast(relevanceWidth, 1, "heatmap.relevanceWidth")
        try Check.finite(image, "heatmap.image", count: height * width)
        try Check.finite(relevance, "heatmap.relevance", count: relevanceHeight * relevanceWidth)
        if !(opacity > 0 && opacity <= 1) {
            throw PlotError.invalidArgument(argument: "heatmap.opacity", reason: "must be in (0, 1]")
        }
        let r = normalisedToUnit(bilinearResample(relevance, height: relevanceHeight, width: relevanceWidth,
                                                  toHeight: height, toWidth: width))
        var block = DataBlock(comment: "heatmap \(height)x\(width): column row gray relevance(resampled, in [0,1])",
                              precision: 4)
        for y in 0..<height {
            for x in 0..<width { block.row([Double(x), Double(y), Double(image[y * width + x]), Double(r[y * width + x])]) }
            block.blankLine()
        }
        let index = data.add(block)
        let captionLines = ImageBox.wrap(caption, cell: cell)
        let box = ImageBox(cell: cell, width: width, height: height, titleLines: title == nil ? 0 : 1,
                           captionLines: captionLines.count, rightChars: showColorBar ? 9 : 0)
        let src = data.source(index)
        var s = box.setup(cell: cell, width: width, height: height)
        s += box.labels(title: title, caption: captionLines, cell: cell)
        s += colorMap.definitions
        s += "overlay_opacity = \(DataFormat.number(opacity))\nset cbrange [0:1]\n"
        s += showColorBar ? "set colorbox user origin screen \(DataFormat.number(box.right + cell.charWidth)),\(DataFormat.number(box.bottom)) size screen \(DataFormat.number(1.5 * cell.charWidth)),\(DataFormat.number(box.top - box.bottom))\nset cbtics 0.25 scale 0.5\n" : "unset colorbox\n"
        s += "plot \(src) using 1:2:($3*255):($3*255):($3*255) with rgbimage notitle, \\\n"
        s += "     \(src) using 1:2:(cm_r($4)*255):(cm_g($4)*255):(cm_b($4)*255):(255*overlay_opacity*$4) with rgbalpha notitle"
        if showColorBar {
            // A single invisible palette point makes gnuplot draw the colour bar.
            s += ", \\\n     \(src) using 1:2:4 every 1:1:0:0:0:0 with points pt 7 ps 0 lc palette notitle"
        }
        return s + "\n"
    }
}
