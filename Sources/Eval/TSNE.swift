// TSNE — exact t-SNE (van der Maaten & Hinton 2008) in Double, with scikit-learn's optimiser
// settings, for up to a few thousand points (O(N²) time and memory per iteration).
//
// Objective: KL(P ‖ Q) = Σ_{i≠j} p_ij ln(p_ij / q_ij), P from `TSNEAffinities`, and Student-t
// (1 degree of freedom) similarities in the 2-D embedding:
//
//     w_ij = 1 / (1 + ‖y_i − y_j‖²),   q_ij = max(w_ij / Σ_{k≠l} w_kl, 2.2e-16)
//     ∂KL/∂y_i = 4 Σ_j (α p_ij − q_ij) w_ij (y_i − y_j)        (α = exaggeration)
//
// Optimiser (sklearn `_gradient_descent`, run twice): phase 1 — α = 12, momentum 0.5, 250
// iterations; phase 2 — α = 1, momentum 0.8, up to `iterations` in total; each phase restarts
// with zero update and unit gains. Per parameter: gain += 0.2 if the update and the gradient
// have opposite signs, else gain ×= 0.8, floored at 0.01; update ← m·update − η·gain·grad.
// Learning rate 'auto' η = max(N / α₁ / 4, 50). Every 50 iterations the KL is checked: stop if
// it has not improved for 300 iterations (250 in phase 1) or ‖gain·grad‖ ≤ 1e-7.
// Initialisation: the 2 leading principal components, divided by the standard deviation of
// the first and multiplied by 1e-4 (sklearn init='pca'), or seeded N(0, 1e-4²) ('random').
//
// Determinism: the gradient is computed per row on `ThreadPool.shared` (row i writes only
// its own outputs; the normaliser Σ w is the sum of per-row sums in row order), so the
// embedding is bitwise identical for any thread count and run.
//
// Deliberately not here: Barnes–Hut or FFT approximations, embeddings in more than 2
// dimensions, metrics other than squared Euclidean, plotting (the Plot module).

import Foundation
import TensorCore

/// Result of a t-SNE fit.
public struct TSNEResult: Sendable {
    /// Embedding: [N, 2] row-major.
    public let embedding: [Double]
    public let rows: Int
    /// KL(P ‖ Q) of the returned embedding under the (unexaggerated) exact P.
    public let klDivergence: Double
    /// Iterations run in total (both phases).
    public let iterations: Int
    /// The learning rate used.
    public let learningRate: Double

    /// Point i as (x, y).
    public func point(_ i: Int) -> (Double, Double) { (embedding[2 * i], embedding[2 * i + 1]) }
}

/// Exact t-SNE with scikit-learn's defaults (perplexity 30 as sklearn; the goldens use 10).
///
///     let result = try TSNE(perplexity: 10, seed: 0).fit(x, rows: 60, columns: 10)
///     result.embedding   // [60 × 2]
public struct TSNE: Sendable {
    public enum Initialization: String, Sendable { case pca, random }

    public var perplexity: Double
    public var earlyExaggeration: Double
    public var exaggerationIterations: Int
    public var iterations: Int
    /// nil = 'auto': max(N / earlyExaggeration / 4, 50).
    public var learningRate: Double?
    public var initialMomentum: Double
    public var finalMomentum: Double
    public var minGain: Double
    public var minGradNorm: Double
    public var iterationsWithoutProgress: Int
    public var initialization: Initialization
    public var seed: UInt64

    public init(perplexity: Double = 30, earlyExaggeration: Double = 12, exaggerationIterations: Int = 250,
                iterations: Int = 1000, learningRate: Double? = nil, initialMomentum: Double = 0.5,
                finalMomentum: Double = 0.8, minGain: Double = 0.01, minGradNorm: Double = 1e-7,
                iterationsWithoutProgress: Int = 300, initialization: Initialization = .pca, seed: UInt64 = 0) {
        self.perplexity = perplexity
        self.earlyExaggeration = earlyExaggeration
        self.exaggerationIterations = exaggerationIterations
        self.iterations = iterations
        self.learningRate = learningRate
        self.initialMomentum = initialMomentum
        self.finalMomentum = finalMomentum
        self.minGain = minGain
        self.minGradNorm = minGradNorm
        self.iterationsWithoutProgress = iterationsWithoutProgress
        self.initialization = initialization
        self.seed = seed
    }

