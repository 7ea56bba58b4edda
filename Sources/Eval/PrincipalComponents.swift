// PrincipalComponents — the leading principal axes of a data matrix, in Double, for t-SNE's
// PCA initialisation (and 2-D PCA baselines).
//
// Method: centre X (N × D); work on the smaller of the covariance XᵀX (D × D) and the Gram
// matrix XXᵀ (N × N); find its top eigenvectors by block subspace iteration with Rayleigh–Ritz
// (Jacobi on the small projected matrix), starting from a seeded Gaussian block; map Gram
// eigenvectors u to axes v = Xᵀu / ‖Xᵀu‖. Sign convention (scikit-learn's `svd_flip` with
// u_based_decision = False): the largest-magnitude entry of each axis is positive.
//
// Deliberately not here: whitening, incremental or sparse PCA, more than a handful of axes
// (the block iteration is meant for k ≲ 10).

import Foundation
import TensorCore

/// Leading principal axes of centred data.
///
///     let pca = try PrincipalComponents(x, rows: n, columns: d, count: 2, seed: 0)
///     let y = pca.transform(x, rows: n)     // [N, 2]
public struct PrincipalComponents: Sendable {
    /// Column means: [D].
    public let mean: [Double]
    /// Unit axes, largest variance first: [k][D].
    public let axes: [[Double]]
    /// Variance along each axis (eigenvalue / N, ddof 0): [k].
    public let variances: [Double]

    /// x: [N, D]; count ≤ min(N, D).
    public init(_ x: [Double], rows n: Int, columns d: Int, count k: Int, seed: UInt64 = 0) throws {
        try validateMatrix("x", x, rows: n, columns: d)
        guard k >= 1, k <= min(n, d) else {
            throw TSNEError.invalidParameter(name: "count", value: "\(k)", reason: "must be in 1...min(N, D) = \(min(n, d))")
        }
        var mean = [Double](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { mean[j] += x[i * d + j] } }
        for j in 0..<d { mean[j] /= Double(n) }
        var xc = x
        for i in 0..<n { for j in 0..<d { xc[i * d + j] -= mean[j] } }
        // The smaller symmetric matrix: covariance (D ≤ N) or Gram.
        let useGram = n < d
        let m = useGram ? n : d
        let a = useGram ? Self.gram(xc, n, d) : Self.covariance(xc, n, d)
        let (vectors, values) = topEigenvectors(a, size: m, count: k, seed: seed)
        var axes: [[Double]] = []
        for c in 0..<k {
            var v: [Double]
            if useGram {
                v = [Double](repeating: 0, count: d)
                for i in 0..<n { let u = vectors[c][i]; for j in 0..<d { v[j] = v[j].addingProduct(u, xc[i * d + j]) } }
                let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
                if norm > 0 { for j in 0..<d { v[j] /= norm } }
            } else {
                v = vectors[c]
            }
            var big = 0
            for j in 1..<d where abs(v[j]) > abs(v[big]) { big = j }
            if v[big] < 0 { v = v.map { -$0 } }
            axes.append(v)
        }
        self.mean = mean
        self.axes = axes
        self.variances = values.map { $0 / Double(n) }
    }

    /// Projections of rows onto the axes. x: [N, D] → [N, k].
    public func transform(_ x: [Double], rows n: Int) -> [Double] {
        let d = mean.count, k = axes.count
        var out = [Double](repeating: 0, count: n * k)
        for i in 0..<n {
            for c in 0..<k {
                var s = 0.0
                for j in 0..<d { s = s.addingProduct(x[i * d + j] - mean[j], axes[c][j]) }
                out[i * k + c] = s
            }
        }
        return out
    }

    /// XᵀX: [D, D] from centred x: [N, D].
    static func covariance(_ x: [Double], _ n: Int, _ d: Int) -> [Double] {
        var c = [Double](repeating: 0, count: d * d)
        c.withUnsafeMutableBufferPointer { cp in
            x.withUnsafeBufferPointer { xp in
                ThreadPool.shared.parallelFor(d) { r in
                    for i in 0..<n {
                        let row = xp.baseAddress! + i * d, xr = row[r]
                        for s in 0..<d { cp[r * d + s] = cp[r * d + s].addingProduct(xr, row[s]) }
                    }
                }
            }
        }
        return c
    }

    /// XXᵀ: [N, N] from centred x: [N, D].
    static func gram(_ x: [Double], _ n: Int, _ d: Int) -> [Double] {
        var g = [Double](repeating: 0, count: n * n)
        g.withUnsafeMutableBufferPointer { gp in
            x.withUnsafeBufferPointer { xp in
                ThreadPool.shared.parallelFor(n) { i in
                    let xi = xp.baseAddress! + i * d
                    for j in 0..<n {
                        let xj = xp.baseAddress! + j * d
                        var s = 0.0
                        for t in 0..<d { s = s.addingProduct(xi[t], xj[t]) }
                        gp[i * n + j] = s
                    }
                }
            }
        }
        return g
    }
}

