// Retrieval — Recall@K for paired retrieval and class-level precision@K.
//
// Recall@K (paired data: query i's one true match is candidate i). For a square similarity
// matrix S, with queries = rows (S[i, ·], e.g. text → X-ray when rows are texts) or queries =
// columns (S[·, j], the other direction):
//
//     higher_i = #{ j ≠ i : S[i, j] > S[i, i] },   tied_i = #{ j ≠ i : S[i, j] = S[i, i] }
//     credit_i(K) = clamp((K − higher_i) / (tied_i + 1), 0, 1)
//     Recall@K = Σ_i credit_i(K) / N
//
// credit_i(K) is the probability that the match lands in the top K when the candidates tied
// with it are put in a random order (without ties it is 1 if higher_i < K, else 0: the
// goldens' rank count). So a collapsed encoder whose embeddings are all equal scores the
// chance level K/N, not 1, which "ties do not push the match down" would give it; this is the
// ½-for-ties rule of AUROC applied to ranks.
//
// Class-level precision@K (unpaired data with labels, e.g. text prompt → X-rays of a class):
// for each query q the fraction of its K highest-scoring candidates that are *relevant* — the
// candidate has the query's class (single-label), or shares at least one positive label with
// the query (multi-label) — averaged over the queries. When candidates tie across the K-th
// place, the remaining places are filled from the tied group in a random order, whose
// expectation is taken:
//
//     v = K-th highest score,  A = { m : S[q, m] > v },  T = { m : S[q, m] = v }
//     precision_q = (rel(A) + (K − |A|) · rel(T) / |T|) / K
//
// Deliberately not here: computing the similarity matrix (embeddings are normalised and
// multiplied by the caller), mean average precision over the whole ranking, nDCG.

/// Whether the queries of a similarity matrix are its rows or its columns.
public enum QueryAxis: String, Sendable, CaseIterable {
    case rows, columns
}

/// Where a query's true match lands among its candidates: `higher` of them score strictly
/// above it, `tied` others exactly the same.
public struct MatchRank: Equatable, Sendable {
    public var higher: Int
    public var tied: Int
    public init(higher: Int, tied: Int = 0) { self.higher = higher; self.tied = tied }

    /// Probability that the match is among the first k when the tied candidates are ordered
    /// at random: clamp((k − higher) / (tied + 1), 0, 1) — 1 or 0 when nothing ties.
    public func recallCredit(k: Int) -> Double {
        if higher >= k { return 0 }
        if higher + tied < k { return 1 }
        return Double(k - higher) / Double(tied + 1)
    }
}

/// Rank of each query's true match (the diagonal) among that query's candidates: how many
/// score strictly higher and how many tie with it. similarity: [N, N].
public func ranksOfTrueMatch(similarity: [[Double]], queries: QueryAxis = .rows) throws -> [MatchRank] {
    let metric = "ranksOfTrueMatch"
    let n = similarity.count
    guard n > 0 else { throw MetricError.empty(metric: metric, field: "similarity") }
    for (i, row) in similarity.enumerated() {
        guard row.count == n else { throw MetricError.lengthMismatch(metric: metric, field: "similarity[\(i)]", expected: n, got: row.count) }
        for (j, s) in row.enumerated() where !s.isFinite {
            throw MetricError.nonFiniteScore(metric: metric, index: i * n + j)
        }
    }
    return (0..<n).map { q in
        let match = similarity[q][q]
        var rank = MatchRank(higher: 0)
        for c in 0..<n where c != q {
            let s = queries == .rows ? similarity[q][c] : similarity[c][q]
            if s > match { rank.higher += 1 } else if s == match { rank.tied += 1 }
        }
        return rank
    }
}

/// Recall@K: the mean of each query's `recallCredit(k:)`. ranks: [N] from `ranksOfTrueMatch`.
public func recallAtK(ranks: [MatchRank], k: Int) throws -> Double {
    guard !ranks.isEmpty else { throw MetricError.empty(metric: "recallAtK", field: "ranks") }
    guard k >= 1 else { throw MetricError.invalidParameter(metric: "recallAtK", name: "k", value: "\(k)") }
    return ranks.reduce(0) { $0 + $1.recallCredit(k: k) } / Double(ranks.count)
}

