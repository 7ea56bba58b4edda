// TSNEAffinities — the input side of t-SNE: squared Euclidean distances, the per-row binary
// search for the Gaussian precision that matches the perplexity, and the symmetric joint P.
//
// For row i, with squared distances d_ij (j ≠ i) and β_i = 1/(2σ_i²):
//
//     p_{j|i} = exp(−β_i d_ij) / Σ_k exp(−β_i d_ik),   H_i = −Σ_j p_{j|i} ln p_{j|i}
//             = ln Σ_k exp(−β_i d_ik) + β_i Σ_j d_ij p_{j|i}
//
// β_i starts at 1 and is doubled / halved until the search is bracketed, then bisected, until
// |H_i − ln(perplexity)| ≤ 1e-5 (at most 100 steps) — scikit-learn's `_binary_search_perplexity`
// in Double. Then
//
//     P = max((P_cond + P_condᵀ) / Σ(P_cond + P_condᵀ), 2.2e-16) off the diagonal, P_ii = 0.
//
// Rows are independent and run on `ThreadPool.shared`; each row writes only its own outputs, so
// the result does not depend on the thread count.
//
// Deliberately not here: nearest-neighbour (Barnes–Hut) sparse P, other metrics than squared
// Euclidean, the optimiser (`TSNE.swift`).

import Foundation
import TensorCore

/// scikit-learn's MACHINE_EPSILON floor for P and Q (np.finfo(np.double).eps).
let tsneEpsilon = 2.220446049250313e-16

/// Errors of t-SNE and trustworthiness on user input.
public enum TSNEError: Error, Equatable, CustomStringConvertible {
    /// `rows × columns` does not match the data length, or a row has another length.
    case shape(field: String, expected: Int, got: Int)
    /// A NaN or infinite input value.
    case nonFinite(field: String, index: Int)
    /// A setting out of range (perplexity ≥ N, k ≥ N/2, …).
    case invalidParameter(name: String, value: String, reason: String)

    public var description: String {
        switch self {
        case let .shape(field, expected, got): return "t-SNE: `\(field)` has \(got) values, expected \(expected)"
        case let .nonFinite(field, index): return "t-SNE: `\(field)` has a NaN or infinite value at flat index \(index)"
        case let .invalidParameter(name, value, reason): return "t-SNE: `\(name)` = \(value): \(reason)"
        }
    }
}

/// Checks a flat row-major matrix: x: [rows, columns], all finite.
func validateMatrix(_ field: String, _ x: [Double], rows: Int, columns: Int) throws {
    guard rows > 0, columns > 0, x.count == rows * columns else {
        throw TSNEError.shape(field: field, expected: max(rows, 0) * max(columns, 0), got: x.count)
    }
    if let i = x.firstIndex(where: { !$0.isFinite }) { throw TSNEError.nonFinite(field: field, index: i) }
}

/// Flattens rows of equal length; throws if ragged. rows: [N][D] → ([N·D], N, D).
func flatten(_ field: String, _ rows: [[Double]]) throws -> (x: [Double], rows: Int, columns: Int) {
    let d = rows.first?.count ?? 0
    for (i, r) in rows.enumerated() where r.count != d {
        throw TSNEError.shape(field: "\(field)[\(i)]", expected: d, got: r.count)
    }
    return (rows.flatMap { $0 }, rows.count, d)
}

/// Squared Euclidean distances, computed directly (not by the dot-product identity, which
/// cancels). x: [N, D] → [N, N], zero diagonal; symmetric up to the rounding of each pair.
func squaredDistances(_ x: [Double], rows n: Int, columns d: Int) -> [Double] {
    var out = [Double](repeating: 0, count: n * n)
    x.withUnsafeBufferPointer { xp in
        out.withUnsafeMutableBufferPointer { op in
            ThreadPool.shared.parallelFor(n) { i in
                let xi = xp.baseAddress! + i * d
                for j in 0..<n where j != i {
                    let xj = xp.baseAddress! + j * d
                    var s = 0.0
                    for k in 0..<d { let t = xi[k] - xj[k]; s = s.addingProduct(t, t) }
                    op[i * n + j] = s
                }
            }
        }
    }
    return out
}

/// Joint probabilities of t-SNE from squared distances.
public struct TSNEAffinities: Sendable {
    /// P: [N, N] symmetric, zero diagonal, sums to 1.
    public let p: [Double]
    /// β_i = 1/(2σ_i²) found by the search: [N].
    public let betas: [Double]
    /// Row entropies (nats) of P_cond at the final β: [N].
    public let entropies: [Double]
    public let rows: Int

    /// x: [N, D]; perplexity in (0, N − 1].
    public init(_ x: [Double], rows n: Int, columns d: Int, perplexity: Double,
                tolerance: Double = 1e-5, maxSteps: Int = 100) throws {
        try validateMatrix("x", x, rows: n, columns: d)
        guard n >= 2 else { throw TSNEError.invalidParameter(name: "rows", value: "\(n)", reason: "t-SNE needs at least 2 points") }
        guard perplexity > 0, perplexity < Double(n) else {
            throw TSNEError.invalidParameter(name: "perplexity", value: "\(perplexity)", reason: "must be in (0, N) with N = \(n)")
        }
        let dist = squaredDistances(x, rows: n, columns: d)
        var cond = [Double](repeating: 0, count: n * n)
        var betas = [Double](repeating: 0, count: n), entropies = [Double](repeating: 0, count: n)
        let target = Foundation.log(perplexity)
        dist.withUnsafeBufferPointer { dp in
            cond.withUnsafeMutableBufferPointer { cp in
                betas.withUnsafeMutableBufferPointer { bp in
                    entropies.withUnsafeMutableBufferPointer { hp in
                        ThreadPool.shared.parallelFor(n) { i in
                            let row = dp.baseAddress! + i * n, out = cp.baseAddress! + i * n
                            var beta = 1.0, lo = -Double.infinity, hi = Double.infinity, h = 0.0
                            for _ in 0..<maxSteps {
                                var sum = 0.0
                                for j in 0..<n where j != i { out[j] = Foundation.exp(-row[j] * beta); sum += out[j] }
                                sum = max(sum, 1e-8)
                                var weighted = 0.0
                                for j in 0..<n where j != i { out[j] /= sum; weighted = weighted.addingProduct(row[j], out[j]) }
                                h = Foundation.log(sum) + beta * weighted
                                if abs(h - target) <= tolerance { break }
                                if h > target {
                                    lo = beta
                                    beta = hi == .infinity ? beta * 2 : (beta + hi) / 2
                                } else {
                                    hi = beta
                                    beta = lo == -.infinity ? beta / 2 : (beta + lo) / 2
                                }
                            }
                            out[i] = 0
                            bp[i] = beta
                            hp[i] = h
                        }
                    }
                }
            }
        }
        // Symmetrise and normalise. The total is summed row by row in a fixed order.
        var p = [Double](repeating: 0, count: n * n)
        var total = 0.0
        for i in 0..<n { for j in 0..<n { let v = cond[i * n + j] + cond[j * n + i]; p[i * n + j] = v; total += v } }
        total = max(total, tsneEpsilon)
        for i in 0..<n { for j in 0..<n { p[i * n + j] = i == j ? 0 : max(p[i * n + j] / total, tsneEpsilon) } }
        self.p = p
        self.betas = betas
        self.entropies = entropies
        self.rows = n
    }
}
