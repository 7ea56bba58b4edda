// ImageGrid — grayscale images with multi-line captions underneath (retrieval figures).
//
// An `ImagePanel` draws one H×W image in [0, 1] (row 0 at the top) with a fixed linear gray
// scale (0 = black, 1 = white, values outside are clipped by gnuplot), keeping its aspect ratio,
// with an optional title above and a caption such as "Cardiomegaly=1\nEdema=0" below. A grid of
// images is a `Figure` of image panels. `ImageBox` (the aspect-preserving placement) is shared
// with the heatmap overlay. What it deliberately does not do: colour images or resampling.

/// Aspect-preserving placement of an image inside a cell, leaving room for text lines.
struct ImageBox {
    var left: Double, right: Double, bottom: Double, top: Double

    /// Largest box with aspect `width:height` (pixels) in `cell`, after reserving `titleLines`
    /// above, `captionLines` below and `rightChars` characters to the right (colour bar).
    init(cell: PanelCell, width: Int, height: Int, titleLines: Int, captionLines: Int, rightChars: Double = 0) {
        let pad = 0.35 * cell.lineHeight
        let availLeft = cell.left + 0.02 * (cell.right - cell.left)
        let availRight = cell.right - 0.02 * (cell.right - cell.left) - rightChars * cell.charWidth
        let availTop = cell.top - pad - Double(titleLines) * cell.lineHeight
        let availBottom = cell.bottom + pad + Double(captionLines) * cell.lineHeight
        let wPix = max(1, (availRight - availLeft) * cell.figureWidth)
        let hPix = max(1, (availTop - availBottom) * cell.figureHeight)
        let scale = min(wPix / Double(width), hPix / Double(height))
        let w = scale * Double(width) / cell.figureWidth, h = scale * Double(height) / cell.figureHeight
        let cx = (availLeft + availRight) / 2, cy = (availBottom + availTop) / 2
        left = cx - w / 2; right = cx + w / 2; bottom = cy - h / 2; top = cy + h / 2
    }

    /// Margins, axis ranges (row 0 on top) and hidden axes for an `height × width` image.
    func setup(cell: PanelCell, width: Int, height: Int) -> String {
        cell.margins(left: left, right: right, bottom: bottom, top: top)
            + "set xrange [-0.5:\(DataFormat.number(Double(width) - 0.5))]\n"
            + "set yrange [\(DataFormat.number(Double(height) - 0.5)):-0.5]\n"
            + "unset xtics\nunset ytics\nunset key\nset border lw 0.5\n"
    }

    /// `caption` wrapped to the cell width (no lines for nil or empty).
    static func wrap(_ caption: String?, cell: PanelCell) -> [String] {
        guard let caption, !caption.isEmpty else { return [] }
        return GnuplotText.wrap(caption, width: Int((cell.right - cell.left) / cell.charWidth * 0.95))
    }

    /// A title line just above and caption lines just below the image (labels at screen
    /// coordinates; gnuplot centres the first line of a label on its position).
    func labels(title: String?, caption: [String], cell: PanelCell) -> String {
        var s = ""
        let cx = DataFormat.number((left + right) / 2)
        if let title {
            s += "set label \(GnuplotText.quoted(title)) at screen \(cx),\(DataFormat.number(top + 0.7 * cell.lineHeight)) center front\n"
        }
        if !caption.isEmpty {
            let y = bottom - 0.8 * cell.lineHeight
            s += "set label \(GnuplotText.quoted(caption.joined(separator: "\n"))) at screen \(cx),\(DataFormat.number(y)) center front\n"
        }
        return s
    }
}

/// One grayscale image with an optional title and a (multi-line) caption.
///
///     let img = ImagePanel(pixels: xray, height: 64, width: 64, caption: "Cardiomegaly=1\nEdema=0")
///     try Figure(name: "figure3", panels: top5, columns: 5, width: 1250, height: 330).render(in: figures)
public struct ImagePanel: Panel {
    /// `[height, width]` row-major gray values in [0, 1], row 0 at the top.
    public var pixels: [Float]
    public var height: Int, width: Int
    public var title: String?
    /// Caption under the image; `\n` separates lines, long lines are wrapped to the image width.
    public var caption: String?

    public init(pixels: [Float], height: Int, width: Int, title: String? = nil, caption: String? = nil) {
        self.pixels = pixels; self.height = height; self.width = width; self.title = title; self.caption = caption
    }

    public func commands(data: FigureData, cell: PanelCell) throws -> String {
        // pixels: [H, W]
        try Check.atLeast(height, 1, "image.height")
        try Check.atLeast(width, 1, "image.width")
        try Check.finite(pixels, "image.pixels", count: height * width)
        let captionLines = ImageBox.wrap(caption, cell: cell)
        let box = ImageBox(cell: cell, width: width, height: height, titleLines: title == nil ? 0 : 1,
                           captionLines: captionLines.count)
        var block = DataBlock(comment: "image \(height)x\(width): column row gray (in [0,1], row 0 = top)", precision: 4)
        block.grid(pixels, rows: height, cols: width)
        let index = data.add(block)
        return box.setup(cell: cell, width: width, height: height)
            + box.labels(title: title, caption: captionLines, cell: cell)
            // Linear gray (gnuplot's `set palette gray` applies a 1.5 gamma).
            + "set palette model RGB defined (0 \"black\", 1 \"white\")\nset cbrange [0:1]\nunset colorbox\n"
            + "plot \(data.source(index)) using 1:2:3 with image notitle\n"
    }
}
