// WordPieceTokenizer — BERT-uncased WordPiece over a `vocab.txt` (one token per line, id =
// 0-based line number), as used by all-MiniLM-L6-v2 in the tiny config.
//
// Pipeline: special-token strings are cut out first (SpecialTokenSplitter), the rest is
// normalised and split into words (BertNormalizer), and each word becomes pieces by greedy
// longest-match-first with the `##` continuation prefix; a word longer than 100 characters
// (Unicode scalars) or one that cannot be split is a single `[UNK]`. Raw whitespace-separated
// chunks are memoised (chunk → ids).
// Single input: `[CLS] A [SEP]`; pair: `[CLS] A [SEP] B [SEP]` with type ids 0…0 1…1.
// Deliberately not here: cased models, offsets, the tokenizer.json file format (vocab.txt
// holds everything this model's tokenizer needs).

import Foundation

/// BERT-uncased WordPiece tokenizer.
///
/// ```swift
/// let tok = try WordPieceTokenizer(vocabURL: miniLM.appendingPathComponent("vocab.txt"))
/// tok.tokenize("Small left pleural effusion.")  // ["small", "left", "pl", "##eur", "##al", "e", "##ff", "##usion", "."]
/// let e = try tok.encode("Small left pleural effusion.")  // [101, 2235, …, 1012, 102]
/// ```
public struct WordPieceTokenizer: TextTokenizer {
    /// Longest word (in Unicode scalars) WordPiece tries to split; longer words are `[UNK]`.
    public static let maxInputCharsPerWord = 100
    /// Prefix of a piece that continues a word.
    public static let continuationPrefix = "##"

    /// Where the vocabulary came from (for messages).
    public let source: String
    public let specialIds: SpecialTokenIds
    public let template: SpecialTokenTemplate
    public let vocabulary: Vocabulary
    private let longestPiece: Int
    private let splitter: SpecialTokenSplitter
    private let cache = WordCache()

    /// Loads `vocab.txt`.
    ///
    /// - Throws: `TokenizerError.missingFile`; `.malformed` for a non-UTF-8 or empty file or a
    ///   blank line; `.duplicateToken`; `.missingSpecialToken` when `[PAD]`, `[UNK]`, `[CLS]`
    ///   or `[SEP]` is absent. Every error names the file.
    public init(vocabURL: URL) throws {
        let text = try readTokenizerFile(vocabURL)
        // Split on U+000A scalars (as Characters, "\r\n" would be one grapheme and never match "\n").
        var lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map(Substring.init)
        if lines.last?.isEmpty == true { lines.removeLast() }
        try self.init(tokens: lines.map { Self.trimTrailingWhitespace($0) }, source: vocabURL.path)
    }

