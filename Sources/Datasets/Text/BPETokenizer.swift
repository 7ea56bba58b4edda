// BPETokenizer — RoBERTa / GPT-2 byte-level BPE over `vocab.json` + `merges.txt`, for the
// paper config's RoBERTa-base-PM-M3 text tower.
//
// Pipeline: special-token strings are cut out first (`<mask>` also takes the whitespace before
// it, as in roberta-base); the rest is split by the GPT-2 regex (ByteLevel.pieces); each piece's
// UTF-8 bytes become byte tokens, which are merged pair by pair, always the adjacent pair of
// lowest merge rank (all its occurrences, left to right), until no ranked pair is left.
// Pieces are memoised. Single input `<s> A </s>`; pair `<s> A </s></s> B </s>`; all type ids 0
// (RoBERTa has no segment embedding distinction). No normaliser and no prefix space, as
// RobertaTokenizerFast.from_pretrained("roberta-base") which the authors used.
// Deliberately not here: BPE dropout, byte fallback, the tokenizer.json format, offsets.

import Foundation

/// Byte-level BPE tokenizer (RoBERTa conventions).
///
/// ```swift
/// let tok = try BPETokenizer(vocabURL: dir.appendingPathComponent("vocab.json"),
///                            mergesURL: dir.appendingPathComponent("merges.txt"))
/// let e = try tok.encode(xrayReport, ecgReport, maxLength: 512, padToMaxLength: true)
/// ```
public struct BPETokenizer: TextTokenizer {
    private struct Merge {
        let rank: Int32
        let id: Int32
    }

    /// Files the tokenizer was read from (for messages).
    public let vocabSource: String
    public let mergesSource: String
    public let specialIds: SpecialTokenIds
    public let template: SpecialTokenTemplate
    public let vocabulary: Vocabulary
    private let merges: [UInt64: Merge]
    private let byteIds: [Int32]
    private let splitter: SpecialTokenSplitter
    private let cache = WordCache()

