// TSNEGradient — the exact O(N²) t-SNE gradient and KL divergence for a 2-D embedding, on
// SIMD8<Double> lanes, one row per task on `ThreadPool.shared`.
//
//     w_ij = 1 / (1 + ‖y_i − y_j‖²),  Z = Σ_{i≠j} w_ij,  q_ij = max(w_ij / Z, 2.2e-16)
//     g_i  = 4 Σ_j (α p_ij − q_ij) w_ij (y_i − y_j)
//     KL   = Σ_{i≠j} α p_ij ln(max(α p_ij, 2.2e-16) / q_ij)
//
// Two passes: row sums of w (Z is their sum in row order), then each row's gradient (and, when
// asked, its KL term). The diagonal needs no branch: it contributes w_ii = 1 to its row sum,
// which is subtracted, and (y_i − y_i) = 0 and p_ii = 0 elsewhere. Every output element is
// written by one task in a fixed order, so results do not depend on the thread count.
//
// Deliberately not here: the optimiser (`TSNE.swift`), P (`TSNEAffinities.swift`).

import Foundation
import TensorCore

/// Gradient [N·2] (row-major like the embedding) and KL (0 unless computed).
struct TSNEGradientResult {
    var grad: [Double]
    var kl: Double
}

/// p: [N, N] joint P; y: [N, 2]; α = exaggeration.
func tsneGradient(p: [Double], y: [Double], n: Int, exaggeration alpha: Double, computeKL: Bool) -> TSNEGradientResult {
    typealias V = SIMD8<Double>
    let xs = (0..<n).map { y[2 * $0] }, ys = (0..<n).map { y[2 * $0 + 1] }
    var rowSums = [Double](repeating: 0, count: n)
    let full = n / 8 * 8
    xs.withUnsafeBufferPointer { xp in
        ys.withUnsafeBufferPointer { yp in
            rowSums.withUnsafeMutableBufferPointer { rp in
                let xb = UnsafeRawPointer(xp.baseAddress!), yb = UnsafeRawPointer(yp.baseAddress!)
                ThreadPool.shared.parallelFor(n) { i in
                    let xi = V(repeating: xp[i]), yi = V(repeating: yp[i])
                    var acc = V.zero
                    var j = 0
                    while j < full {
                        let dx = xi - xb.loadUnaligned(fromByteOffset: 8 * j, as: V.self)
                        let dy = yi - yb.loadUnaligned(fromByteOffset: 8 * j, as: V.self)
                        acc += 1 / (1 + dx * dx + dy * dy)
                        j += 8
                    }
                    var s = acc.sum()
                    while j < n {
                        let dx = xp[i] - xp[j], dy = yp[i] - yp[j]
                        s += 1 / (1 + dx * dx + dy * dy)
                        j += 1
                    }
                    rp[i] = s - 1   // the diagonal's w_ii = 1
                }
            }
        }
    }
    var z = 0.0
    for s in rowSums { z += s }
    var grad = [Double](repeating: 0, count: 2 * n)
    var klRows = [Double](repeating: 0, count: n)
    let eps = tsneEpsilon
    xs.withUnsafeBufferPointer { xp in
        ys.withUnsafeBufferPointer { yp in
            p.withUnsafeBufferPointer { pp in
                grad.withUnsafeMutableBufferPointer { gp in
                    klRows.withUnsafeMutableBufferPointer { kp in
                        let xb = UnsafeRawPointer(xp.baseAddress!), yb = UnsafeRawPointer(yp.baseAddress!)
                        ThreadPool.shared.parallelFor(n) { i in
                            let prow = UnsafeRawPointer(pp.baseAddress! + i * n)
                            let xi = V(repeating: xp[i]), yi = V(repeating: yp[i])
                            let zv = V(repeating: z), av = V(repeating: alpha), ev = V(repeating: eps)
                            var gx = V.zero, gy = V.zero
                            var j = 0
                            while j < full {
                                let dx = xi - xb.loadUnaligned(fromByteOffset: 8 * j, as: V.self)
                                let dy = yi - yb.loadUnaligned(fromByteOffset: 8 * j, as: V.self)
                                let w = 1 / (1 + dx * dx + dy * dy)
                                let q = pointwiseMax(w / zv, ev)
                                let coef = (av * prow.loadUnaligned(fromByteOffset: 8 * j, as: V.self) - q) * w
                                gx.addProduct(coef, dx)
                                gy.addProduct(coef, dy)
                                j += 8
                            }
                            var sx = gx.sum(), sy = gy.sum()
                            while j < n {
                                let dx = xp[i] - xp[j], dy = yp[i] - yp[j]
                                let w = 1 / (1 + dx * dx + dy * dy)
                                let coef = (alpha * pp[i * n + j] - max(w / z, eps)) * w
                                sx = sx.addingProduct(coef, dx)
                                sy = sy.addingProduct(coef, dy)
                                j += 1
                            }
                            gp[2 * i] = 4 * sx
                            gp[2 * i + 1] = 4 * sy
                            if computeKL {
                                var kl = 0.0
                                for j in 0..<n where j != i {
                                    let dx = xp[i] - xp[j], dy = yp[i] - yp[j]
                                    let q = max(1 / (1 + dx * dx + dy * dy) / z, eps)
                                    let pij = alpha * pp[i * n + j]
                                    kl += pij * Foundation.log(max(pij, eps) / q)
                                }
                                kp[i] = kl
                            }
                        }
                    }
                }
            }
        }
    }
    var kl = 0.0
    if computeKL { for v in klRows { kl += v } }
    return TSNEGradientResult(grad: grad, kl: kl)
}

/// KL(P ‖ Q) of an embedding under a joint P (the quality measure of the goldens).
/// p: [N, N]; embedding: [N, 2].
public func tsneKLDivergence(p: [Double], embedding: [Double], rows n: Int) throws -> Double {
    guard p.count == n * n else { throw TSNEError.shape(field: "p", expected: n * n, got: p.count) }
    guard embedding.count == 2 * n else { throw TSNEError.shape(field: "embedding", expected: 2 * n, got: embedding.count) }
    return tsneGradient(p: p, y: embedding, n: n, exaggeration: 1, computeKL: true).kl
}
