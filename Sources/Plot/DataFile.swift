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
    /// gnuplot treats as a missing point; `-0` prints as `0`.
    ///
    ///     DataFormat.number(0.1234567)   // "0.123457"
    ///     DataFormat.number(1e-9, precision: 3)   // "1e-09"
    public static func number(_ x: Double, precision: Int = 6) -> String {
        var bytes: [UInt8] = []
        append(x, precision: precision, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `x` with exactly `digits` decimals (`%.<digits>f`): `fixed(0.87349, digits: 3)` is "0.873".
    public static func fixed(_ x: Double, digits: Int) -> String {
        var bytes: [UInt8] = []
        printf(x, format: "%.\(max(0, min(12, digits)))f", to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `%.<precision>g` of `x` to `bytes`. Integers below 10^precision (grid
    /// coordinates, counts) take a fast path that prints exactly what `%g` prints.
    static func append(_ x: Double, precision: Int, to bytes: inout [UInt8]) {
        let p = max(1, min(17, precision))
        guard x.isFinite else { bytes += Array("NaN".utf8); return }
        if x == x.rounded(), abs(x) < Self.powersOfTen[p] {
            let i = Int(x)
            if i == 0 { bytes.append(UInt8(ascii: "0")); return }
            bytes += Array(String(i).utf8)
            return
        }
        printf(x, format: Self.gFormats[p], to: &bytes)
    }

    private static let powersOfTen: [Double] = (0...17).map { (0..<$0).reduce(1.0) { a, _ in a * 10 } }
    private static let gFormats: [String] = (0...17).map { "%.\($0)g" }

    /// Appends C `printf(format, x)` to `bytes`, mapping a negative zero result ("-0", "-0.00") to positive.
    private static func printf(_ x: Double, format: String, to bytes: inout [UInt8]) {
        guard x.isFinite else { bytes += Array("NaN".utf8); return }
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buf in
            let n = Int(withVaList([x]) { vsnprintf(buf.baseAddress, 64, format, $0) })
            let written = UnsafeRawBufferPointer(start: buf.baseAddress, count: max(0, min(n, 63)))
            let isNegativeZero = written.first == UInt8(ascii: "-")
                && written.dropFirst().allSatisfy { $0 == UInt8(ascii: "0") || $0 == UInt8(ascii: ".") }
            bytes += isNegativeZero ? Array(written.dropFirst()) : Array(written)
        }
    }
}

/// One block of a data file: an optional `#` comment header and whitespace-separated rows.
///
///     var b = DataBlock(comment: "x y class")
///     b.row([0.5, 1.25, 2])
public struct DataBlock: Sendable {
    /// The UTF-8 bytes of the block (rows end with `\n`).
    public private(set) var bytes: [UInt8] = []
    /// Significant digits used by `row` and `grid`.
    public var precision: Int

    /// The block as text.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    public init(comment: String? = nil, precision: Int = 6) {
        self.precision = precision
        if let comment {
            for line in comment.split(separator: "\n", omittingEmptySubsequences: false) { bytes += Array("# \(line)\n".utf8) }
        }
    }

    /// Appends one row of numbers.
    public mutating func row(_ values: [Double]) {
        for (i, v) in values.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: " ")) }
            DataFormat.append(v, precision: precision, to: &bytes)
        }
        bytes.append(UInt8(ascii: "\n"))
    }

    /// Appends a single blank line (a "scan" separator: gnuplot lifts the pen / starts a new grid row).
    public mutating func blankLine() { bytes.append(UInt8(ascii: "\n")) }

    /// Appends a `rows × cols` row-major grid as `column row value` lines, one blank line after
    /// each row (gnuplot's grid format for `with image`). `values: [rows, cols]`.
    /// (gnuplot's `matrix` format is not used: it misreads `index N` in files whose blocks differ
    /// in width.)
    public mutating func grid(_ values: [Float], rows: Int, cols: Int) {
        precondition(values.count == rows * cols, "DataBlock.grid: caller checks the shape")
        for r in 0..<rows {
            for c in 0..<cols { row([Double(c), Double(r), Double(values[r * cols + c])]) }
            blankLine()
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
    public func contents(header: String) -> [UInt8] {
        var out = Array("# \(header)\n".utf8)
        out.reserveCapacity(blocks.reduce(out.count) { $0 + $1.bytes.count + 16 })
        for (i, block) in blocks.enumerated() {
            if i > 0 { out += Array("\n\n".utf8) }
            out += Array("# index \(i)\n".utf8)
            out += block.bytes
        }
        return out
    }
}
