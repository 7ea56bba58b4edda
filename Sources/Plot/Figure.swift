// Figure — one figure = a name, a grid of panels, and the files `<name>.dat`, `<name>.gp`,
// `<name>.png`, `<name>.svg` in one folder.
//
// `render(in:)` asks each panel for its data blocks and gnuplot commands, writes the data file
// and the script into a hidden staging folder, runs gnuplot once there, and renames the four
// files into place only when it succeeded (all or none; `stage(in:)` stops before the renames,
// StagedFigure.swift). The script draws the same multiplot
// twice, once per terminal (pngcairo, then svg), and refers to files by relative names only,
// so `cd Figures && gnuplot figure2.gp` re-plots. pngcairo and svg output carry no timestamps or
// random ids (checked by the tests), so identical inputs give identical bytes. What this file
// deliberately does not do: know anything about models, or lay panels out other than on a
// weighted grid.

import Foundation

/// Where a panel is drawn: its rectangle in screen fractions (0…1, origin bottom left) plus the
/// figure's pixel size and font size, so panels can reserve room for captions.
public struct PanelCell: Sendable, Equatable {
    public var left: Double, bottom: Double, right: Double, top: Double
    /// Figure size in pixels (PNG and SVG use the same size).
    public var figureWidth: Double, figureHeight: Double
    /// Base font size in points.
    public var fontSize: Double

    /// Height of one text line as a fraction of the figure height (≈ 1.45 × font size in px).
    public var lineHeight: Double { fontSize * 1.45 / figureHeight }
    /// Average character width as a fraction of the figure width (≈ 0.7 × font size: pngcairo
    /// renders a 10 pt font about 13 px high, and DejaVu Sans averages ≈ 0.55 em per character).
    public var charWidth: Double { fontSize * 0.7 / figureWidth }
    /// Cell width in pixels.
    public var widthPixels: Double { (right - left) * figureWidth }
    /// Cell height in pixels.
    public var heightPixels: Double { (top - bottom) * figureHeight }

    /// `set origin …; set size …` placing a plot (with gnuplot's automatic margins) in the cell.
    public var originAndSize: String {
        "set origin \(DataFormat.number(left)),\(DataFormat.number(bottom))\n"
            + "set size \(DataFormat.number(right - left)),\(DataFormat.number(top - bottom))\n"
    }

    /// Fixed plot-area margins at screen coordinates (for panels that must line up).
    public func margins(left l: Double, right r: Double, bottom b: Double, top t: Double) -> String {
        "set lmargin at screen \(DataFormat.number(l))\nset rmargin at screen \(DataFormat.number(r))\n"
            + "set bmargin at screen \(DataFormat.number(b))\nset tmargin at screen \(DataFormat.number(t))\n"
    }
}

/// Something drawn in one cell of a figure.
public protocol Panel {
    /// Checks the inputs (throwing `PlotError` naming the argument), adds the panel's data blocks
    /// to `data`, and returns the gnuplot commands that draw it inside `cell`. The commands run
    /// after a `reset`, inside a multiplot; they must end with exactly one `plot` (or none).
    func commands(data: FigureData, cell: PanelCell) throws -> String
}

/// An empty cell (to leave a gap in the grid).
public struct EmptyPanel: Panel {
    public init() {}
    public func commands(data: FigureData, cell: PanelCell) throws -> String { "" }
}

/// The files a rendered figure consists of.
public struct RenderedFigure: Sendable {
    public let png: URL, svg: URL, script: URL, data: URL
}

