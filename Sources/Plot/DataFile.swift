// DataFile — the `.dat` text files gnuplot reads: fixed number formatting and indexed blocks.
//
// Every number is printed with C's `%.<p>g` (default 6 significant digits) in the C locale, so
// the same input always gives the same bytes and data files diff cleanly. A figure's data file
// holds one block per panel layer; blocks are separated by two blank lines, which is what
// gnuplot's `index N` selects. What it deliberately does not do: binary data (text diffs well
// and our figures are small) or reading data back.

import Foundation

/// Fixed-format number printing for data files and scripts.
public enum DataFormat {
    /// `x` printed as `%.<precision>g` (C locale). Non-finite values print as `NaN`, which
    /// gnuplot treats as a missing point.
    ///
    ///     DataFormat.number(0.1234567)   // "0.123457"
    ///     DataFormat.number(1e-9, precision: 3)   // "1e-09"
    public static func number(_ x: Double, precision: Int = 6) -> String {
        printf(x, "%.\(max(1, min(17, precision)))g")
    }

    /// `x` with exactly `digits` decimals (`%.<digits>f`): `fixed(0.87349, digits: 3)` is "0.873".
    public static func fixed(_ x: Double, digits: Int) -> String {
        printf(x, "%.\(max(0, min(12, digits)))f")
    }

    private static func printf(_ x: Double, _ format: String) -> String {
        guard x.isFinite else { return "NaN" }
        var buffer = [CChar](repeating: 0, count: 64)
        _ = buffer.withUnsafeMutableBufferPointer { buf in
            withVaList([x]) { vsnprintf(buf.baseAddress, buf.count, format, $0) }
        }
        let s = String(cString: buffer)
        return s.hasPrefix("-") && s.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) ? String(s.dropFirst()) : s
    }
}

/// One block of a data file: an optional `#` comment header and whitespace-separated rows.
///
///     var b = DataBlock(comment: "x y class")
///     b.row([0.5, 1.25, 2])
public struct DataBlock: Sendable {
    /// The text of the block (rows end with `\n`).
    public private(set) var text: String
    /// Significant digits used by `row`.
    public var precision: Int

    public init(comment: String? = nil, precision: Int = 6) {
        self.precision = precision
        text = ""
        if let comment {
            for line in comment.split(separator: "\n", omittingEmptySubsequences: false) { text += "# \(line)\n" }
        }
    }

    /// Appends one row of numbers.
    public mutating func row(_ values: [Double]) {
        text += values.map { DataFormat.number($0, precision: precision) }.joined(separator: " ")
        text += "\n"
    }

    /// Appends a single blank line (a "scan" separator: gnuplot lifts the pen / starts a new grid row).
    public mutating func blankLine() { text += "\n" }

    /// Appends a `rows × cols` row-major grid as `column row value` lines, one blank line after
    /// each row (gnuplot's grid format for `with image`). `values: [rows, cols]`.
    /// (gnuplot's `matrix` format is not used: it misreads `index N` in files whose blocks differ
    /// in width.)
    public mutating func grid(_ values: [Float], rows: Int, cols: Int) {
        precondition(values.count == rows * cols, "DataBlock.grid: caller checks the shape")
        for r in 0..<rows {
            let rowText = String(r)
            for c in 0..<cols {
                text += String(c)
                text += " "
                text += rowText
                text += " "
                text += DataFormat.number(Double(values[r * cols + c]), precision: precision)
                text += "\n"
            }
            text += "\n"
        }
    }
}

/// The data file of one figure: blocks numbered 0, 1, 2 … in the order they were added.
/// Panels add their blocks while the figure is assembled and refer to them by `index`.
public final class FigureData {
    /// File name relative to the figure's folder (e.g. `figure2.dat`).
    public let fileName: String
    private(set) var blocks: [DataBlock] = []

    public init(fileName: String) { self.fileName = fileName }

    /// Adds a block and returns its gnuplot `index`.
    @discardableResult
    public func add(_ block: DataBlock) -> Int {
        blocks.append(block)
        return blocks.count - 1
    }

    /// `"figure2.dat" index 3` — the gnuplot source expression for block `index`.
    public func source(_ index: Int) -> String { "\(GnuplotText.quoted(fileName)) index \(index)" }

    /// The whole file: a header line, then blocks separated by two blank lines.
    public func contents(header: String) -> String {
        var out = "# \(header)\n"
        for (i, block) in blocks.enumerated() {
            if i > 0 { out += "\n\n" }
            out += "# index \(i)\n"
            out += block.text
        }
        return out
    }
}
