// TextTokenizer — the interface the text tower uses, so that the tiny config (BERT WordPiece,
// all-MiniLM-L6-v2) and the paper config (RoBERTa byte-level BPE) are interchangeable.
//
// A conforming type only has to split text into vocabulary ids and say where its special
// tokens go; single/pair encoding, truncation, padding and batching are shared here.
// Also here: the thread-safe word → ids cache both tokenizers use.
// Deliberately not here: tensors (batches are plain Int32 arrays; the model wraps them).

import Foundation

/// Ids of the special tokens a model needs.
public struct SpecialTokenIds: Equatable, Sendable {
    /// `[CLS]` (BERT) or `<s>` (RoBERTa): first token of every input.
    public var start: Int32
    /// `[SEP]` (BERT) or `</s>` (RoBERTa): closes each sentence.
    public var end: Int32
    /// `[PAD]` or `<pad>`.
    public var pad: Int32
    /// `[UNK]` or `<unk>`.
    public var unknown: Int32
    /// `[MASK]` or `<mask>`, when the vocabulary has one.
    public var mask: Int32?

    public init(start: Int32, end: Int32, pad: Int32, unknown: Int32, mask: Int32?) {
        self.start = start
        self.end = end
        self.pad = pad
        self.unknown = unknown
        self.mask = mask
    }
}

/// A subword tokenizer with a fixed vocabulary.
///
/// Usage:
/// ```swift
/// let tok: TextTokenizer = try WordPieceTokenizer(vocabURL: dir.appendingPathComponent("vocab.txt"))
/// let e = try tok.encode("The report from Xray is: …", "The report from ECG is: …", maxLength: 512,
///                        padToMaxLength: true)
/// // e.ids, e.typeIds, e.attentionMask: [512]
/// ```
public protocol TextTokenizer: Sendable {
    /// The token strings and their ids.
    var vocabulary: Vocabulary { get }
    /// Ids of the special tokens.
    var specialIds: SpecialTokenIds { get }
    /// Where the special tokens go in single and pair inputs.
    var template: SpecialTokenTemplate { get }
    /// Content token ids of `text` (special-token strings in the text map to their ids; no
    /// template tokens added; no truncation).
    func tokenIds(_ text: String) -> [Int32]
}

extension TextTokenizer {
    /// Number of ids (rows of the embedding table).
    public var vocabularySize: Int { vocabulary.count }

    /// The padding id.
    public var padId: Int32 { specialIds.pad }

    /// Vocabulary string of `id`, nil when out of range.
    public func token(for id: Int32) -> String? { vocabulary.token(for: id) }

    /// Id of a vocabulary string, nil when absent.
    public func id(for token: String) -> Int32? { vocabulary.id(for: token) }

    /// The subword strings of `text` (no special tokens added).
    public func tokenize(_ text: String) -> [String] {
        tokenIds(text).map { token(for: $0) ?? "" }
    }

    /// Ids → vocabulary strings (`"?"` for an id outside the vocabulary).
    public func decode(_ ids: [Int32]) -> [String] {
        ids.map { token(for: $0) ?? "?" }
    }

    /// Encodes one sentence (`prefix A suffix`) or a pair (`prefix A middle B suffix`).
    /// With `maxLength`, content is truncated longest-first so the total fits; with
    /// `padToMaxLength`, the result is padded to exactly `maxLength` (no effect without one).
    ///
    /// - Throws: `TokenizerError.maxLengthTooSmall` if `maxLength` cannot hold the special tokens.
    public func encode(_ a: String, _ b: String? = nil, maxLength: Int? = nil,
                       padToMaxLength: Bool = false) throws -> Encoding {
        try assembleEncoding(tokenIds(a), b.map { tokenIds($0) }, template: template, padId: padId,
                             maxLength: maxLength, padToMaxLength: padToMaxLength)
    }

    /// Encodes a batch into `[B, L]` arrays. `L` = `maxLength` when `padToMaxLength`, otherwise
    /// the longest row (after truncation to `maxLength`, if given).
    ///
    /// - Throws: `TokenizerError.batchMismatch` when `b` is given with a different count;
    ///   `TokenizerError.maxLengthTooSmall` as `encode`.
    public func encodeBatch(_ a: [String], _ b: [String]? = nil, maxLength: Int? = nil,
                            padToMaxLength: Bool = false) throws -> BatchEncoding {
        if let b, b.count != a.count { throw TokenizerError.batchMismatch(first: a.count, second: b.count) }
        var rows = [Encoding]()
        rows.reserveCapacity(a.count)
        for i in 0..<a.count {
            rows.append(try encode(a[i], b?[i], maxLength: maxLength, padToMaxLength: false))
        }
        var length = rows.map(\.count).max() ?? 0
        if padToMaxLength, let maxLength { length = max(length, maxLength) }
        return stackEncodings(rows, length: length, padId: padId)
    }
}

/// Token strings indexed by id, and the reverse map.
public struct Vocabulary: Sendable {
    /// `tokens[id]`.
    public let tokens: [String]
    let ids: [String: Int32]

    /// `tokens` must be distinct (the loaders check and report duplicates by file and line).
    init(tokens: [String], ids: [String: Int32]) {
        self.tokens = tokens
        self.ids = ids
    }

    /// Number of ids.
    public var count: Int { tokens.count }

    /// The string of `id`, nil when out of range.
    public func token(for id: Int32) -> String? {
        id >= 0 && Int(id) < tokens.count ? tokens[Int(id)] : nil
    }

    /// The id of `token`, nil when absent.
    public func id(for token: String) -> Int32? { ids[token] }
}

/// A bounded, lock-protected memo of word → ids, shared by copies of a tokenizer.
/// Tokenizing reports repeats the same few thousand words; the cache makes the second
/// occurrence a dictionary lookup. Cleared when it reaches `capacity` entries.
final class WordCache: @unchecked Sendable {
    private var table: [String: [Int32]] = [:]
    private let lock = NSLock()
    private let capacity: Int

    init(capacity: Int = 200_000) { self.capacity = capacity }

    /// The cached ids of `word`, or `make(word)` stored for next time.
    func ids(for word: String, _ make: (String) -> [Int32]) -> [Int32] {
        lock.lock()
        let hit = table[word]
        lock.unlock()
        if let hit { return hit }
        let ids = make(word)
        lock.lock()
        if table.count >= capacity { table.removeAll(keepingCapacity: true) }
        table[word] = ids
        lock.unlock()
        return ids
    }
}
