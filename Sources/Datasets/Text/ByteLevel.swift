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
        // Per scalar: its class, its value if ASCII (else 0), and its first byte offset.
        var cls = [Class](), ascii = [UInt8](), offset = [Int]()
        var bytes = 0
        for u in text.unicodeScalars {
            cls.append(classify(u))
            ascii.append(u.isASCII ? UInt8(u.value) : 0)
            offset.append(bytes)
            bytes += UTF8.width(u)
        }
        offset.append(bytes)
        let n = cls.count
        var out = [Range<Int>]()
        func emit(_ a: Int, _ b: Int) { out.append(offset[a]..<offset[b]) }
        func runEnd(_ from: Int, _ c: Class) -> Int {
            var j = from
            while j < n && cls[j] == c { j += 1 }
            return j
        }
        var i = 0
        while i < n {
            if let k = contractionLength(ascii, i) {
                emit(i, i + k)
                i += k
                continue
            }
            // ` ?X+` for X in letter, number, other: the optional U+0020 is taken when a run follows.
            let start = (ascii[i] == 32 && i + 1 < n && cls[i + 1] != .space) ? i + 1 : i
            let c = cls[start]
            if c != .space {
                let e = runEnd(start, c)
                emit(i, e)
                i = e
                continue
            }
            // Whitespace: `\s+(?!\S)` then `\s+`.
            let e = runEnd(i, .space)
            let stop = (e == n || e - i == 1) ? e : e - 1
            emit(i, stop)
            i = stop
        }
        return out
    }

    /// Length of the contraction `'s 't 're 've 'm 'll 'd` at scalar `i` (case-sensitive), or
    /// nil; `ascii` holds each scalar's value when ASCII, else 0.
    private static func contractionLength(_ ascii: [UInt8], _ i: Int) -> Int? {
        let n = ascii.count
        guard ascii[i] == UInt8(ascii: "'"), i + 1 < n else { return nil }
        switch ascii[i + 1] {
        case UInt8(ascii: "s"), UInt8(ascii: "t"), UInt8(ascii: "m"), UInt8(ascii: "d"):
            return 2
        case UInt8(ascii: "r"), UInt8(ascii: "v"):
            return i + 2 < n && ascii[i + 2] == UInt8(ascii: "e") ? 3 : nil
        case UInt8(ascii: "l"):
            return i + 2 < n && ascii[i + 2] == UInt8(ascii: "l") ? 3 : nil
        default:
            return nil
        }
    }
}
