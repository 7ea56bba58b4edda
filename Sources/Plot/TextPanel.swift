// TextPanel — a boxed block of wrapped text, on its own (a report beside retrieved images) or
// under another panel (`TextBox`, used by the ECG strips for their report).
//
// Text is wrapped by character count to the box width and drawn as one left-aligned label on
// a light box at screen coordinates. What it deliberately does not do: rich text (terminals run
// `noenhanced`, so `_`, `^` print as typed) or shrinking text that does not fit.

/// A boxed text block at screen coordinates.
struct TextBox {
    /// `text` wrapped to a box `width` (screen fraction) wide, one character of padding each side.
    static func wrap(_ text: String?, width: Double, cell: PanelCell) -> [String] {
        guard let text, !text.isEmpty else { return [] }
        return GnuplotText.wrap(text, width: Int(width / cell.charWidth) - 2)
    }

    /// Height (screen fraction) of a box holding `lines` lines.
    static func height(lines: Int, cell: PanelCell) -> Double {
        lines == 0 ? 0 : (Double(lines) + 0.8) * cell.lineHeight
    }

    /// gnuplot commands for a box from (`left`, `top` − height) to (`right`, `top`) holding `lines`.
    /// Drawn when the panel's `plot` runs; `object` is the gnuplot object/label number.
    static func commands(lines: [String], left: Double, right: Double, top: Double, cell: PanelCell, object: Int = 1) -> String {
        guard !lines.isEmpty else { return "" }
        let bottom = top - height(lines: lines.count, cell: cell)
        return "set object \(object) rect from screen \(DataFormat.number(left)),\(DataFormat.number(bottom)) "
            + "to screen \(DataFormat.number(right)),\(DataFormat.number(top)) fc rgb \"#F7F7F7\" fs solid 1 border lc rgb \"#BBBBBB\" behind\n"
            + "set label \(object) \(GnuplotText.quoted(lines.joined(separator: "\n"))) at screen "
            + "\(DataFormat.number(left + cell.charWidth)),\(DataFormat.number(top - 0.9 * cell.lineHeight)) left front\n"
    }
}

/// A panel that only shows text (e.g. the query's report in the X-ray→ECG retrieval figure).
///
///     let report = TextPanel(title: "Query report", text: "Enlarged cardiac silhouette. Small left effusion.")
public struct TextPanel: Panel {
    public var title: String?
    public var text: String

    public init(title: String? = nil, text: String) {
        self.title = title; self.text = text
    }

    public func commands(data: FigureData, cell: PanelCell) throws -> String {
        if text.isEmpty { throw PlotError.emptyInput(argument: "text.text") }
        let pad = 2 * cell.charWidth
        let left = cell.left + pad, right = cell.right - pad
        let lines = TextBox.wrap(text, width: right - left, cell: cell)
        var top = cell.top - 0.5 * cell.lineHeight
        var s = cell.margins(left: cell.left, right: cell.right, bottom: cell.bottom, top: cell.top)
        s += "unset border\nunset tics\nunset key\nset xrange [0:1]\nset yrange [0:1]\n"
        if let title {
            s += "set label 2 \(GnuplotText.quoted(title)) at screen \(DataFormat.number((left + right) / 2)),"
                + "\(DataFormat.number(top - 0.5 * cell.lineHeight)) center front\n"
            top -= 1.4 * cell.lineHeight
        }
        s += TextBox.commands(lines: lines, left: left, right: right, top: top, cell: cell)
        // Labels and objects are drawn by a plot command; this one draws nothing (y = 2 is off-range).
        return s + "plot 2 notitle\n"
    }
}
