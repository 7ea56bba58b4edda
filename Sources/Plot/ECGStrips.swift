// ECGStrips — a 12-lead ECG drawn as stacked strips on ECG-paper grid, with optional relevance
// shading under each trace and an optional text box (e.g. the report) underneath.
//
// Leads are stacked top to bottom (lead 0 on top) with baselines `spacing` apart; the signal
// is drawn in its own units (our preprocessing scales each lead to [−1, 1]), so the grid is a
// paper-like guide (major lines every 0.2 s and every 0.5 units, minor every 0.04 s), not
// millivolts. Relevance `[leads, samples]` is normalised by its maximum and drawn as a band
// behind each trace whose opacity grows with relevance. Several ECGs side by side are a
// `Figure` of `ECGPanel`s (and may be mixed with `ImagePanel`s, e.g. a query X-ray).
// What it deliberately does not do: filtering or resampling (the caller passes what to show).

/// One ECG: `signal: [leads, samples]` row-major at `samplingRate` Hz.
///
///     let ecg = ECGPanel(signal: x, samplingRate: 100, relevance: r,
///                        title: "Retrieved #1", text: "Sinus rhythm. Inferior infarct.")
///     try Figure(name: "figure-attention-ecg", panels: [ecg], width: 1000, height: 900).render(in: figures)
public struct ECGPanel: Panel {
    /// The standard 12 leads in the usual order.
    public static let standardLeads = ["I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"]

    /// `[leadNames.count, samples]` row-major.
    public var signal: [Float]
    public var samplingRate: Double
    public var leadNames: [String]
    /// Optional `[leadNames.count, samples]` non-negative relevance (scaled by its maximum).
    public var relevance: [Float]?
    public var title: String?
    /// Optional text box under the strips (wrapped to the panel width; `\n` starts a paragraph).
    public var text: String?
    /// Vertical distance between lead baselines, in signal units.
    public var spacing: Double
    /// Draw the ECG-paper grid.
    public var paperGrid: Bool
    /// Colour map and maximum opacity of the relevance shading.
    public var colorMap: ColorMap
    public var opacity: Double

    public init(signal: [Float], samplingRate: Double, leadNames: [String] = ECGPanel.standardLeads,
                relevance: [Float]? = nil, title: String? = nil, text: String? = nil, spacing: Double = 2.2,
                paperGrid: Bool = true, colorMap: ColorMap = .reds, opacity: Double = 0.8) {
        self.signal = signal; self.samplingRate = samplingRate; self.leadNames = leadNames
        self.relevance = relevance; self.title = title; self.text = text; self.spacing = spacing
        self.paperGrid = paperGrid; self.colorMap = colorMap; self.opacity = opacity
    }