    /// Builds the tokenizer from the token list (id = index). `source` names it in errors.
    public init(tokens: [String], source: String = "<in-memory vocabulary>") throws {
        guard !tokens.isEmpty else {
            throw TokenizerError.malformed(file: source, line: nil, field: "vocabulary", reason: "no tokens")
        }
        var vocab = [String: Int32](minimumCapacity: tokens.count)
        var longest = 0
        for (i, token) in tokens.enumerated() {
            guard !token.isEmpty else {
                throw TokenizerError.malformed(file: source, line: i + 1, field: "token", reason: "blank line")
            }
            if let first = vocab[token] {
                throw TokenizerError.duplicateToken(file: source, token: token, firstLine: Int(first) + 1, line: i + 1)
            }
            vocab[token] = Int32(i)
            let bare = token.hasPrefix(Self.continuationPrefix) ? token.dropFirst(2) : Substring(token)
            longest = max(longest, bare.unicodeScalars.count)
        }
        func required(_ t: String) throws -> Int32 {
            guard let id = vocab[t] else { throw TokenizerError.missingSpecialToken(file: source, token: t) }
            return id
        }
        let ids = SpecialTokenIds(start: try required("[CLS]"), end: try required("[SEP]"), pad: try required("[PAD]"),
                                  unknown: try required("[UNK]"), mask: vocab["[MASK]"])
        self.source = source
        self.vocabulary = Vocabulary(tokens: tokens, ids: vocab)
        self.longestPiece = longest
        self.specialIds = ids
        self.template = SpecialTokenTemplate(prefix: [ids.start], middle: [ids.end], suffix: [ids.end], secondTypeId: 1)
        let specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].compactMap { t in vocab[t].map { (t, $0, false) } }
        self.splitter = SpecialTokenSplitter(specials)
    }

    /// Content ids: normalise, split into words, WordPiece each word.
    /// ASCII space/tab/LF/CR always end a word and normalisation never looks across them, so
    /// each raw chunk between them is memoised as a whole: in the common case a chunk costs one
    /// dictionary lookup and no normalisation.
    public func tokenIds(_ text: String) -> [Int32] {
        // Locals, so the closures below capture three references rather than a copy of `self`.
        let cache = self.cache, vocab = vocabulary.ids, longest = longestPiece, unknown = specialIds.unknown
        return splitter.ids(text) { plain, out in
            var plain = plain
            plain.withUTF8 { bytes in
                var start = 0
                for i in 0...bytes.count {
                    let end = i == bytes.count || bytes[i] == 32 || bytes[i] == 9 || bytes[i] == 10 || bytes[i] == 13
                    guard end else { continue }
                    if i > start {
                        let chunk = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
                        out += cache.ids(for: chunk) {
                            Self.chunkIds($0, vocab: vocab, longestPiece: longest, unknown: unknown)
                        }
                    }
                    start = i + 1
                }
            }
        }
    }

    /// Ids of one raw whitespace-free chunk: normalise, split into words, WordPiece each.
    static func chunkIds(_ chunk: String, vocab: [String: Int32], longestPiece: Int, unknown: Int32) -> [Int32] {
        var out = [Int32]()
        for word in BertNormalizer.words(chunk) {
            out += wordPieces(word, vocab: vocab, longestPiece: longestPiece, unknown: unknown)
        }
        return out
    }

    /// Greedy longest-match-first split of one normalised word:
    /// at each start, the longest `s[start..<end]` (prefixed `##` unless start = 0) in the
    /// vocabulary; `[UNK]` for the whole word if some start has no match or the word has more
    /// than `maxInputCharsPerWord` scalars. `longestPiece`: longest token in scalars, `##` excluded.
    static func wordPieces(_ word: String, vocab: [String: Int32], longestPiece: Int, unknown: Int32) -> [Int32] {
        let s = Array(word.unicodeScalars)
        if s.count > maxInputCharsPerWord { return [unknown] }
        var out = [Int32]()
        var start = 0
        while start < s.count {
            var end = min(s.count, start + longestPiece)
            var found: Int32?
            while end > start {
                var piece = String.UnicodeScalarView()
                if start > 0 { piece.append(contentsOf: continuationPrefix.unicodeScalars) }
                piece.append(contentsOf: s[start..<end])
                if let id = vocab[String(piece)] {
                    found = id
                    break
                }
                end -= 1
            }
            guard let id = found else { return [unknown] }
            out.append(id)
            start = end
        }
        return out
    }

    /// Joins WordPiece tokens back into text: pieces separated by spaces, `##` continuations glued.
    public func decodeText(_ ids: [Int32], skipSpecialTokens: Bool = true) -> String {
        let skip: Set<Int32> = [specialIds.start, specialIds.end, specialIds.pad]
        var out = ""
        for id in ids where !(skipSpecialTokens && skip.contains(id)) {
            let t = token(for: id) ?? "?"
            if t.hasPrefix(Self.continuationPrefix) {
                out += t.dropFirst(2)
            } else {
                if !out.isEmpty { out += " " }
                out += t
            }
        }
        return out
    }

    private static func trimTrailingWhitespace(_ line: Substring) -> String {
        var end = line.unicodeScalars.endIndex
        let scalars = line.unicodeScalars
        while end > scalars.startIndex {
            let prev = scalars.index(before: end)
            guard scalars[prev].properties.isWhitespace else { break }
            end = prev
        }
        return String(scalars[scalars.startIndex..<end])
    }
}
