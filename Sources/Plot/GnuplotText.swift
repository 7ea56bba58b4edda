// GnuplotText — strings inside gnuplot scripts: quoting, word wrapping, colours and palettes.
//
// Terminals run with `noenhanced`, so `_`, `^` and `@` in class names and reports print as
// typed; only `\` and `"` need escaping inside double quotes (and a newline becomes `\n`).
// What it deliberately does not do: font metrics — wrapping counts characters, which is good
// enough for DejaVu Sans at the sizes used here.

/// Helpers that produce gnuplot script text.
public enum GnuplotText {
    /// `s` as a double-quoted gnuplot string (`\`, `"` escaped, newlines as `\n`).
    public static func quoted(_ s: String) -> String {
        var out = "\""
        for ch in s {
            switch ch {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\r", "\t": out += " "
            default: out.append(ch)
            }
        }
        return out + "\""
    }

    /// Greedy word wrap: each paragraph of `text` (split at `\n`) broken into lines of at most
    /// `width` characters (a longer word gets a line of its own, cut at `width`).
    ///
    ///     GnuplotText.wrap("Sinus rhythm. Left axis deviation.", width: 14)
    ///     // ["Sinus rhythm.", "Left axis", "deviation."]
    public static func wrap(_ text: String, width: Int) -> [String] {
        let width = max(4, width)
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            for word in paragraph.split(separator: " ") {
                var w = String(word)
                while w.count > width {                      // hard-cut very long tokens
                    if !line.isEmpty { lines.append(line); line = "" }
                    lines.append(String(w.prefix(width)))
                    w = String(w.dropFirst(width))
                }
                if line.isEmpty { line = w }
                else if line.count + 1 + w.count <= width { line += " " + w }
                else { lines.append(line); line = w }
            }
            lines.append(line)
        }
        while lines.count > 1, lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    /// A colour-blind-friendly qualitative palette (Okabe–Ito, then Tableau extras) for classes
    /// and series; index `i` wraps around.
    public static func classColor(_ i: Int) -> String {
        let colors = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9",
                      "#000000", "#F0E442", "#8C564B", "#7F7F7F", "#BCBD22", "#17BECF"]
        return colors[((i % colors.count) + colors.count) % colors.count]
    }
}

/// A sequential colour map for heatmaps and relevance shading, written as gnuplot functions
/// `cm_r(v)`, `cm_g(v)`, `cm_b(v)` of `v ∈ [0, 1]` (so data columns and the colour bar agree).
public enum ColorMap: String, Sendable, CaseIterable {
    /// MATLAB-style jet: r = clip(1.5 − |4v − 3|), g = clip(1.5 − |4v − 2|), b = clip(1.5 − |4v − 1|).
    case jet
    /// Black–red–yellow–white (gnuplot rgbformulae 21,22,23): r = 3v, g = 3v − 1, b = 3v − 2, clipped.
    case hot
    /// White to crimson, for shading under ECG traces: r = 1 − 0.2v, g = b = 1 − 0.9v.
    case reds

    /// gnuplot definitions of `cm_r`, `cm_g`, `cm_b` and a matching `set palette`.
    public var definitions: String {
        let clip = "cm_clip(v) = v < 0 ? 0 : (v > 1 ? 1 : v)\n"
        let body: String
        switch self {
        case .jet:
            body = """
            cm_r(v) = cm_clip(1.5 - abs(4*v - 3))
            cm_g(v) = cm_clip(1.5 - abs(4*v - 2))
            cm_b(v) = cm_clip(1.5 - abs(4*v - 1))
            """
        case .hot:
            body = """
            cm_r(v) = cm_clip(3*v)
            cm_g(v) = cm_clip(3*v - 1)
            cm_b(v) = cm_clip(3*v - 2)
            """
        case .reds:
            body = """
            cm_r(v) = cm_clip(1 - 0.2*v)
            cm_g(v) = cm_clip(1 - 0.9*v)
            cm_b(v) = cm_clip(1 - 0.9*v)
            """
        }
        return clip + body + "\nset palette model RGB functions cm_r(gray), cm_g(gray), cm_b(gray)\n"
    }
}