/// A figure: panels on a grid of `columns` columns (row-major, first panel top left).
///
///     let fig = Figure(name: "figure2", panels: [a, b, c, d, e, f], columns: 3,
///                      title: "t-SNE of X-ray features", width: 1500, height: 950)
///     let out = try fig.render(in: URL(fileURLWithPath: "Figures"))   // Figures/figure2.{png,svg,gp,dat}
public struct Figure {
    /// File stem: letters, digits, `-`, `_`, `.` only.
    public var name: String
    public var panels: [any Panel]
    public var columns: Int
    /// Title above all panels (nil: none).
    public var title: String?
    /// Size in pixels of the PNG and the SVG.
    public var width: Int, height: Int
    /// Font family (must be known to fontconfig for the PNG) and base size in points.
    public var font: String, fontSize: Double
    /// Relative column widths / row heights (nil: equal).
    public var columnWeights: [Double]?, rowWeights: [Double]?

    public init(name: String, panels: [any Panel], columns: Int = 1, title: String? = nil,
                width: Int = 1200, height: Int = 800, font: String = "DejaVu Sans", fontSize: Double = 10,
                columnWeights: [Double]? = nil, rowWeights: [Double]? = nil) {
        self.name = name; self.panels = panels; self.columns = columns; self.title = title
        self.width = width; self.height = height; self.font = font; self.fontSize = fontSize
        self.columnWeights = columnWeights; self.rowWeights = rowWeights
    }

    /// Number of grid rows: ⌈panels / columns⌉.
    public var rows: Int { columns > 0 ? (panels.count + columns - 1) / columns : 0 }

    /// The cells of the grid, row-major; the title (if any) takes the top 2.4 lines.
    public func cells() throws -> [PanelCell] {
        try validate()
        let titleHeight = title == nil ? 0 : 2.4 * fontSize * 1.45 / Double(height)
        let cw = try normalised(columnWeights, count: columns, argument: "figure.columnWeights")
        let rw = try normalised(rowWeights, count: rows, argument: "figure.rowWeights")
        var cells: [PanelCell] = []
        for i in 0..<panels.count {
            let r = i / columns, c = i % columns
            let left = cw[..<c].reduce(0, +), right = left + cw[c]
            let usable = 1 - titleHeight
            let top = usable * (1 - rw[..<r].reduce(0, +)), bottom = top - usable * rw[r]
            cells.append(PanelCell(left: left, bottom: bottom, right: right, top: top,
                                   figureWidth: Double(width), figureHeight: Double(height), fontSize: fontSize))
        }
        return cells
    }

    /// The gnuplot script (and fills `data` with the panels' blocks).
    public func script(data: FigureData) throws -> String {
        let cells = try cells()
        let fontSpec = GnuplotText.quoted("\(font),\(DataFormat.number(fontSize))")
        var s = """
        # \(name).gp: generated by MoRE.swift (Sources/Plot). Data: \(data.fileName).
        # Re-plot or restyle from this folder with:  gnuplot \(name).gp   (writes \(name).png and \(name).svg)
        if (!exists("outbase")) outbase = \(GnuplotText.quoted(name))
        do for [fmt in "png svg"] {
          if (fmt eq "png") {
            set terminal pngcairo size \(width),\(height) font \(fontSpec) noenhanced background "white"
          } else {
            set terminal svg size \(width),\(height) font \(fontSpec) noenhanced background "white"
          }
          set output outbase.".".fmt

        """
        if let title {
            s += "  set multiplot title \(GnuplotText.quoted(title)) font \",\(DataFormat.number(fontSize * 1.3))\"\n"
        } else {
            s += "  set multiplot\n"
        }
        for (i, panel) in panels.enumerated() {
            let body = try panel.commands(data: data, cell: cells[i])
            guard !body.isEmpty else { continue }
            s += "  # panel \(i + 1) (row \(i / columns + 1), column \(i % columns + 1))\n  reset\n"
            for line in body.split(separator: "\n", omittingEmptySubsequences: true) { s += "  \(line)\n" }
        }
        s += "  unset multiplot\n  unset output\n}\n"
        return s
    }

