// ECGRelevanceMap — token relevances of the ECG ViT mapped back onto the 12 × L signal.
//
// The conv stem (NN/PatchEmbed.swift: Conv1d k5 s5, then Conv1d k5 s1) gives token j the
// receptive field [5j, 5j + 25) in time, across *all* leads at once. We distribute each
// token's relevance uniformly over its field (relevance is conserved):
//
//   m(t) = Σ_{j : 5j ≤ t < 5j + 25} r_j / 25,       map[lead, t] = m(t) for every lead
//
// so Σ_t m(t) = Σ_j r_j; interior samples are covered by 5 tokens, the first and last 20
// samples by fewer (the model sees them through fewer tokens, and the map says so). The map
// is the same in every lead: a token mixes the 12 leads in its first convolution, so
// token-level relevance cannot say which lead mattered. The authors' mapping is unread
// (MoRE-reference §5); this is ours. Deliberately not here: drawing, beat detection.

/// The receptive field of the ECG conv stem: token j covers samples [stride·j, stride·j + width).
public struct ECGReceptiveField: Sendable, Equatable {
    public var stride: Int
    public var width: Int
    public init(stride: Int, width: Int) { self.stride = stride; self.width = width }
    /// MoRE's stem: Conv1d(k 5, s 5) then Conv1d(k 5, s 1) → stride 5, width 25.
    public static let moreStem = ECGReceptiveField(stride: 5, width: 25)
    /// Samples covered by token j.
    public func samples(_ j: Int) -> Range<Int> { stride * j ..< stride * j + width }
}

/// Relevance per sample: `tokens: [N]` → `[length]`, m(t) = Σ_{j covers t} r_j / width.
public func ecgTimeRelevance(tokens: [Float], length: Int, field: ECGReceptiveField = .moreStem) -> [Float] {
    precondition(field.stride > 0 && field.width > 0, "ecgTimeRelevance: receptive field must be positive")
    precondition(tokens.isEmpty || field.samples(tokens.count - 1).upperBound <= length,
                 "ecgTimeRelevance: \(tokens.count) tokens reach past \(length) samples")
    var m = [Float](repeating: 0, count: length)
    let share = 1 / Float(field.width)
    for (j, r) in tokens.enumerated() {
        let v = r * share
        for t in field.samples(j) { m[t] += v }
    }
    return m
}

/// The map over the whole ECG: `tokens: [N]` → `[leads, length]` row-major, the time
/// relevance repeated in every lead.
///
///     let map = ecgRelevanceMap(tokens: r, leads: 12, length: 1000)   // 196 tokens → 12×1000
public func ecgRelevanceMap(tokens: [Float], leads: Int, length: Int, field: ECGReceptiveField = .moreStem) -> [Float] {
    let m = ecgTimeRelevance(tokens: tokens, length: length, field: field)
    var out = [Float]()
    out.reserveCapacity(leads * length)
    for _ in 0..<leads { out += m }
    return out
}
