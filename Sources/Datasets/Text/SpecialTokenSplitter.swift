// SpecialTokenSplitter — finds special-token strings (`[SEP]`, `<mask>`, …) written literally
// in the input and cuts the text around them, before any normalisation, as Hugging Face's
// AddedVocabulary does for special tokens with `normalized: false`.
//
// Matching is exact (case-sensitive), leftmost, longest token first at a position. A token
// marked `lstrip` (RoBERTa's `<mask>`) also swallows the whitespace just before it.
// Deliberately not here: `rstrip`, `single_word` and normalised added tokens (no model of
// this project uses them).

/// Cuts text into plain stretches and special-token ids.
struct SpecialTokenSplitter: Sendable {
    enum Segment: Equatable {
        case text(String)
        case special(Int32)
    }

    private struct Entry: Sendable {
        let scalars: [Unicode.Scalar]
        let id: Int32
        let lstrip: Bool
    }

    private let entries: [Entry]
    private let firstScalars: Set<Unicode.Scalar>
    private let firstBytes: [Bool]?

    /// `tokens`: (string, id, lstrip). Empty strings are ignored.
    init(_ tokens: [(String, Int32, Bool)]) {
        let list = tokens.filter { !$0.0.isEmpty }
            .map { Entry(scalars: Array($0.0.unicodeScalars), id: $0.1, lstrip: $0.2) }
        entries = list.sorted { $0.scalars.count > $1.scalars.count }
        firstScalars = Set(list.map { $0.scalars[0] })
        if firstScalars.allSatisfy({ $0.isASCII }) {
            var table = [Bool](repeating: false, count: 256)
            for u in firstScalars { table[Int(u.value)] = true }
            firstBytes = table
        } else {
            firstBytes = nil
        }
    }

    /// The segments of `text` in order. Text without any special token is one `.text`.
    func split(_ text: String) -> [Segment] {
        if !mayContainSpecial(text) { return text.isEmpty ? [] : [.text(text)] }
        let s = Array(text.unicodeScalars)
        var out = [Segment]()
        var segmentStart = 0, i = 0
        while i < s.count {
            guard firstScalars.contains(s[i]), let e = match(s, at: i) else {
                i += 1
                continue
            }
            var start = i
            if e.lstrip {
                while start > segmentStart && s[start - 1].properties.isWhitespace { start -= 1 }
            }
            if start > segmentStart { out.append(.text(Self.string(s[segmentStart..<start]))) }
            out.append(.special(e.id))
            i += e.scalars.count
            segmentStart = i
        }
        if segmentStart < s.count { out.append(.text(Self.string(s[segmentStart..<s.count]))) }
        return out
    }

    /// Ids of `text`: each special token becomes its id, each plain stretch is appended by `plain`.
    func ids(_ text: String, plain: (String, inout [Int32]) -> Void) -> [Int32] {
        var out = [Int32]()
        for segment in split(text) {
            switch segment {
            case .special(let id): out.append(id)
            case .text(let t): plain(t, &out)
            }
        }
        return out
    }

    /// False when no special token can start anywhere in `text` (a byte scan when every
    /// token starts with an ASCII character, as `[` and `<` do).
    private func mayContainSpecial(_ text: String) -> Bool {
        if let firstBytes {
            return text.utf8.contains { firstBytes[Int($0)] }
        }
        return text.unicodeScalars.contains { firstScalars.contains($0) }
    }

    private func match(_ s: [Unicode.Scalar], at i: Int) -> Entry? {
        for e in entries where i + e.scalars.count <= s.count {
            var ok = true
            for k in 0..<e.scalars.count where s[i + k] != e.scalars[k] {
                ok = false
                break
            }
            if ok { return e }
        }
        return nil
    }

    private static func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var v = String.UnicodeScalarView()
        v.append(contentsOf: scalars)
        return String(v)
    }
}
