// ROCPlot — per-label ROC curves, the micro average and the chance diagonal, AUROC in the key.
//
// Takes curves already computed (false- and true-positive rates at each threshold, plus the
// AUROC) — computing them is Eval's job — and draws them as a square `LinePanel` on [0, 1]²:
// one coloured line per label, the micro average thick and black, the diagonal dashed gray.
// What it deliberately does not do: compute ROC points or AUROC.

/// One ROC curve: `falsePositiveRate: [N]`, `truePositiveRate: [N]` in [0, 1], and its AUROC.
public struct ROCCurve: Sendable {
    public var name: String
    public var falsePositiveRate: [Double]
    public var truePositiveRate: [Double]
    public var auroc: Double

    public init(name: String, falsePositiveRate: [Double], truePositiveRate: [Double], auroc: Double) {
        self.name = name; self.falsePositiveRate = falsePositiveRate
        self.truePositiveRate = truePositiveRate; self.auroc = auroc
    }
}

/// ROC curves of several labels with an optional micro average.
///
///     let roc = ROCPanel(curves: perLabel, micro: microAverage, title: "CheXpert-style, 4 labels")
///     try Figure(name: "figure-roc", panels: [roc], width: 700, height: 620).render(in: figures)
public struct ROCPanel: Panel {
    public var curves: [ROCCurve]
    public var micro: ROCCurve?
    public var title: String?
    /// Digits of the AUROC shown in the key.
    public var digits: Int

    public init(curves: [ROCCurve], micro: ROCCurve? = nil, title: String? = nil, digits: Int = 3) {
        self.curves = curves; self.micro = micro; self.title = title; self.digits = digits
    }

    /// The key text of a curve: `name (AUROC 0.873)`.
    public func legend(_ c: ROCCurve) -> String {
        "\(c.name) (AUROC \(DataFormat.fixed(c.auroc, digits: digits)))"
    }

    public func commands(data: FigureData, cell: PanelCell) throws -> String {
        // each curve: fpr: [N], tpr: [N]
        if curves.isEmpty { throw PlotError.emptyInput(argument: "roc.curves") }
        var series: [LineSeries] = []
        for (k, c) in (curves + (micro.map { [$0] } ?? [])).enumerated() {
            let arg = k < curves.count ? "roc.curves[\(k)] (\(c.name))" : "roc.micro"
            try Check.finite(c.falsePositiveRate, "\(arg).falsePositiveRate")
            try Check.finite(c.truePositiveRate, "\(arg).truePositiveRate", count: c.falsePositiveRate.count)
            try Check.atLeast(c.falsePositiveRate.count, 2, "\(arg).count")
            if !(0...1).contains(c.auroc) { throw PlotError.invalidArgument(argument: "\(arg).auroc", reason: "is \(c.auroc), must be in [0, 1]") }
            for (name, v) in [("falsePositiveRate", c.falsePositiveRate), ("truePositiveRate", c.truePositiveRate)] {
                if let i = v.firstIndex(where: { !(0...1).contains($0) }) {
                    throw PlotError.invalidArgument(argument: "\(arg).\(name)[\(i)]", reason: "is \(v[i]), must be in [0, 1]")
                }
            }
            let isMicro = k == curves.count
            series.append(LineSeries(name: legend(c), x: c.falsePositiveRate, y: c.truePositiveRate,
                                     color: isMicro ? "#000000" : GnuplotText.classColor(k), lineWidth: isMicro ? 2.6 : 1.6))
        }
        series.append(LineSeries(name: "chance", x: [0, 1], y: [0, 1], color: "#999999", lineWidth: 1, dashed: true))
        return try LinePanel(series: series, title: title, xLabel: "false positive rate", yLabel: "true positive rate",
                             xRange: 0...1, yRange: 0...1, square: true, key: .bottomRight).commands(data: data, cell: cell)
    }
}