    public func commands(data: FigureData, cell: PanelCell) throws -> String {
        // signal: [L, T], relevance: [L, T]
        let leads = leadNames.count
        if leads == 0 { throw PlotError.emptyInput(argument: "ecg.leadNames") }
        if signal.isEmpty { throw PlotError.emptyInput(argument: "ecg.signal") }
        if signal.count % leads != 0 {
            throw PlotError.invalidArgument(argument: "ecg.signal",
                                            reason: "has \(signal.count) values, not a multiple of \(leads) leads")
        }
        let samples = signal.count / leads
        try Check.atLeast(samples, 2, "ecg.samples")
        try Check.finite(signal, "ecg.signal")
        if !(samplingRate > 0 && samplingRate.isFinite) {
            throw PlotError.invalidArgument(argument: "ecg.samplingRate", reason: "must be positive")
        }
        if !(spacing > 0 && spacing.isFinite) { throw PlotError.invalidArgument(argument: "ecg.spacing", reason: "must be positive") }
        if !(opacity > 0 && opacity <= 1) { throw PlotError.invalidArgument(argument: "ecg.opacity", reason: "must be in (0, 1]") }
        if let relevance {
            try Check.finite(relevance, "ecg.relevance", count: signal.count)
            if let i = relevance.firstIndex(where: { $0 < 0 }) {
                throw PlotError.invalidArgument(argument: "ecg.relevance[\(i)]", reason: "is negative")
            }
        }

        // Data: block 1 = time + one column per lead; block 2 (optional) = relevance grid [L, T].
        var traces = DataBlock(comment: "ECG \(leads)x\(samples) at \(DataFormat.number(samplingRate)) Hz: t(s) "
                               + leadNames.joined(separator: " "))
        var row = [Double](repeating: 0, count: leads + 1)
        for t in 0..<samples {
            row[0] = Double(t) / samplingRate
            for l in 0..<leads { row[l + 1] = Double(signal[l * samples + t]) }
            traces.row(row)
        }
        let traceIndex = data.add(traces)
        var shadeIndex: Int?
        if let relevance {
            let peak = relevance.max() ?? 0
            let scaled = peak > 0 ? relevance.map { $0 / peak } : relevance
            var block = DataBlock(comment: "relevance scaled to [0,1]: sample lead value", precision: 4)
            block.grid(scaled, rows: leads, cols: samples)
            shadeIndex = data.add(block)
        }

        // Layout: title on top, text box at the bottom, strips in between.
        let lh = cell.lineHeight, cw = cell.charWidth
        let left = cell.left + 6 * cw, right = cell.right - 2 * cw
        let textLines = TextBox.wrap(text, width: right - left, cell: cell)
        let top = cell.top - (title == nil ? 0.6 : 1.8) * lh
        let textHeight = TextBox.height(lines: textLines.count, cell: cell)
        let bottom = cell.bottom + 2.6 * lh + textHeight
        let duration = Double(samples - 1) / samplingRate
        let offset = { (l: Int) in Double(leads - 1 - l) * spacing }
        var s = cell.margins(left: left, right: right, bottom: bottom, top: top)
        if let title { s += "set title \(GnuplotText.quoted(title)) offset 0,-0.3\n" }
        // Half a sample of padding keeps the shading bitmap inside the plot: gnuplot draws a
        // clipped bitmap pixel by pixel, and its rgbalpha fallback is not deterministic.
        let half = 0.5 / samplingRate
        s += "set xrange [\(DataFormat.number(-half)):\(DataFormat.number(duration + half))]\n"
        s += "set yrange [\(DataFormat.number(-0.6 * spacing)):\(DataFormat.number(offset(0) + 0.6 * spacing))]\n"
        s += "set y2range [\(DataFormat.number(-0.6 * spacing)):\(DataFormat.number(offset(0) + 0.6 * spacing))]\n"
        s += "set xlabel \"time (s)\" offset 0,0.5\nset xtics 1 nomirror scale 0.5\nset mxtics 5\n"
        s += "set ytics (" + leadNames.enumerated().map { "\(GnuplotText.quoted($1)) \(DataFormat.number(offset($0)))" }
            .joined(separator: ", ") + ") scale 0\n"
        if paperGrid {
            s += "set y2tics 0.5 format \"\" scale 0\nset my2tics 1\n"
            s += "set grid xtics mxtics y2tics lt 1 lc rgb \"#F2A7A7\" lw 0.6, lt 1 lc rgb \"#FBE0E0\" lw 0.4 back\n"
            s += "set border lc rgb \"#C87878\"\n"
        } else {
            s += "unset y2tics\n"
        }
        s += "unset key\n"
        var elements: [String] = []
        if let shadeIndex {
            s += colorMap.definitions + "shade_opacity = \(DataFormat.number(opacity))\n"
            s += "lead_offset(row) = (\(leads - 1) - row) * \(DataFormat.number(spacing))\n"
            elements.append("\(data.source(shadeIndex)) using ($1/\(DataFormat.number(samplingRate))):(lead_offset($2))"
                            + ":(cm_r($3)*255):(cm_g($3)*255):(cm_b($3)*255):(255*shade_opacity*$3) with rgbalpha notitle")
        }
        elements.append("for [k=1:\(leads)] \(data.source(traceIndex)) using 1:(column(k+1) + (\(leads) - k) * "
                        + "\(DataFormat.number(spacing))) with lines lw 1 lc rgb \"#1A1A1A\" notitle")
        s += TextBox.commands(lines: textLines, left: left, right: right, top: cell.bottom + textHeight + 0.3 * lh, cell: cell)
        s += "plot " + elements.joined(separator: ", \\\n     ") + "\n"
        return s
    }
}
