// RowSpaceBasis — an exact reduction of an L2-regularised linear model with more features than
// rows (D > N, e.g. the raw-input probes: 12 000 ECG samples or 4 096 pixels per row, a few
// hundred rows) to N features.
//
// Householder QR of the transposed design, Zᵀ = Q R (Q: [D, N] with orthonormal columns,
// R: [N, N] upper triangular), gives Z = Rᵀ Qᵀ. For weights w = Q v:
//   Z w = Rᵀ v,   ‖w‖² = ‖v‖²,
// so  min_w  Σᵢ ℓ(zᵢ·w + b) + λ/2 ‖w‖²  over w ∈ range(Q) is the same problem on the N×N design
// Rᵀ. Nothing is lost by restricting w: the gradient Zᵀr + λw of a point in range(Q) stays in
// range(Q) (the rows of Z span it), so the optimum from w = 0 lies there. L-BFGS is invariant
// under the orthogonal change of variables (its steps are built from dot products), so the
// reduced fit follows the same iterates up to rounding; only the ‖∇‖_∞ stopping test is not
// invariant. Each iteration then reads an N×N matrix instead of N×D.
//
// Deliberately not here: the logistic fit (LogisticRegression.swift), pivoting (a rank-deficient
// Z, e.g. after centering, still gives an orthonormal Q whose range contains its rows).

import TensorCore

/// The orthonormal basis Q of the row space of an N×D design (D > N) as N Householder
/// reflectors, and the reduced design Rᵀ.
struct RowSpaceBasis {
    let rows: Int, columns: Int
    /// Reflector j: v_j (length D − j, stored from index j of row j) and τ_j; H_j = I − τ_j v_j v_jᵀ.
    private var reflectors: [Double]
    private var tau: [Double]
    /// Rᵀ: [N, N] row-major, lower triangular: Z Q.
    let reduced: FeatureMatrix

    /// The basis of z: [N, D] when it pays (D > N); nil otherwise.
    init?(_ z: FeatureMatrix) {
        let n = z.rows, d = z.columns
        guard d > n else { return nil }
        rows = n; columns = d
        // Column j of Zᵀ is row j of z: contiguous, so each reflector and each column update is a
        // contiguous dot product and axpy. Columns are updated in parallel, each by one task
        // (the result does not depend on the thread count).
        var a = z.values
        var tau = [Double](repeating: 0, count: n), diag = [Double](repeating: 0, count: n)
        a.withUnsafeMutableBufferPointer { ap in
            let a = ap.baseAddress!
            for j in 0..<n {
                let x = a + j * d + j, len = d - j
                let norm = simdDot(x, x, len).squareRoot()
                guard norm > 0 else { diag[j] = 0; tau[j] = 0; continue }
                let alpha = x[0] > 0 ? -norm : norm            // R_jj; the sign avoids cancellation in v₀
                x[0] -= alpha                                  // v = x − α e₁
                let vv = simdDot(x, x, len)
                let t = 2 / vv
                diag[j] = alpha; tau[j] = t
                let remaining = n - j - 1
                ThreadPool.shared.parallelFor((remaining + 7) / 8) { block in
                    for c in (j + 1 + block * 8)..<min(n, j + 1 + block * 8 + 8) {
                        let y = a + c * d + j
                        simdAxpy(-t * simdDot(x, y, len), x, y, len)
                    }
                }
            }
        }
        // Rᵀ[i][j] = R[j][i]: for j < i it is entry j of the updated row i; the diagonal is α_i.
        var r = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<i { r[i * n + j] = a[i * d + j] }
            r[i * n + i] = diag[i]
        }
        reflectors = a
        self.tau = tau
        reduced = FeatureMatrix(unchecked: r, rows: n, columns: n)
    }

    /// y ← H_j y for the trailing D − j entries of one D-vector y.
    @inline(__always)
    private func reflect(_ j: Int, _ h: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>) {
        guard tau[j] != 0 else { return }
        let x = h + j * columns + j, len = columns - j
        simdAxpy(-tau[j] * simdDot(x, y + j, len), x, y + j, len)
    }

    /// Q v for each of the K rows of v: [K, N] → [K, D] (weights back in feature space).
    func lift(_ v: [Double], outputs k: Int) -> [Double] {
        let n = rows, d = columns
        var out = [Double](repeating: 0, count: k * d)
        for c in 0..<k { for j in 0..<n { out[c * d + j] = v[c * n + j] } }
        reflectors.withUnsafeBufferPointer { hp in
            out.withUnsafeMutableBufferPointer { op in
                for c in 0..<k {
                    for j in stride(from: n - 1, through: 0, by: -1) { reflect(j, hp.baseAddress!, op.baseAddress! + c * d) }   // Q = H₀ ⋯ H_{N−1}
                }
            }
        }
        return out
    }

    /// Qᵀ w for each of the K rows of w: [K, D] → [K, N] (exact for w in the row space).
    func project(_ w: [Double], outputs k: Int) -> [Double] {
        let n = rows, d = columns
        var y = w, out = [Double](repeating: 0, count: k * n)
        reflectors.withUnsafeBufferPointer { hp in
            y.withUnsafeMutableBufferPointer { yp in
                for c in 0..<k {
                    let row = yp.baseAddress! + c * d
                    for j in 0..<n { reflect(j, hp.baseAddress!, row) }                                             // Qᵀ = H_{N−1} ⋯ H₀
                    for j in 0..<n { out[c * n + j] = row[j] }
                }
            }
        }
        return out
    }
}

/// y[k] += s · x[k] over n values.
@inline(__always)
func simdAxpy(_ s: Double, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int) {
    typealias V = SIMD8<Double>
    let rx = UnsafeRawPointer(x), ry = UnsafeMutableRawPointer(y)
    let sv = V(repeating: s)
    var k = 0
    while k + 8 <= n {
        let off = 8 * k
        ry.storeBytes(of: ry.loadUnaligned(fromByteOffset: off, as: V.self).addingProduct(sv, rx.loadUnaligned(fromByteOffset: off, as: V.self)),
                      toByteOffset: off, as: V.self)
        k += 8
    }
    while k < n { y[k] = y[k].addingProduct(s, x[k]); k += 1 }
}