    /// Writes `<name>.dat` and `<name>.gp` into `directory` (created if needed) and runs gnuplot
    /// there, producing `<name>.png` and `<name>.svg`. `gnuplot`: the executable (nil: `Gnuplot.locate()`).
    ///
    /// The four files appear together or not at all: `stage(in:)` makes them in a hidden staging
    /// folder, and only once gnuplot has succeeded are they renamed into place. A failed render
    /// (gnuplot missing or failing, a full disk) leaves the figure's previous files as they
    /// were, never a new `.dat` beside an old picture.
    @discardableResult
    public func render(in directory: URL, gnuplot: URL? = nil) throws -> RenderedFigure {
        let staged = try stage(in: directory, gnuplot: gnuplot)
        try staged.commit()
        return staged.rendered
    }

    /// Renders the figure into a hidden staging folder inside `directory` (created if needed)
    /// without touching its files there: the caller renames them into place with
    /// `StagedFigure.commit()`, or moves them into a larger set of files written all or none
    /// (a figure and its provenance). gnuplot reads the script and its data under their final
    /// names, hence the folder. Throws `PlotError.gnuplotFailed` naming the final script path.
    public func stage(in directory: URL, gnuplot: URL? = nil) throws -> StagedFigure {
        let fm = FileManager.default
        do { try fm.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw PlotError.io(path: directory.path, reason: error.localizedDescription)
        }
        let data = FigureData(fileName: "\(name).dat")
        let script = try script(data: data)
        let out = RenderedFigure(png: directory.appendingPathComponent("\(name).png"),
                                 svg: directory.appendingPathComponent("\(name).svg"),
                                 script: directory.appendingPathComponent("\(name).gp"),
                                 data: directory.appendingPathComponent("\(name).dat"))
        let exe = try gnuplot ?? Gnuplot.locate()
        let staging = try StagedFigure(folder: directory.appendingPathComponent(".\(name).partial-\(ProcessInfo.processInfo.processIdentifier)"),
                                       rendered: out)
        let staged = staging.files.map(\.staged)
        try Figure.write(data.contents(header: "\(name).dat: data of \(name).gp (blocks selected with `index N`)"), to: staged[0])
        try Figure.write(Array(script.utf8), to: staged[1])
        do { try Gnuplot.run(script: "\(name).gp", in: staging.folder, executable: exe) } catch PlotError.gnuplotFailed(_, let status, let stderr) {
            throw PlotError.gnuplotFailed(script: out.script.path, status: status, stderr: stderr)   // the staged copy is removed
        }
        return staging
    }

    /// Writes `bytes` to `url` (a file of the staging folder); a `PlotError` naming it otherwise.
    static func write<Bytes: Sequence>(_ bytes: Bytes, to url: URL) throws where Bytes.Element == UInt8 {
        do { try Data(bytes).write(to: url) } catch {
            throw PlotError.io(path: url.path, reason: error.localizedDescription)
        }
    }

    private func validate() throws {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
        if name.isEmpty || name.hasPrefix(".") || !name.allSatisfy({ allowed.contains($0) }) {
            throw PlotError.invalidArgument(argument: "figure.name", reason: "\"\(name)\" must be letters, digits, '-', '_', '.'")
        }
        if panels.isEmpty { throw PlotError.emptyInput(argument: "figure.panels") }
        try Check.atLeast(columns, 1, "figure.columns")
        try Check.atLeast(width, 64, "figure.width")
        try Check.atLeast(height, 64, "figure.height")
        if !(fontSize > 0) { throw PlotError.invalidArgument(argument: "figure.fontSize", reason: "must be positive") }
    }

    private func normalised(_ weights: [Double]?, count: Int, argument: String) throws -> [Double] {
        guard let weights else { return Array(repeating: 1 / Double(count), count: count) }
        if weights.count != count { throw PlotError.lengthMismatch(argument: argument, expected: count, actual: weights.count) }
        for (i, w) in weights.enumerated() where !(w > 0 && w.isFinite) { throw PlotError.nonFinite(argument: argument, index: i) }
        let total = weights.reduce(0, +)
        return weights.map { $0 / total }
    }
}