/// Top `count` eigenpairs of a symmetric positive semi-definite matrix a: [m, m], by block
/// subspace iteration (block = count + 4) with Rayleigh–Ritz, until the top residuals
/// ‖Av − λv‖ fall below tolerance · λ₁ or maxIterations. Returns (vectors [count][m], values).
func topEigenvectors(_ a: [Double], size m: Int, count: Int, seed: UInt64,
                     tolerance: Double = 1e-10, maxIterations: Int = 1000) -> ([[Double]], [Double]) {
    let b = min(m, count + 4)
    var rng = RNG(seed: seed, stream: RNG.stream("pca-start"))
    var v = (0..<b).map { _ in (0..<m).map { _ in rng.normalDouble() } }
    func apply(_ x: [Double]) -> [Double] {
        var y = [Double](repeating: 0, count: m)
        for r in 0..<m { var s = 0.0; for c in 0..<m { s = s.addingProduct(a[r * m + c], x[c]) }; y[r] = s }
        return y
    }
    func orthonormalise(_ w: inout [[Double]]) {
        for c in 0..<w.count {
            for _ in 0..<2 {   // twice is enough (Gram–Schmidt "twice is enough")
                for p in 0..<c {
                    let dot = zip(w[c], w[p]).reduce(0) { $0 + $1.0 * $1.1 }
                    for t in 0..<m { w[c][t] -= dot * w[p][t] }
                }
            }
            let norm = w[c].reduce(0) { $0 + $1 * $1 }.squareRoot()
            for t in 0..<m { w[c][t] = norm > 0 ? w[c][t] / norm : 0 }
        }
    }
    // Each step: W ← orthonormalise(A V); Rayleigh–Ritz on WᵀAW; V ← W E, AV ← (AW) E.
    var w = v.map(apply)
    var values = [Double](repeating: 0, count: b)
    for _ in 0..<maxIterations {
        orthonormalise(&w)
        let aw = w.map(apply)
        var h = [Double](repeating: 0, count: b * b)
        for r in 0..<b { for c in 0..<b { h[r * b + c] = zip(w[r], aw[c]).reduce(0) { $0 + $1.0 * $1.1 } } }
        let (evals, evecs) = jacobiEigen(h, size: b)
        let order = (0..<b).sorted { evals[$0] > evals[$1] }
        func rotate(_ basis: [[Double]]) -> [[Double]] {
            order.map { e -> [Double] in
                var out = [Double](repeating: 0, count: m)
                for r in 0..<b { let c = evecs[r * b + e]; for t in 0..<m { out[t] = out[t].addingProduct(c, basis[r][t]) } }
                return out
            }
        }
        v = rotate(w)
        let av = rotate(aw)
        values = order.map { evals[$0] }
        let scale = max(abs(values[0]), 1e-300)
        var converged = true
        for c in 0..<count {
            var r2 = 0.0
            for t in 0..<m { let e = av[c][t] - values[c] * v[c][t]; r2 += e * e }
            if r2.squareRoot() > tolerance * scale { converged = false }
        }
        if converged { break }
        w = av
    }
    return (Array(v.prefix(count)), Array(values.prefix(count)))
}

/// Cyclic Jacobi eigen-decomposition of a small symmetric matrix h: [n, n].
/// Returns (eigenvalues [n], eigenvectors [n, n] with eigenvector e in column e).
func jacobiEigen(_ h: [Double], size n: Int) -> ([Double], [Double]) {
    var a = h
    var v = [Double](repeating: 0, count: n * n)
    for i in 0..<n { v[i * n + i] = 1 }
    for _ in 0..<100 {
        var off = 0.0
        for p in 0..<n { for q in (p + 1)..<n where q < n { off += a[p * n + q] * a[p * n + q] } }
        if off < 1e-30 { break }
        for p in 0..<n {
            for q in (p + 1)..<n where abs(a[p * n + q]) > 1e-300 {
                let theta = (a[q * n + q] - a[p * n + p]) / (2 * a[p * n + q])
                let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                let c = 1 / (t * t + 1).squareRoot(), s = t * c
                for k in 0..<n {   // A ← Jᵀ A J
                    let akp = a[k * n + p], akq = a[k * n + q]
                    a[k * n + p] = c * akp - s * akq
                    a[k * n + q] = s * akp + c * akq
                }
                for k in 0..<n {
                    let apk = a[p * n + k], aqk = a[q * n + k]
                    a[p * n + k] = c * apk - s * aqk
                    a[q * n + k] = s * apk + c * aqk
                }
                for k in 0..<n {
                    let vkp = v[k * n + p], vkq = v[k * n + q]
                    v[k * n + p] = c * vkp - s * vkq
                    v[k * n + q] = s * vkp + c * vkq
                }
            }
        }
    }
    return ((0..<n).map { a[$0 * n + $0] }, v)
}
