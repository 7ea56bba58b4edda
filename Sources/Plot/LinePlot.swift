// LinePlot — several named series against a shared x axis (training curves, ROC curves).
//
// One data block per series ("x y" rows). Options cover what the paper's figures need: log-y
// (every y must then be positive), axis labels, fixed ranges, a square plot area, dashed
// reference lines and the key position. Stacked panels (loss / accuracy / learning rate per
// step) are a `Figure` with one `LinePanel` per row. What it deliberately does not do:
// smoothing or error bands (callers smooth before plotting if they want to).

/// One line: `x: [N]`, `y: [N]`.
public struct LineSeries: Sendable {
    public var name: String
    public var x: [Double], y: [Double]
    /// `#RRGGBB` (nil: the i-th class colour).
    public var color: String?
    public var lineWidth: Double
    public var dashed: Bool

    public init(name: String, x: [Double], y: [Double], color: String? = nil, lineWidth: Double = 1.6, dashed: Bool = false) {
        self.name = name; self.x = x; self.y = y; self.color = color; self.lineWidth = lineWidth; self.dashed = dashed
    }

    /// A series against its index 0, 1, 2, … (e.g. values per step).
    public init(name: String, y: [Double], color: String? = nil) {
        self.init(name: name, x: (0..<y.count).map(Double.init), y: y, color: color)
    }
}

/// Where the legend goes (gnuplot `set key …`).
public enum KeyPosition: String, Sendable {
    case topRight = "top right", topLeft = "top left", bottomRight = "bottom right", bottomLeft = "bottom left"
    case outsideRight = "outside right top"
    case none
}

/// A panel of line series.
///
///     let loss = LinePanel(series: [LineSeries(name: "train loss", x: steps, y: losses)],
///                          title: "InfoNCE loss", xLabel: "step", yLabel: "loss", logY: true)
public struct LinePanel: Panel {
    public var series: [LineSeries]
    public var title: String?
    public var xLabel: String?, yLabel: String?
    public var logY: Bool
    /// printf-style format of the y tic labels (nil: gnuplot's default, `%g` on log axes).
    public var yFormat: String?
    /// Fixed axis ranges (nil: automatic).
    public var xRange: ClosedRange<Double>?, yRange: ClosedRange<Double>?
    /// Force a square plot area (ROC curves).
    public var square: Bool
    public var key: KeyPosition
    /// Draw a light grid.
    public var grid: Bool

    public init(series: [LineSeries], title: String? = nil, xLabel: String? = nil, yLabel: String? = nil,
                logY: Bool = false, yFormat: String? = nil, xRange: ClosedRange<Double>? = nil, yRange: ClosedRange<Double>? = nil,
                square: Bool = false, key: KeyPosition = .topRight, grid: Bool = true) {
        self.series = series; self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.logY = logY
        self.yFormat = yFormat
        self.xRange = xRange; self.yRange = yRange; self.square = square; self.key = key; self.grid = grid
    }

    public func commands(data: FigureData, cell: PanelCell) throws -> String {
        // each series: x: [N], y: [N]
        if series.isEmpty { throw PlotError.emptyInput(argument: "line.series") }
        var elements: [String] = []
        for (k, line) in series.enumerated() {
            let arg = "line.series[\(k)] (\(line.name))"
            try Check.finite(line.x, "\(arg).x")
            try Check.finite(line.y, "\(arg).y", count: line.x.count)
            if logY, let i = line.y.firstIndex(where: { $0 <= 0 }) {
                throw PlotError.invalidArgument(argument: "\(arg).y[\(i)]", reason: "is \(line.y[i]); log-y needs positive values")
            }
            var block = DataBlock(comment: "series \(k) (\(line.name)): x y")
            for i in 0..<line.x.count { block.row([line.x[i], line.y[i]]) }
            let index = data.add(block)
            let color = line.color ?? GnuplotText.classColor(k)
            elements.append("\(data.source(index)) using 1:2 with lines lw \(DataFormat.number(line.lineWidth)) "
                            + "dt \(line.dashed ? 2 : 1) lc rgb \(GnuplotText.quoted(color)) title \(GnuplotText.quoted(line.name))")
        }
        var s = cell.originAndSize
        if let title { s += "set title \(GnuplotText.quoted(title))\n" }
        if let xLabel { s += "set xlabel \(GnuplotText.quoted(xLabel))\n" }
        if let yLabel { s += "set ylabel \(GnuplotText.quoted(yLabel))\n" }
        if logY { s += "set logscale y\n" }
        if let f = yFormat ?? (logY ? "%g" : nil) { s += "set format y \(GnuplotText.quoted(f))\n" }
        if let r = xRange { s += "set xrange [\(DataFormat.number(r.lowerBound)):\(DataFormat.number(r.upperBound))]\n" }
        if let r = yRange { s += "set yrange [\(DataFormat.number(r.lowerBound)):\(DataFormat.number(r.upperBound))]\n" }
        if square { s += "set size ratio 1\n" }
        s += "set border 3\nset tics nomirror out scale 0.6\n"
        if grid { s += "set grid lt 1 lc rgb \"#E3E3E3\" lw 0.6\n" }
        s += key == .none ? "unset key\n" : "set key \(key.rawValue) noopaque samplen 2.5 spacing 1.1\n"
        s += "plot " + elements.joined(separator: ", \\\n     ") + "\n"
        return s
    }
}
