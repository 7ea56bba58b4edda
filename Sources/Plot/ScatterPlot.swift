// ScatterPlot — 2-D points coloured by class, with a legend of class names (t-SNE panels).
//
// One data block per class, so each class is one plot element with its own legend entry and
// colour (Okabe–Ito palette, slightly transparent so dense clusters stay readable). Axes carry
// no meaning for an embedding, so tics are hidden by default. What it deliberately does not do:
// compute the embedding (that is Eval's t-SNE) or label individual points.

/// A scatter panel: `points: [N, 2]` (row-major x, y), `labels: [N]` in `0..<classNames.count`.
///
///     let p = ScatterPanel(points: tsne, labels: classOf, classNames: ["Atelectasis", "Cardiomegaly"],
///                          title: "MoRE (CheXpert-style)")
///     try Figure(name: "figure2", panels: [p], width: 700, height: 600).render(in: figures)
public struct ScatterPanel: Panel {
    /// `[N, 2]` row-major coordinates.
    public var points: [Float]
    /// `[N]` class index of each point.
    public var labels: [Int]
    /// Legend names, one per class.
    public var classNames: [String]
    public var title: String?
    /// Point size (gnuplot `ps`) and opacity in (0, 1].
    public var pointSize: Double
    public var opacity: Double
    /// Whether this panel shows the legend (in a multi-panel figure, often only one does).
    public var showLegend: Bool
    /// Whether to draw axes tics (meaningless for t-SNE, so off by default).
    public var showAxes: Bool

    public init(points: [Float], labels: [Int], classNames: [String], title: String? = nil,
                pointSize: Double = 0.55, opacity: Double = 0.8, showLegend: Bool = true, showAxes: Bool = false) {
        self.points = points; self.labels = labels; self.classNames = classNames; self.title = title
        self.pointSize = pointSize; self.opacity = opacity; self.showLegend = showLegend; self.showAxes = showAxes
    }

    public func commands(data: FigureData, cell: PanelCell) throws -> String {
        // points: [N, 2], labels: [N]
        if classNames.isEmpty { throw PlotError.emptyInput(argument: "scatter.classNames") }
        if labels.isEmpty { throw PlotError.emptyInput(argument: "scatter.labels") }
        try Check.finite(points, "scatter.points", count: 2 * labels.count)
        for (i, l) in labels.enumerated() where !(0..<classNames.count).contains(l) {
            throw PlotError.invalidArgument(argument: "scatter.labels[\(i)]",
                                            reason: "is \(l), must be in 0..<\(classNames.count) (classNames.count)")
        }
        if !(opacity > 0 && opacity <= 1) {
            throw PlotError.invalidArgument(argument: "scatter.opacity", reason: "must be in (0, 1]")
        }
        var elements: [String] = []
        for (k, name) in classNames.enumerated() {
            var block = DataBlock(comment: "scatter class \(k) (\(name)): x y")
            var n = 0
            for i in 0..<labels.count where labels[i] == k {
                block.row([Double(points[2 * i]), Double(points[2 * i + 1])])
                n += 1
            }
            guard n > 0 else { continue }
            let index = data.add(block)
            let color = Self.argb(GnuplotText.classColor(k), opacity: opacity)
            elements.append("\(data.source(index)) using 1:2 with points pt 7 ps \(DataFormat.number(pointSize)) "
                            + "lc rgb \"\(color)\" title \(GnuplotText.quoted(name))")
        }
        var s = cell.originAndSize
        if let title { s += "set title \(GnuplotText.quoted(title))\n" }
        s += "set offsets graph 0.04, graph 0.04, graph 0.04, graph 0.04\n"   // keep points off the border
        if showAxes {
            s += "set border 3\nset tics nomirror\n"
        } else {
            s += "unset xtics\nunset ytics\nset border lc rgb \"#999999\"\n"
        }
        s += showLegend ? "set key outside right top vertical Left reverse samplen 1 spacing 1.1 title \"\"\n" : "unset key\n"
        s += "plot " + elements.joined(separator: ", \\\n     ") + "\n"
        return s
    }

    /// `#RRGGBB` with opacity → gnuplot's `#AARRGGBB`, where AA is the *transparency*.
    static func argb(_ rgb: String, opacity: Double) -> String {
        let transparency = Int((1 - opacity) * 255 + 0.5)
        let hex = String(transparency, radix: 16, uppercase: true)
        return "#" + (hex.count < 2 ? "0" + hex : hex) + rgb.dropFirst()
    }
}
