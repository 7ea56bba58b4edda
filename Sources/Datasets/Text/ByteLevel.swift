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

    /// Character classes of the regex.
    enum Class: UInt8 { case letter, number, space, other }

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

    /// Splits `text` into the regex's matches, returned as ranges of UTF-8 byte offsets. The
    /// ranges cover the text exactly, in order (the regex matches everything).
    static func pieces(_ text: String) -> [Range<Int>] {
        var text = text
        return text.withUTF8 { pieces(utf8: $0) }
    }

    /// The scan itself, on valid UTF-8 (a `String`'s bytes).
    static func pieces(utf8 b: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        let n = b.count
        let asciiClass = Self.asciiClass  // once, not a lazy-global check per byte
        var out = [Range<Int>]()
        // Class and byte width of the scalar starting at byte p.
        func scalar(at p: Int) -> (Class, Int) {
            let lead = b[p]
            if lead < 0x80 { return (asciiClass[Int(lead)], 1) }
            var width = 2, value = UInt32(lead & 0x1F)
            if lead >= 0xF0 { width = 4; value = UInt32(lead & 0x07) } else if lead >= 0xE0 { width = 3; value = UInt32(lead & 0x0F) }
            for k in 1..<width { value = value << 6 | UInt32(b[p + k] & 0x3F) }
            return (Unicode.Scalar(value).map(classify) ?? .other, width)
        }
        var i = 0
        while i < n {
            if b[i] == UInt8(ascii: "'"), let k = contractionLength(b, i) {
                out.append(i..<(i + k))
                i += k
                continue
            }
            // ` ?X+` for X in letter, number, other: the optional U+0020 is taken when a run follows.
            var (c, _) = scalar(at: i)
            var start = i
            if b[i] == 32 && i + 1 < n {
                let (next, _) = scalar(at: i + 1)
                if next != .space { c = next; start = i + 1 }
            }
            var j = start, last = start, count = 0
            while j < n {
                let (cj, wj) = scalar(at: j)
                if cj != c { break }
                last = j
                j += wj
                count += 1
            }
            // Whitespace: `\s+(?!\S)` leaves the last space before a non-space; else `\s+`.
            let stop = (c != .space || j == n || count == 1) ? j : last
            out.append(i..<stop)
            i = stop
        }
        return out
    }

    private static let asciiClass: [Class] = (0..<128).map { classify(Unicode.Scalar(UInt8($0))) }

    /// Length of the contraction `'s 't 're 've 'm 'll 'd` at byte `i` (case-sensitive), or nil.
    private static func contractionLength(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int? {
        let n = b.count
        guard i + 1 < n else { return nil }
        switch b[i + 1] {
        case UInt8(ascii: "s"), UInt8(ascii: "t"), UInt8(ascii: "m"), UInt8(ascii: "d"):
            return 2
        case UInt8(ascii: "r"), UInt8(ascii: "v"):
            return i + 2 < n && b[i + 2] == UInt8(ascii: "e") ? 3 : nil
        case UInt8(ascii: "l"):
            return i + 2 < n && b[i + 2] == UInt8(ascii: "l") ? 3 : nil
        default:
            return nil
        }
    }
}