    /// Embeds rows of x: [N, D] into 2-D.
    public func fit(_ x: [Double], rows n: Int, columns d: Int) throws -> TSNEResult {
        guard iterations > exaggerationIterations, exaggerationIterations >= 0 else {
            throw TSNEError.invalidParameter(name: "iterations", value: "\(iterations)",
                                             reason: "must exceed exaggerationIterations = \(exaggerationIterations)")
        }
        let affinities = try TSNEAffinities(x, rows: n, columns: d, perplexity: perplexity)
        var y = try initialEmbedding(x, rows: n, columns: d)
        let eta = learningRate ?? max(Double(n) / earlyExaggeration / 4, 50)
        let p = affinities.p
        var it = descend(p: p, y: &y, n: n, from: 0, to: exaggerationIterations, exaggeration: earlyExaggeration,
                             momentum: initialMomentum, eta: eta, patience: exaggerationIterations)
        it = descend(p: p, y: &y, n: n, from: it + 1, to: iterations, exaggeration: 1,
                         momentum: finalMomentum, eta: eta, patience: iterationsWithoutProgress)
        let kl = tsneGradient(p: p, y: y, n: n, exaggeration: 1, computeKL: true).kl
        return TSNEResult(embedding: y, rows: n, klDivergence: kl, iterations: it + 1, learningRate: eta)
    }

    /// Embeds rows given as arrays. rows: [N][D].
    public func fit(_ rows: [[Double]]) throws -> TSNEResult {
        let (x, n, d) = try flatten("x", rows)
        return try fit(x, rows: n, columns: d)
    }

    /// Embeds the rows of a Float tensor x: [N, D] (converted to Double).
    public func fit(_ x: Tensor) throws -> TSNEResult {
        guard x.shape.count == 2 else {
            throw TSNEError.invalidParameter(name: "x.shape", value: "\(x.shape)", reason: "expected [N, D]")
        }
        return try fit(x.scalars.map(Double.init), rows: x.shape[0], columns: x.shape[1])
    }

    /// The starting embedding: [N, 2].
    func initialEmbedding(_ x: [Double], rows n: Int, columns d: Int) throws -> [Double] {
        switch initialization {
        case .random:
            var rng = RNG(seed: seed, stream: RNG.stream("tsne-init"))
            return (0..<(2 * n)).map { _ in 1e-4 * rng.normalDouble() }
        case .pca:
            guard min(n, d) >= 2 else {
                throw TSNEError.invalidParameter(name: "initialization", value: "pca", reason: "needs N ≥ 2 and D ≥ 2; use .random")
            }
            let pca = try PrincipalComponents(x, rows: n, columns: d, count: 2, seed: seed)
            var y = pca.transform(x, rows: n)
            var mean = 0.0, variance = 0.0
            for i in 0..<n { mean += y[2 * i] }
            mean /= Double(n)
            for i in 0..<n { variance += (y[2 * i] - mean) * (y[2 * i] - mean) }
            let std = (variance / Double(n)).squareRoot()
            guard std > 0 else {
                throw TSNEError.invalidParameter(name: "x", value: "constant rows", reason: "all points are identical")
            }
            for k in 0..<y.count { y[k] = y[k] / std * 1e-4 }
            return y
        }
    }

    /// One `_gradient_descent` call over iterations start..<end. Returns the last iteration run.
    func descend(p: [Double], y: inout [Double], n: Int, from start: Int, to end: Int, exaggeration: Double,
                 momentum: Double, eta: Double, patience: Int) -> Int {
        var update = [Double](repeating: 0, count: 2 * n)
        var gains = [Double](repeating: 1, count: 2 * n)
        var bestError = Double.greatestFiniteMagnitude, bestIteration = start
        var i = start
        while i < end {
            let check = (i + 1) % 50 == 0 || i == end - 1
            let g = tsneGradient(p: p, y: y, n: n, exaggeration: exaggeration, computeKL: check)
            var gradNorm = 0.0
            for k in 0..<(2 * n) {
                var grad = g.grad[k]
                if update[k] * grad < 0 { gains[k] += 0.2 } else { gains[k] *= 0.8 }
                gains[k] = max(gains[k], minGain)
                grad *= gains[k]
                gradNorm = gradNorm.addingProduct(grad, grad)
                update[k] = momentum * update[k] - eta * grad
                y[k] += update[k]
            }
            if check {
                if g.kl < bestError {
                    bestError = g.kl
                    bestIteration = i
                } else if i - bestIteration > patience {
                    break
                }
                if gradNorm.squareRoot() <= minGradNorm { break }
            }
            i += 1
        }
        return min(i, end - 1)
    }
}
