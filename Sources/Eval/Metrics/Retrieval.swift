// Retrieval — Recall@K for paired retrieval and class-level precision@K.
//
// Recall@K (paired data: query i's one true match is candidate i). For a square similarity
// matrix S, with queries = rows (S[i, ·], e.g. text → X-ray when rows are texts) or queries =
// columns (S[·, j], the other direction):
//
//     rank_i   = #{ j ≠ i : S[i, j] > S[i, i] }        (0-based; ties do not push the match down)
//     Recall@K = #{ i : rank_i < K } / N
//
// Class-level precision@K (unpaired data with labels, e.g. text prompt → X-rays of a class):
// for each query q take its K highest-scoring candidates (ties broken by the lower candidate
// index, so the list is deterministic), and count the fraction of them that are *relevant* —
// the candidate has the query's class (single-label), or shares at least one positive label
// with the query (multi-label). Precision@K is the mean of that fraction over the queries.
//
// Deliberately not here: computing the similarity matrix (embeddings are normalised and
// multiplied by the caller), mean average precision over the whole ranking, nDCG.

/// Whether the queries of a similarity matrix are its rows or its columns.
public enum QueryAxis: String, Sendable, CaseIterable {
    case rows, columns
}

/// 0-based rank of each query's true match (the diagonal): the number of candidates of that
/// query scoring strictly higher. similarity: [N, N].
public func ranksOfTrueMatch(similarity: [[Double]], queries: QueryAxis = .rows) throws -> [Int] {
    let metric = "ranksOfTrueMatch"
    let n = similarity.count
    guard n > 0 else { throw MetricError.empty(metric: metric, field: "similarity") }
    for (i, row) in similarity.enumerated() {
        guard row.count == n else { throw MetricError.lengthMismatch(metric: metric, field: "similarity[\(i)]", expected: n, got: row.count) }
        for (j, s) in row.enumerated() where !s.isFinite {
            throw MetricError.nonFiniteScore(metric: metric, index: i * n + j)
        }
    }
    var ranks = [Int](repeating: 0, count: n)
    for q in 0..<n {
        let match = similarity[q][q]
        var higher = 0
        for c in 0..<n {
            let s = queries == .rows ? similarity[q][c] : similarity[c][q]
            if s > match { higher += 1 }
        }
        ranks[q] = higher
    }
    return ranks
}

/// Fraction of queries whose true match has rank < k. ranks: [N] from `ranksOfTrueMatch`.
public func recallAtK(ranks: [Int], k: Int) throws -> Double {
    guard !ranks.isEmpty else { throw MetricError.empty(metric: "recallAtK", field: "ranks") }
    guard k >= 1 else { throw MetricError.invalidParameter(metric: "recallAtK", name: "k", value: "\(k)") }
    return Double(ranks.reduce(0) { $0 + ($1 < k ? 1 : 0) }) / Double(ranks.count)
}

/// Recall@K of a square similarity matrix whose true matches are on the diagonal.
///
///     try recallAtK(similarity: s, k: 5, queries: .columns)
public func recallAtK(similarity: [[Double]], k: Int, queries: QueryAxis = .rows) throws -> Double {
    try recallAtK(ranks: ranksOfTrueMatch(similarity: similarity, queries: queries), k: k)
}

/// Indices of the k highest scores, best first; ties go to the lower index.
func topK(_ scores: [Double], _ k: Int) -> [Int] {
    let order = scores.indices.sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
    return Array(order.prefix(k))
}

/// Mean over queries of (relevant items among the query's top k) / k.
/// similarity: [Q, M] (rows = queries, columns = candidates); `relevant(q, m)`.
public func precisionAtK(similarity: [[Double]], k: Int, relevant: (Int, Int) -> Bool) throws -> Double {
    let metric = "precisionAtK"
    guard let m = similarity.first?.count, m > 0 else { throw MetricError.empty(metric: metric, field: "similarity") }
    guard k >= 1 && k <= m else { throw MetricError.invalidParameter(metric: metric, name: "k", value: "\(k) (candidates: \(m))") }
    var total = 0.0
    for (q, row) in similarity.enumerated() {
        guard row.count == m else { throw MetricError.lengthMismatch(metric: metric, field: "similarity[\(q)]", expected: m, got: row.count) }
        for (j, s) in row.enumerated() where !s.isFinite { throw MetricError.nonFiniteScore(metric: metric, index: q * m + j) }
        let hits = topK(row, k).reduce(0) { $0 + (relevant(q, $1) ? 1 : 0) }
        total += Double(hits) / Double(k)
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
