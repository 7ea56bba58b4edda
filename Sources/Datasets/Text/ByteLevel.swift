// ByteLevel — the two pieces of GPT-2/RoBERTa byte-level BPE that come before the merges:
// the byte ↔ printable-character table and the pre-tokenisation regex, written by hand.
//
// The regex (OpenAI GPT-2 encoder.py, also Hugging Face ByteLevel with use_regex):
//   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// Alternatives are tried in order at each position (leftmost-first, not longest). `\s` is
// Unicode White_Space, `\p{L}` the letter categories, `\p{N}` the number categories; the
// optional leading character is U+0020 only. `\s+(?!\S)` takes a run of whitespace but leaves
// its last character when a non-space follows (so " word" keeps its space), and the whole run
// at the end of the text. Deliberately not here: add_prefix_space (RoBERTa leaves it off),
// offsets, the merges (BPETokenizer.swift).

/// GPT-2's reversible byte → character map: printable Latin-1 bytes map to themselves, the
/// other 68 bytes to U+0100… in byte order, so every byte sequence is a printable string
/// (space 0x20 → "Ġ" U+0120, newline 0x0A → "Ċ" U+010A).
enum ByteLevel {
    /// `byteToScalar[b]` for each byte b.
    static let byteToScalar: [Unicode.Scalar] = {
        var table = [Unicode.Scalar](repeating: " ", count: 256)
        var extra: UInt32 = 0
        for b in 0..<256 {
            let printable = (33...126).contains(b) || (161...172).contains(b) || (174...255).contains(b)
            if printable {
                table[b] = Unicode.Scalar(UInt32(b))!
            } else {
                table[b] = Unicode.Scalar(256 + extra)!
                extra += 1
            }
        }
        return table
    }()

    /// Inverse of `byteToScalar`.
    static let scalarToByte: [Unicode.Scalar: UInt8] = {
        var m = [Unicode.Scalar: UInt8]()
        for (b, u) in byteToScalar.enumerated() { m[u] = UInt8(b) }
        return m
    }()

    /// The byte-level string of `piece`: its UTF-8 bytes through `byteToScalar`.
    static func mapped<S: Sequence>(_ piece: S) -> String where S.Element == Unicode.Scalar {
        var v = String.UnicodeScalarView()
        for u in piece {
            for b in String(u).utf8 { v.append(byteToScalar[Int(b)]) }
        }
        return String(v)
    }

    /// Character classes of the regex.
    enum Class { case letter, number, space, other }

    static func classify(_ u: Unicode.Scalar) -> Class {
        let v = u.value
        if v < 0x80 {
            switch v {
            case 65...90, 97...122: return .letter
            case 48...57: return .number
            case 9...13, 32: return .space
            default: return .other
            }
        }
        if u.properties.isWhitespace { return .space }
        switch u.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return .letter
        case .decimalNumber, .letterNumber, .otherNumber: return .number
        default: return .other
        }
    }

    /// Splits `s` into the regex's matches, returned as index ranges into `s`. The ranges
    /// cover `s` exactly, in order (the regex matches everything).
    static func pieces(_ s: [Unicode.Scalar]) -> [Range<Int>] {
        let n = s.count
        let cls = s.map(classify)
        var out = [Range<Int>]()
        var i = 0
        func runEnd(_ from: Int, _ c: Class) -> Int {
            var j = from
            while j < n && cls[j] == c { j += 1 }
            return j
        }
        while i < n {
            if let k = contractionLength(s, i) {
                out.append(i..<(i + k))
                i += k
                continue
            }
            // ` ?X+` for X in letter, number, other: the optional U+0020 is taken when a run follows.
            let start = (s[i] == " " && i + 1 < n && cls[i + 1] != .space) ? i + 1 : i
            let c = cls[start]
            if c != .space {
                let e = runEnd(start, c)
                out.append(i..<e)
                i = e
                continue
            }
            // Whitespace: `\s+(?!\S)` then `\s+`.
            let e = runEnd(i, .space)
            if e == n || e - i == 1 {
                out.append(i..<e)
                i = e
            } else {
                out.append(i..<(e - 1))
                i = e - 1
            }
        }
        return out
    }

    /// Length of the contraction `'s 't 're 've 'm 'll 'd` at `i` (case-sensitive), or nil.
    private static func contractionLength(_ s: [Unicode.Scalar], _ i: Int) -> Int? {
        guard s[i] == "'", i + 1 < s.count else { return nil }
        switch s[i + 1] {
        case "s", "t", "m", "d":
            return 2
        case "r", "v":
            return i + 2 < s.count && s[i + 2] == "e" ? 3 : nil
        case "l":
            return i + 2 < s.count && s[i + 2] == "l" ? 3 : nil
        default:
            return nil
        }
    }
}
