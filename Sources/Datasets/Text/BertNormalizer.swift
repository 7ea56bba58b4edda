// BertNormalizer — BERT-uncased text normalisation and pre-tokenisation: text → words.
//
// Follows Hugging Face `tokenizers` BertNormalizer(clean_text, handle_chinese_chars,
// strip_accents = lowercase = true) and BertPreTokenizer, in that order:
//   1. clean: drop U+0000, U+FFFD and control characters (Unicode category C*, except tab,
//      LF, CR); every whitespace character (White_Space, plus tab/LF/CR) becomes a space;
//   2. CJK ideographs get spaces around them (each becomes its own word);
//   3. strip accents: NFD, then drop nonspacing marks (category Mn);
//   4. lower-case each character with its full Unicode mapping (no context, as Rust's
//      `char::to_lowercase`);
//   5. split on spaces, then split off every punctuation character (ASCII 33–47, 58–64,
//      91–96, 123–126, and Unicode P*) as a word of its own.
// NFD is applied to the whole text first; that commutes with steps 1–2 (no control, space or
// CJK character changes class under canonical decomposition). Pure-ASCII text, the common
// case, takes a byte-level fast path. Deliberately not here: WordPiece (WordPieceTokenizer.swift),
// cased BERT (no lower-casing / accent stripping), offsets.

import Foundation

enum BertNormalizer {
    /// The normalised words of `text`, in order.
    static func words(_ text: String) -> [String] {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return asciiWords(text) }
        var words = [String]()
        var current = String.UnicodeScalarView()
        func flush() {
            if !current.isEmpty {
                words.append(String(current))
                current = String.UnicodeScalarView()
            }
        }
        func single(_ u: Unicode.Scalar) {
            flush()
            words.append(String(u))
        }
        for u in text.decomposedStringWithCanonicalMapping.unicodeScalars {
            let v = u.value
            if v == 0 || v == 0xFFFD || isControl(u) { continue }
            if isWhitespace(u) { flush(); continue }
            if isCJK(v) { single(u); continue }
            if u.properties.generalCategory == .nonspacingMark { continue }
            if v < 0x80 {
                let lower = (v >= 65 && v <= 90) ? Unicode.Scalar(v + 32)! : u
                if isPunctuation(lower) { single(lower) } else { current.append(lower) }
                continue
            }
            if u.properties.changesWhenLowercased {
                for l in u.properties.lowercaseMapping.unicodeScalars {
                    if isPunctuation(l) { single(l) } else { current.append(l) }
                }
            } else if isPunctuation(u) {
                single(u)
            } else {
                current.append(u)
            }
        }
        flush()
        return words
    }

    /// The same rules on pure-ASCII text, working on bytes.
    static func asciiWords(_ text: String) -> [String] {
        var words = [String]()
        var current = [UInt8]()
        current.reserveCapacity(32)
        func flush() {
            if !current.isEmpty {
                words.append(String(decoding: current, as: UTF8.self))
                current.removeAll(keepingCapacity: true)
            }
        }
        for b in text.utf8 {
            switch b {
            case 9, 10, 13, 32:
                flush()
            case 0..<32, 127:
                continue  // NUL and control characters are dropped
            case 65...90:
                current.append(b + 32)
            case 33...47, 58...64, 91...96, 123...126:
                flush()
                words.append(String(UnicodeScalar(b)))
            default:
                current.append(b)
            }
        }
        flush()
        return words
    }

    /// Control character as BERT counts it: category C* except tab, LF, CR.
    static func isControl(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 9, 10, 13: return false
        default: break
        }
        switch u.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned: return true
        default: return false
        }
    }

    /// Whitespace: tab, LF, CR, or the Unicode White_Space property.
    static func isWhitespace(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 9, 10, 13, 32: return true
        default: return u.properties.isWhitespace
        }
    }

    /// Punctuation: the four ASCII symbol ranges, or Unicode category P*.
    static func isPunctuation(_ u: Unicode.Scalar) -> Bool {
        let v = u.value
        if (33...47).contains(v) || (58...64).contains(v) || (91...96).contains(v) || (123...126).contains(v) {
            return true
        }
        if v < 0x80 { return false }
        switch u.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    /// The CJK Unified Ideographs blocks BERT isolates (not Hangul, Hiragana or Katakana).
    static func isCJK(_ v: UInt32) -> Bool {
        (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v) || (0x20000...0x2A6DF).contains(v)
            || (0x2A700...0x2B73F).contains(v) || (0x2B740...0x2B81F).contains(v)
            || (0x2B820...0x2CEAF).contains(v) || (0xF900...0xFAFF).contains(v) || (0x2F800...0x2FA1F).contains(v)
    }
}
