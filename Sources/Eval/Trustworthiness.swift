// Trustworthiness — how well an embedding keeps local neighbourhoods (Venna & Kaski 2001), as
// scikit-learn's `sklearn.manifold.trustworthiness`, plus leave-one-out 1-NN accuracy.
//
//     T(k) = 1 − 2 / (N k (2N − 3k − 1)) · Σ_i Σ_{j ∈ U_i(k)} (r(i, j) − k)
//
// where U_i(k) are the k nearest neighbours of i in the embedding and r(i, j) ≥ 1 the rank of j
// among i's neighbours in the input space (Euclidean; only neighbours with r > k count).
// Distances are Euclidean in Double; equal distances are ordered by index (sklearn leaves them
// to its sort), which matters only for exact ties. T is a function of neighbour ranks only.
//
// Deliberately not here: continuity, other metrics, approximate neighbour search (O(N²)).

import Foundation
import TensorCore

/// Indices of every other point, nearest first (ties by index). x: [N, D] → [N][N − 1].
func neighbourOrder(_ x: [Double], rows n: Int, columns d: Int) -> [[Int]] {
    let dist = squaredDistances(x, rows: n, columns: d)
    var order = [[Int]](repeating: [], count: n)
    order.withUnsafeMutableBufferPointer { op in
        ThreadPool.shared.parallelFor(n) { i in
            let row = Array(dist[(i * n)..<((i + 1) * n)])
            op[i] = (0..<n).filter { $0 != i }.sorted { row[$0] < row[$1] || (row[$0] == row[$1] && $0 < $1) }
        }
    }
    return order
}

/// Trustworthiness of an embedding, k < N/2 (sklearn's requirement).
/// data: [N, D]; embedding: [N, E].
///
///     let t = try trustworthiness(data, rows: 60, columns: 10, embedding: y, embeddingColumns: 2, k: 5)
public func trustworthiness(_ data: [Double], rows n: Int, columns d: Int,
                            embedding: [Double], embeddingColumns e: Int, k: Int = 5) throws -> Double {
    try validateMatrix("data", data, rows: n, columns: d)
    try validateMatrix("embedding", embedding, rows: n, columns: e)
    guard k >= 1, Double(k) < Double(n) / 2 else {
        throw TSNEError.invalidParameter(name: "k", value: "\(k)", reason: "must be in 1..<N/2 with N = \(n)")
    }
    let inputOrder = neighbourOrder(data, rows: n, columns: d)
    let embeddedOrder = neighbourOrder(embedding, rows: n, columns: e)
    var penalty = 0
    var rank = [Int](repeating: 0, count: n)
    for i in 0..<n {
        for (r, j) in inputOrder[i].enumerated() { rank[j] = r + 1 }
        for j in embeddedOrder[i].prefix(k) where rank[j] > k { penalty += rank[j] - k }
    }
    let nd = Double(n), kd = Double(k)
    return 1.0 - Double(penalty) * (2.0 / (Double(n * k) * (2.0 * nd - 3.0 * kd - 1.0)))
}

/// Trustworthiness with rows given as arrays. data: [N][D]; embedding: [N][E].
public func trustworthiness(_ data: [[Double]], embedding: [[Double]], k: Int = 5) throws -> Double {
    let a = try flatten("data", data), b = try flatten("embedding", embedding)
    guard a.rows == b.rows else { throw TSNEError.shape(field: "embedding (rows)", expected: a.rows, got: b.rows) }
    return try trustworthiness(a.x, rows: a.rows, columns: a.columns, embedding: b.x, embeddingColumns: b.columns, k: k)
}

/// Leave-one-out 1-nearest-neighbour accuracy: the fraction of points whose nearest other
/// point (Euclidean, ties by index) has the same label. x: [N, D]; labels: [N].
public func nearestNeighborAccuracy(_ x: [Double], rows n: Int, columns d: Int, labels: [Int]) throws -> Double {
    try validateMatrix("x", x, rows: n, columns: d)
    guard labels.count == n else { throw TSNEError.shape(field: "labels", expected: n, got: labels.count) }
    guard n >= 2 else { throw TSNEError.invalidParameter(name: "rows", value: "\(n)", reason: "needs at least 2 points") }
    let order = neighbourOrder(x, rows: n, columns: d)
    var right = 0
    for i in 0..<n where labels[order[i][0]] == labels[i] { right += 1 }
    return Double(right) / Double(n)
}
