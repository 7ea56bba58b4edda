// RetrievalProtocol — cross-modal retrieval evaluation on a paired test split (row i of every
// modality is the same patient): text→X-ray, text→ECG, X-ray→ECG, ECG→X-ray.
//
// Queries and candidates are the projected (128-d) embeddings, compared by cosine. The text of
// row i is its report pair as in pre-training (prefixed radiology + cardiology report). Per
// direction:
//   - Recall@K, K ∈ {1, 5, 10}: a query counts when its own row is among its K best candidates
//     (candidates tied with it share the places in expectation, so equal embeddings score
//     chance, not 1; `ranksOfTrueMatch`/`recallAtK` of Metrics/Retrieval);
//   - class-level precision@K with a label set (optional): the fraction of a query's top K that
//     shares a class with it — same class for single-label sets, at least one common positive
//     for multi-label sets (`precisionAtK`). Choose a label set where every row has a positive
//     (e.g. `conditions`, `ptbxl_super`); a row with no positive is never relevant.
// `topK(query:…)` serves the retrieval figures: the best candidates of one query with scores.
//
// X-ray↔ECG is not trained directly (the loss is text-anchored); it works only through the
// shared text space — one of the claims the table tests.
//
// Deliberately not here: mean average precision, nDCG, the figures themselves.

import Foundation
import TensorCore
import Datasets
import MoRE

/// A retrieval direction (query modality → candidate modality).
public enum RetrievalDirection: String, Sendable, CaseIterable {
    case textToXray = "text→xray", textToECG = "text→ecg", xrayToECG = "xray→ecg", ecgToXray = "ecg→xray"

    public var query: EmbeddingModality {
        switch self { case .textToXray, .textToECG: return .text; case .xrayToECG: return .xray; case .ecgToXray: return .ecg }
    }
    public var candidate: EmbeddingModality {
        switch self { case .textToXray, .ecgToXray: return .xray; case .textToECG, .xrayToECG: return .ecg }
    }
}

/// Retrieval metrics of one direction.
public struct RetrievalResult: Sendable {
    public let direction: RetrievalDirection
    public let count: Int
    /// Rank of each query's own row among the candidates (strictly higher, tied): [N] (for
    /// bootstrap intervals).
    public let ranks: [MatchRank]
    /// Recall@K by K.
    public let recall: [Int: Double]
    /// Class-level precision@K by K (empty without a label set).
    public let precision: [Int: Double]
    public let labelSet: String?
}

/// One retrieved candidate.
public struct RetrievalHit: Sendable, Equatable {
    public let index: Int
    public let score: Double
}

/// Recall@K (and precision@K with `targets`) of queries [N, D] against paired candidates [N, D].
/// targets, when given, label the same N rows.
public func retrievalMetrics(direction: RetrievalDirection, queries: Tensor, candidates: Tensor, ks: [Int] = [1, 5, 10],
                             targets: LabelTargets? = nil, precisionKs: [Int] = [1, 5, 10]) throws -> RetrievalResult {
    let n = queries.shape[0]
    guard candidates.shape[0] == n else { throw EvalError.mismatch(field: "retrieval candidates", expected: n, found: candidates.shape[0]) }
    let s = try cosineSimilarity(queries, candidates)
    let ranks = try ranksOfTrueMatch(similarity: s, queries: .rows)
    var recall: [Int: Double] = [:], precision: [Int: Double] = [:]
    for k in ks { recall[k] = try recallAtK(ranks: ranks, k: k) }
    if let t = targets {
        guard t.count == n else { throw EvalError.mismatch(field: "retrieval labels (\(t.labelSet))", expected: n, found: t.count) }
        for k in precisionKs where k <= n {
            if let c = t.classIndex {
                precision[k] = try precisionAtK(similarity: s, k: k) { c[$0] >= 0 && c[$0] == c[$1] }
            } else {
                precision[k] = try precisionAtK(similarity: s, k: k, queryLabels: t.multiHot, candidateLabels: t.multiHot)
            }
        }
    }
    return RetrievalResult(direction: direction, count: n, ranks: ranks, recall: recall, precision: precision, labelSet: targets?.labelSet)
}

/// The k best candidates of one query, best first (ties to the lower index). query: [D] or
/// [1, D]; candidates: [M, D]; score = cosine.
public func topK(query: Tensor, candidates: Tensor, k: Int) throws -> [RetrievalHit] {
    let q = query.reshaped([1, query.count])
    let s = try cosineSimilarity(q, candidates)[0]
    guard k >= 1 else { throw EvalError.invalidParameter(name: "k", value: "\(k)", reason: "must be at least 1") }
    return Eval.topK(s, min(k, s.count)).map { RetrievalHit(index: $0, score: s[$0]) }
}

/// The targets of retrieval's precision@K: every class of `labelSet`, the rows with a usable
/// label (the rows retrieval keeps). The tables' label check reads it from the labels alone.
public func retrievalTargets(_ s: EvalSplit, labelSet: String) throws -> LabelTargets {
    try LabelTargets(s.split, labelSet: labelSet, file: s.file, protocolName: "retrieval precision@K")
}

extension MoREModel {
    /// Retrieval evaluation of `directions` on a paired split. With `labelSet`, class-level
    /// precision@K too; rows without a usable label are then left out of every direction.
    public func retrieval(_ s: EvalSplit, tokenizer: TextTokenizer, directions: [RetrievalDirection] = RetrievalDirection.allCases,
                          labelSet: String? = nil, ks: [Int] = [1, 5, 10], batchSize: Int = 64,
                          progress: ((Int, Int) -> Void)? = nil) throws -> [RetrievalResult] {
        var split = s.split
        var targets: LabelTargets? = nil
        if let name = labelSet {
            let t = try retrievalTargets(s, labelSet: name)
            split.ids = t.rows.map { split.ids[$0] }
            split.xray = split.xray.map { selectRows($0, t.rows) }
            split.ecg = split.ecg.map { selectRows($0, t.rows) }
            if split.reportXray.count == s.split.count { split.reportXray = t.rows.map { s.split.reportXray[$0] } }
            if split.reportECG.count == s.split.count { split.reportECG = t.rows.map { s.split.reportECG[$0] } }
            targets = LabelTargets(labelSet: t.labelSet, file: t.file, classNames: t.classNames, rows: Array(0..<t.count),
                                   multiHot: t.multiHot, classIndex: t.classIndex)
        }
        let options = EmbeddingOptions(stage: .projected, batchSize: batchSize, progress: progress)
        var cache: [EmbeddingModality: Tensor] = [:]
        func z(_ m: EmbeddingModality) throws -> Tensor {
            if let t = cache[m] { return t }
            let t = try embed(split, modality: m, file: s.file, tokenizer: tokenizer, options: options, protocolName: "retrieval")
            cache[m] = t
            return t
        }
        return try directions.map {
            try retrievalMetrics(direction: $0, queries: z($0.query), candidates: z($0.candidate), ks: ks, targets: targets, precisionKs: ks)
        }
    }

    /// The k best candidates (e.g. X-ray embeddings of a split) for a free-text query, encoded
    /// alone like a prompt (the authors: max_length 512 for the X-ray figure, 128 for the
    /// multimodal one). candidates: [M, 128] projected embeddings.
    public func topK(textQuery: String, candidates: Tensor, k: Int, tokenizer: TextTokenizer, maxLength: Int? = nil) throws -> [RetrievalHit] {
        let q = try embedStrings([textQuery], tokenizer: tokenizer, maxLength: maxLength)
        return try Eval.topK(query: q, candidates: candidates, k: k)
    }
}
