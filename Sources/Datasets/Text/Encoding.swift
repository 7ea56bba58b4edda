// Encoding — the model-ready form of one input (ids, token type ids, attention mask) and how
// it is assembled: special-token template, "longest_first" truncation, padding.
//
// The rules follow Hugging Face `tokenizers` (the Rust library behind BertTokenizerFast and
// RobertaTokenizerFast, which the MoRE authors and all-MiniLM-L6-v2 use), checked against it in
// Tests/Golden/wordpiece/truncation.json and Tests/Golden/bpe/expected.json.
// Deliberately not here: overflowing windows (stride), left truncation/padding, pad-to-multiple.

/// One encoded input. All three arrays have the same length.
public struct Encoding: Equatable, Sendable {
    /// Token ids, special tokens included, padding included.
    public var ids: [Int32]
    /// Segment ids: 0 for the first sentence, 1 for the second (BERT); all 0 for RoBERTa.
    public var typeIds: [Int32]
    /// 1 for real tokens, 0 for padding.
    public var attentionMask: [Int32]

    public init(ids: [Int32], typeIds: [Int32], attentionMask: [Int32]) {
        self.ids = ids
        self.typeIds = typeIds
        self.attentionMask = attentionMask
    }

    /// Number of positions (tokens + padding).
    public var count: Int { ids.count }
}

/// A batch of encodings padded to a common length, stored row-major: element `[b, t]` of each
/// array is at `b * length + t`.
public struct BatchEncoding: Equatable, Sendable {
    /// Number of rows B.
    public let batch: Int
    /// Common row length L.
    public let length: Int
    /// ids: [B, L]
    public var ids: [Int32]
    /// typeIds: [B, L]
    public var typeIds: [Int32]
    /// attentionMask: [B, L]
    public var attentionMask: [Int32]

    /// The shape `[B, L]`.
    public var shape: [Int] { [batch, length] }

    /// Row `b` as an `Encoding`.
    public func row(_ b: Int) -> Encoding {
        let r = (b * length)..<((b + 1) * length)
        return Encoding(ids: Array(ids[r]), typeIds: Array(typeIds[r]), attentionMask: Array(attentionMask[r]))
    }
}

/// Where the special tokens go (Hugging Face's post-processor):
/// single = `prefix A suffix`; pair = `prefix A middle B suffix`.
/// Token type ids are 0 for `prefix A middle` and `secondTypeId` for `B suffix`.
///
/// BERT: prefix `[CLS]`, middle `[SEP]`, suffix `[SEP]`, second type 1.
/// RoBERTa: prefix `<s>`, middle `</s></s>`, suffix `</s>`, second type 0.
public struct SpecialTokenTemplate: Equatable, Sendable {
    public var prefix: [Int32]
    public var middle: [Int32]
    public var suffix: [Int32]
    public var secondTypeId: Int32

    public init(prefix: [Int32], middle: [Int32], suffix: [Int32], secondTypeId: Int32) {
        self.prefix = prefix
        self.middle = middle
        self.suffix = suffix
        self.secondTypeId = secondTypeId
    }

    /// Special tokens added around one sentence or a pair.
    public func added(pair: Bool) -> Int { prefix.count + suffix.count + (pair ? middle.count : 0) }
}

/// Hugging Face "longest_first" truncation of the content tokens to a total of `budget`
/// (max_length minus the special tokens), as in `tokenizers::utils::truncation`:
/// with n1 ≤ n2 the shorter and longer lengths, the longer is cut to max(n1, budget − n1);
/// if that still does not fit, the shorter gets ⌊budget/2⌋ and the longer ⌈budget/2⌉.
/// So the longer sequence keeps the odd token, and on a tie the **second** sequence does.
/// (transformers' legacy pure-Python tokenizers remove one token at a time and give a tied odd
/// token to the first sequence instead; MoRE's fast tokenizers behave as implemented here.)
///
/// Returns the kept lengths `(a, b)`; for a single sequence `b` is 0.
public func longestFirstLengths(_ a: Int, _ b: Int?, budget: Int) -> (Int, Int) {
    guard let b else { return (min(a, budget), 0) }
    if a + b <= budget { return (a, b) }
    let swap = a > b
    var n1 = swap ? b : a, n2: Int
    if n1 > budget {
        n2 = n1
    } else {
        n2 = max(n1, budget - n1)
    }
    if n1 + n2 > budget {
        n1 = budget / 2
        n2 = n1 + budget % 2
    }
    return swap ? (n2, n1) : (n1, n2)
}

/// Builds the encoding of `a` (and `b`): truncates longest-first so that the result including
/// special tokens fits `maxLength`, inserts the special tokens, and pads with `padId` to
/// `maxLength` when `padToMaxLength` (attention mask 0 and type id 0 on padding).
///
/// - Throws: `TokenizerError.maxLengthTooSmall` when `maxLength` < the special tokens.
public func assembleEncoding(_ a: [Int32], _ b: [Int32]?, template: SpecialTokenTemplate, padId: Int32,
                             maxLength: Int?, padToMaxLength: Bool) throws -> Encoding {
    let added = template.added(pair: b != nil)
    var na = a.count, nb = b?.count ?? 0
    if let maxLength {
        guard maxLength >= added else {
            throw TokenizerError.maxLengthTooSmall(maxLength: maxLength, specialTokens: added)
        }
        (na, nb) = longestFirstLengths(a.count, b?.count, budget: maxLength - added)
    }
    let total = na + nb + added
    let length = padToMaxLength ? max(total, maxLength ?? total) : total
    var ids = [Int32](), types = [Int32](), mask = [Int32]()
    ids.reserveCapacity(length)
    ids += template.prefix
    ids += a[0..<na]
    if let b {
        ids += template.middle
        let firstCount = ids.count
        ids += b[0..<nb]
        ids += template.suffix
        types = [Int32](repeating: 0, count: firstCount)
        types += [Int32](repeating: template.secondTypeId, count: ids.count - firstCount)
    } else {
        ids += template.suffix
        types = [Int32](repeating: 0, count: ids.count)
    }
    mask = [Int32](repeating: 1, count: ids.count)
    let pad = length - ids.count
    if pad > 0 {
        ids += [Int32](repeating: padId, count: pad)
        types += [Int32](repeating: 0, count: pad)
        mask += [Int32](repeating: 0, count: pad)
    }
    return Encoding(ids: ids, typeIds: types, attentionMask: mask)
}

/// Stacks encodings into `[B, L]` arrays, padding each row to `length` (≥ every row) with
/// `padId`, type id 0 and mask 0.
public func stackEncodings(_ rows: [Encoding], length: Int, padId: Int32) -> BatchEncoding {
    let count = rows.count * length
    var ids = [Int32](repeating: padId, count: count)
    var types = [Int32](repeating: 0, count: count)
    var mask = [Int32](repeating: 0, count: count)
    for (b, e) in rows.enumerated() {
        precondition(e.count <= length, "row longer than the batch length")
        let row = (b * length)..<(b * length + e.count)
        ids.replaceSubrange(row, with: e.ids)
        types.replaceSubrange(row, with: e.typeIds)
        mask.replaceSubrange(row, with: e.attentionMask)
    }
    return BatchEncoding(batch: rows.count, length: length, ids: ids, typeIds: types, attentionMask: mask)
}