/// Recall@K of a square similarity matrix whose true matches are on the diagonal.
///
///     try recallAtK(similarity: s, k: 5, queries: .columns)
public func recallAtK(similarity: [[Double]], k: Int, queries: QueryAxis = .rows) throws -> Double {
    try recallAtK(ranks: ranksOfTrueMatch(similarity: similarity, queries: queries), k: k)
}

/// Indices of the k highest scores, best first; ties go to the lower index (a deterministic
/// list for the retrieval figures; the metrics above share ties in expectation instead).
func topK(_ scores: [Double], _ k: Int) -> [Int] {
    let order = scores.indices.sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
    return Array(order.prefix(k))
}

/// Expected number of relevant candidates among the k best of `scores` when the candidates
/// tied at the k-th score fill the remaining places in a random order:
/// rel(above) + (k − |above|) · rel(tied) / |tied|. scores: [M], k ≤ M.
func expectedHitsInTopK(_ scores: [Double], _ k: Int, relevant: (Int) -> Bool) -> Double {
    let kth = scores.sorted(by: >)[k - 1]
    var above = 0, hitsAbove = 0, tied = 0, hitsTied = 0
    for (m, s) in scores.enumerated() {
        if s > kth { above += 1; if relevant(m) { hitsAbove += 1 } }
        else if s == kth { tied += 1; if relevant(m) { hitsTied += 1 } }
    }
    return Double(hitsAbove) + Double(k - above) * Double(hitsTied) / Double(tied)
}

/// Mean over queries of (relevant items among the query's top k) / k, ties across the k-th
/// place shared in expectation (`expectedHitsInTopK`).
/// similarity: [Q, M] (rows = queries, columns = candidates); `relevant(q, m)`.
public func precisionAtK(similarity: [[Double]], k: Int, relevant: (Int, Int) -> Bool) throws -> Double {
    let metric = "precisionAtK"
    guard let m = similarity.first?.count, m > 0 else { throw MetricError.empty(metric: metric, field: "similarity") }
    guard k >= 1 && k <= m else { throw MetricError.invalidParameter(metric: metric, name: "k", value: "\(k) (candidates: \(m))") }
    var total = 0.0
    for (q, row) in similarity.enumerated() {
        guard row.count == m else { throw MetricError.lengthMismatch(metric: metric, field: "similarity[\(q)]", expected: m, got: row.count) }
        for (j, s) in row.enumerated() where !s.isFinite { throw MetricError.nonFiniteScore(metric: metric, index: q * m + j) }
        total += expectedHitsInTopK(row, k) { relevant(q, $0) } / Double(k)
    }
    return total / Double(similarity.count)
}

/// Class-level precision@K, single-label: a candidate is relevant iff its class equals the
/// query's. similarity: [Q, M]; queryClasses: [Q]; candidateClasses: [M].
public func precisionAtK(similarity: [[Double]], k: Int, queryClasses: [Int], candidateClasses: [Int]) throws -> Double {
    guard queryClasses.count == similarity.count else {
        throw MetricError.lengthMismatch(metric: "precisionAtK", field: "queryClasses", expected: similarity.count, got: queryClasses.count)
    }
    guard candidateClasses.count == similarity.first?.count ?? 0 else {
        throw MetricError.lengthMismatch(metric: "precisionAtK", field: "candidateClasses",
                                         expected: similarity.first?.count ?? 0, got: candidateClasses.count)
    }
    return try precisionAtK(similarity: similarity, k: k) { queryClasses[$0] == candidateClasses[$1] }
}

/// Class-level precision@K, multi-label: a candidate is relevant iff it shares at least one
/// positive label with the query. similarity: [Q, M]; queryLabels: [Q, C]; candidateLabels: [M, C].
public func precisionAtK(similarity: [[Double]], k: Int, queryLabels: [[Int]], candidateLabels: [[Int]]) throws -> Double {
    guard queryLabels.count == similarity.count else {
        throw MetricError.lengthMismatch(metric: "precisionAtK", field: "queryLabels", expected: similarity.count, got: queryLabels.count)
    }
    guard candidateLabels.count == similarity.first?.count ?? 0 else {
        throw MetricError.lengthMismatch(metric: "precisionAtK", field: "candidateLabels",
                                         expected: similarity.first?.count ?? 0, got: candidateLabels.count)
    }
    return try precisionAtK(similarity: similarity, k: k) { q, m in
        let a = queryLabels[q], b = candidateLabels[m]
        return zip(a, b).contains { $0 == 1 && $1 == 1 }
    }
}