    /// Loads `vocab.json` (token → id, ids 0..<n each used once) and `merges.txt` (optional
    /// `#version` line, then one `left right` pair per line, highest priority first).
    ///
    /// - Throws: `TokenizerError.missingFile`; `.malformed` naming the file, line and field for
    ///   bad JSON, a non-integer / repeated / out-of-range id, a merge line without exactly two
    ///   tokens, or a merge whose parts or result are not in the vocabulary;
    ///   `.missingSpecialToken` when `<s>`, `</s>`, `<pad>` or `<unk>` is absent.
    public init(vocabURL: URL, mergesURL: URL) throws {
        let vocabFile = vocabURL.path, mergesFile = mergesURL.path
        let json = try readTokenizerFile(vocabURL)
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: Data(json.utf8)) } catch {
            throw TokenizerError.malformed(file: vocabFile, line: nil, field: "JSON", reason: "\(error.localizedDescription)")
        }
        guard let dict = object as? [String: Any], !dict.isEmpty else {
            throw TokenizerError.malformed(file: vocabFile, line: nil, field: "vocabulary",
                                           reason: "expected a non-empty JSON object of token → id")
        }
        var tokens = [String?](repeating: nil, count: dict.count)
        var vocab = [String: Int32](minimumCapacity: dict.count)
        for (token, value) in dict {
            guard let n = value as? NSNumber, let id = Int(exactly: n.doubleValue), id >= 0, id < dict.count else {
                throw TokenizerError.malformed(file: vocabFile, line: nil, field: "id of \(token.debugDescription)",
                                               reason: "\(value) is not an integer in 0..<\(dict.count)")
            }
            if let other = tokens[id] {
                throw TokenizerError.malformed(file: vocabFile, line: nil, field: "id \(id)",
                                               reason: "used by both \(other.debugDescription) and \(token.debugDescription)")
            }
            tokens[id] = token
            vocab[token] = Int32(id)
        }
        func required(_ t: String) throws -> Int32 {
            guard let id = vocab[t] else { throw TokenizerError.missingSpecialToken(file: vocabFile, token: t) }
            return id
        }
        let ids = SpecialTokenIds(start: try required("<s>"), end: try required("</s>"), pad: try required("<pad>"),
                                  unknown: try required("<unk>"), mask: vocab["<mask>"])

        var merges = [UInt64: Merge]()
        let lines = try readTokenizerFile(mergesURL).unicodeScalars
            .split(separator: "\n", omittingEmptySubsequences: false).map { String(Substring($0)) }
        var rank: Int32 = 0
        for (i, raw) in lines.enumerated() {
            let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : raw
            if line.isEmpty || (i == 0 && line.hasPrefix("#version")) { continue }
            let parts = line.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw TokenizerError.malformed(file: mergesFile, line: i + 1, field: "merge",
                                               reason: "expected two tokens separated by one space, got \(line.debugDescription)")
            }
            let l = String(parts[0]), r = String(parts[1])
            guard let a = vocab[l], let b = vocab[r], let merged = vocab[l + r] else {
                let absent = [l, r, l + r].first { vocab[$0] == nil } ?? l
                throw TokenizerError.malformed(file: mergesFile, line: i + 1, field: "merge",
                                               reason: "\(absent.debugDescription) is not in \(vocabFile)")
            }
            merges[Self.key(a, b)] = Merge(rank: rank, id: merged)
            rank += 1
        }

        self.vocabSource = vocabFile
        self.mergesSource = mergesFile
        self.vocabulary = Vocabulary(tokens: tokens.map { $0 ?? "" }, ids: vocab)
        self.merges = merges
        self.byteIds = ByteLevel.byteToScalar.map { vocab[String($0)] ?? ids.unknown }
        self.specialIds = ids
        self.template = SpecialTokenTemplate(prefix: [ids.start], middle: [ids.end, ids.end], suffix: [ids.end],
                                             secondTypeId: 0)
        var specials = [("<s>", ids.start, false), ("<pad>", ids.pad, false), ("</s>", ids.end, false),
                        ("<unk>", ids.unknown, false)]
        if let m = ids.mask { specials.append(("<mask>", m, true)) }
        self.splitter = SpecialTokenSplitter(specials)
    }

    /// Loads `vocab.json` and `merges.txt` from one folder.
    public init(directory: URL) throws {
        try self.init(vocabURL: directory.appendingPathComponent("vocab.json"),
                      mergesURL: directory.appendingPathComponent("merges.txt"))
    }

    /// Number of merge rules.
    public var mergeCount: Int { merges.count }

    /// Content ids: GPT-2 pieces, each through byte-level BPE (memoised per piece).
    public func tokenIds(_ text: String) -> [Int32] {
        // Locals, so the closures below capture three references rather than a copy of `self`.
        let cache = self.cache, merges = self.merges, byteIds = self.byteIds
        return splitter.ids(text) { plain, out in
            var plain = plain
            plain.withUTF8 { bytes in
                for r in ByteLevel.pieces(utf8: bytes) {
                    let piece = String(decoding: UnsafeBufferPointer(rebasing: bytes[r]), as: UTF8.self)
                    out += cache.ids(for: piece) { Self.pieceIds($0, merges: merges, byteIds: byteIds) }
                }
            }
        }
    }

    /// BPE of one pre-tokenised piece: bytes → byte tokens, then repeatedly merge every
    /// occurrence (left to right) of the adjacent pair with the lowest rank. `byteIds[b]`: id of
    /// byte b's character.
    private static func pieceIds(_ piece: String, merges: [UInt64: Merge], byteIds: [Int32]) -> [Int32] {
        var symbols = [Int32]()
        symbols.reserveCapacity(piece.utf8.count)
        for b in piece.utf8 { symbols.append(byteIds[Int(b)]) }
        var next = [Int32]()
        next.reserveCapacity(symbols.count)
        while symbols.count > 1 {
            var best: Merge?, bestKey: UInt64 = 0
            for k in 0..<(symbols.count - 1) {
                let key = Self.key(symbols[k], symbols[k + 1])
                if let m = merges[key], m.rank < (best?.rank ?? .max) {
                    best = m
                    bestKey = key
                }
            }
            guard let merge = best else { break }
            next.removeAll(keepingCapacity: true)
            var k = 0
            while k < symbols.count {
                if k + 1 < symbols.count && Self.key(symbols[k], symbols[k + 1]) == bestKey {
                    next.append(merge.id)
                    k += 2
                } else {
                    next.append(symbols[k])
                    k += 1
                }
            }
            swap(&symbols, &next)
        }
        return symbols
    }

    /// The text of `ids`: tokens joined, byte characters turned back into UTF-8 bytes
    /// (invalid sequences become U+FFFD). Special tokens are dropped unless asked for.
    public func decodeText(_ ids: [Int32], skipSpecialTokens: Bool = true) -> String {
        var special: Set<Int32> = [specialIds.start, specialIds.end, specialIds.pad, specialIds.unknown]
        if let m = specialIds.mask { special.insert(m) }
        var bytes = [UInt8]()
        for id in ids {
            guard let t = token(for: id) else { continue }
            if special.contains(id) {
                if !skipSpecialTokens { bytes += Array(t.utf8) }
                continue
            }
            for u in t.unicodeScalars {
                if let b = ByteLevel.scalarToByte[u] { bytes.append(b) } else { bytes += Array(String(u).utf8) }
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func key(_ a: Int32, _ b: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b))
    }
}
