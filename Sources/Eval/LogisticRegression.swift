// LogisticRegression — L2-regularised logistic regression for linear probes, in Double:
// binary, multi-label (one independent binary model per label) and multinomial (softmax).
//
// Objective (scikit-learn's, C = 1/λ, intercept not penalised), on standardised features z_i:
//
//     sigmoid (per output k):  ½‖w_k‖² + C Σ_i [softplus(s_ik) − t_ik s_ik],   s_ik = w_k·z_i + b_k
//     softmax (K classes):     ½‖W‖²_F + C Σ_i [logsumexp(s_i) − s_i,y_i]
//
// minimised by L-BFGS (`LBFGS.swift`) on the equivalent objective divided by C·N (same
// minimiser, better scaled), from zero or a warm start. The outputs of a multi-label model share
// no parameter, so fitting them jointly gives each label exactly its own binary solution.
// Deterministic: all parallel work is in the `FeatureMatrix` kernels.
//
// Deliberately not here: choosing C (`LogisticRegressionSelection.swift`), L1/elastic-net
// penalties, class weights, sample weights.

import Foundation

/// Errors of the linear-probe code on user input.
public enum ProbeError: Error, Equatable, CustomStringConvertible {
    case shape(field: String, expected: String, got: String)
    case nonFinite(field: String, row: Int, column: Int)
    case invalidLabel(field: String, index: Int, value: Int)
    case invalidParameter(name: String, value: String, reason: String)

    public var description: String {
        switch self {
        case let .shape(field, expected, got): return "linear probe: `\(field)` has \(got), expected \(expected)"
        case let .nonFinite(field, row, column): return "linear probe: `\(field)` is NaN or infinite at row \(row), column \(column)"
        case let .invalidLabel(field, index, value): return "linear probe: `\(field)` has invalid label \(value) at index \(index)"
        case let .invalidParameter(name, value, reason): return "linear probe: `\(name)` = \(value): \(reason)"
        }
    }
}

/// A fitted logistic model. Weights act on standardised features.
public struct LogisticModel: Sendable {
    public enum Link: String, Sendable { case sigmoid, softmax }
    public let link: Link
    /// K: 1 for binary, L for multi-label, the number of classes for softmax.
    public let outputs: Int
    /// [K, D] on standardised features.
    public let weights: [Double]
    /// [K].
    public let intercepts: [Double]
    public let standardizer: Standardizer
    /// The C each output was fitted with (all equal unless per-label C was selected): [K].
    public let c: [Double]
    public let iterations: Int
    public let converged: Bool

    /// Scores s = W z + b for raw features x: [N, D] → [N, K].
    public func decisionFunction(_ x: FeatureMatrix) throws -> [Double] {
        let z = try standardizer.apply(x)
        var s = [Double](repeating: 0, count: x.rows * outputs)
        weights.withUnsafeBufferPointer { w in
            s.withUnsafeMutableBufferPointer { z.multiplyTransposed(w.baseAddress!, outputs: outputs, into: $0.baseAddress!) }
        }
        for i in 0..<x.rows { for k in 0..<outputs { s[i * outputs + k] += intercepts[k] } }
        return s
    }

    /// Probabilities [N, K]: σ(s) per output (sigmoid) or softmax over outputs.
    public func probabilities(_ x: FeatureMatrix) throws -> [Double] {
        var s = try decisionFunction(x)
        for i in 0..<x.rows {
            switch link {
            case .sigmoid: for k in 0..<outputs { s[i * outputs + k] = sigmoid(s[i * outputs + k]) }
            case .softmax: softmaxInPlace(&s, offset: i * outputs, count: outputs)
            }
        }
        return s
    }

    /// Weights and intercepts on the raw feature scale: w_j / scale_j and b − Σ_j w_j mean_j / scale_j.
    public var rawCoefficients: (weights: [Double], intercepts: [Double]) {
        let d = standardizer.mean.count
        var w = weights, b = intercepts
        for k in 0..<outputs {
            for j in 0..<d {
                w[k * d + j] = weights[k * d + j] / standardizer.scale[j]
                b[k] -= w[k * d + j] * standardizer.mean[j]
            }
        }
        return (w, b)
    }
}

@inline(__always) func sigmoid(_ s: Double) -> Double {
    s >= 0 ? 1 / (1 + exp(-s)) : exp(s) / (1 + exp(s))
}

/// log(1 + eˢ), stable for any s.
@inline(__always) func softplus(_ s: Double) -> Double { max(s, 0) + log1p(exp(-abs(s))) }

/// Softmax of v[offset ..< offset + count] in place; returns the log-sum-exp.
@discardableResult
func softmaxInPlace(_ v: inout [Double], offset: Int, count: Int) -> Double {
    var m = -Double.infinity
    for k in 0..<count { m = max(m, v[offset + k]) }
    var sum = 0.0
    for k in 0..<count { v[offset + k] = exp(v[offset + k] - m); sum += v[offset + k] }
    for k in 0..<count { v[offset + k] /= sum }
    return m + log(sum)
}

/// Logistic regression settings.
///
///     let model = try LogisticRegression(c: 0.1).fitBinary(x, labels: y)
///     let p = try model.probabilities(xTest)       // [N, 1]
public struct LogisticRegression: Sendable {
    /// Inverse L2 strength (scikit-learn's C).
    public var c: Double
    /// Standardise features (fit on the training rows) before fitting.
    public var standardize: Bool
    /// Stop when ‖∇‖_∞ of the objective divided by C·N is below this.
    public var gradientTolerance: Double
    public var maxIterations: Int
    /// With more features than rows, fit on the row space of the design (`RowSpaceBasis`: the
    /// same optimum, each iteration N×N instead of N×D). Off: the plain fit, for comparison.
    public var reduceRowSpace: Bool

    public init(c: Double = 1, standardize: Bool = true, gradientTolerance: Double = 1e-8, maxIterations: Int = 2000,
                reduceRowSpace: Bool = true) {
        self.c = c
        self.standardize = standardize
        self.gradientTolerance = gradientTolerance
        self.maxIterations = maxIterations
        self.reduceRowSpace = reduceRowSpace
    }

    /// Binary: x: [N, D]; labels: [N] in {0, 1}. One sigmoid output.
    public func fitBinary(_ x: FeatureMatrix, labels: [Int]) throws -> LogisticModel {
        try fitMultiLabel(x, labels: labels.map { [$0] })
    }

    /// Multi-label: x: [N, D]; labels: [N, L] in {0, 1}. L independent sigmoid outputs.
    public func fitMultiLabel(_ x: FeatureMatrix, labels: [[Int]]) throws -> LogisticModel {
        let targets = try multiLabelTargets(labels, rows: x.rows)
        let scaler = standardize ? Standardizer(fitting: x) : Standardizer(identity: x.columns)
        return try fit(scaler.apply(x), scaler: scaler, targets: targets, outputs: labels[0].count, link: .sigmoid)
    }

    /// Multinomial: x: [N, D]; labels: [N] in 0..<classes. Softmax over `classes` outputs.
    public func fitMultinomial(_ x: FeatureMatrix, labels: [Int], classes: Int) throws -> LogisticModel {
        let targets = try multinomialTargets(labels, classes: classes, rows: x.rows)
        let scaler = standardize ? Standardizer(fitting: x) : Standardizer(identity: x.columns)
        return try fit(scaler.apply(x), scaler: scaler, targets: targets, outputs: classes, link: .softmax)
    }

    /// Fits on already standardised features z: [N, D] with targets t: [N, K]. With more
    /// features than rows (and `reduceRowSpace`), the fit runs on the N×N design of z's row
    /// space (`RowSpaceBasis`; pass `basis` to reuse one across fits of the same z) and the
    /// weights are mapped back: the same optimum.
    func fit(_ z: FeatureMatrix, scaler: Standardizer, targets t: [Double], outputs k: Int, link: LogisticModel.Link,
             warmStart: [Double]? = nil, basis: RowSpaceBasis? = nil) throws -> LogisticModel {
        guard c > 0, c.isFinite else { throw ProbeError.invalidParameter(name: "c", value: "\(c)", reason: "must be positive") }
        let d = z.columns, basis = basis ?? (reduceRowSpace ? RowSpaceBasis(z) : nil)
        let warm = warmStart.map { w in basis.map { $0.project(Array(w[0..<(k * d)]), outputs: k) + w[(k * d)...] } ?? w }
        let r = try fitDesign(basis?.reduced ?? z, targets: t, outputs: k, link: link, warmStart: warm)
        let m = k * (basis?.rows ?? d)     // weights in r.x, then the intercepts
        let weights = Array(r.x[0..<m])
        return LogisticModel(link: link, outputs: k, weights: basis?.lift(weights, outputs: k) ?? weights,
                             intercepts: Array(r.x[m...]), standardizer: scaler, c: [Double](repeating: c, count: k),
                             iterations: r.iterations, converged: r.converged)
    }

    /// L-BFGS on the design z: [N, D]: minimises (1/N) Σᵢ ℓ(z_i Wᵀ + b; t_i) + (1/(2CN)) ‖W‖²;
    /// returns θ = [W (K×D row-major), b (K)].
    func fitDesign(_ z: FeatureMatrix, targets t: [Double], outputs k: Int, link: LogisticModel.Link,
                   warmStart: [Double]?) throws -> (x: [Double], iterations: Int, converged: Bool) {
        let n = z.rows, d = z.columns
        let lambda = 1 / (c * Double(n))
        var scores = [Double](repeating: 0, count: n * k)
        let theta0 = warmStart ?? [Double](repeating: 0, count: k * d + k)
        let result = lbfgs(x0: theta0, gradientTolerance: gradientTolerance, maxIterations: maxIterations) { theta, grad in
            // One pass: scores = Z Wᵀ + b → residuals R (and the loss), ∇W = Rᵀ Z.
            let loss = theta.withUnsafeBufferPointer { w in
                scores.withUnsafeMutableBufferPointer { sp in
                    grad.withUnsafeMutableBufferPointer { gp in
                        z.fusedGradient(w.baseAddress!, outputs: k, scores: sp.baseAddress!, into: gp.baseAddress!) { rows in
                            logisticResidual(sp.baseAddress!, rows: rows, outputs: k, intercepts: w.baseAddress! + k * d,
                                             targets: t, link: link)
                        }
                    }
                }
            }
            var penalty = 0.0
            for j in 0..<(k * d) {
                grad[j] = grad[j] / Double(n) + lambda * theta[j]
                penalty = penalty.addingProduct(theta[j], theta[j])
            }
            for c in 0..<k {
                var s = 0.0
                for i in 0..<n { s += scores[i * k + c] }
                grad[k * d + c] = s / Double(n)
            }
            return loss / Double(n) + 0.5 * lambda * penalty
        }
        return (result.x, result.iterations, result.converged)
    }
}

/// Turns scores s (without intercepts) of `rows` into residuals ∂loss/∂s in place and
/// returns those rows' loss. s, t: [N, K]; intercepts: [K].
@inline(__always)
func logisticResidual(_ s: UnsafeMutablePointer<Double>, rows: Range<Int>, outputs k: Int, intercepts b: UnsafePointer<Double>,
                      targets t: [Double], link: LogisticModel.Link) -> Double {
    var loss = 0.0
    for i in rows {
        let row = s + i * k
        for c in 0..<k { row[c] += b[c] }
        switch link {
        case .sigmoid:
            for c in 0..<k {
                let y = t[i * k + c]
                loss += softplus(row[c]) - y * row[c]
                row[c] = sigmoid(row[c]) - y
            }
        case .softmax:
            var m = -Double.infinity, picked = 0.0
            for c in 0..<k { m = max(m, row[c]); picked = picked.addingProduct(t[i * k + c], row[c]) }
            var sum = 0.0
            for c in 0..<k { row[c] = exp(row[c] - m); sum += row[c] }
            loss += m + log(sum) - picked
            for c in 0..<k { row[c] = row[c] / sum - t[i * k + c] }
        }
    }
    return loss
}

/// labels: [N, L] in {0, 1} → targets [N·L].
func multiLabelTargets(_ labels: [[Int]], rows n: Int) throws -> [Double] {
    guard labels.count == n else { throw ProbeError.shape(field: "labels", expected: "\(n) rows", got: "\(labels.count)") }
    let l = labels[0].count
    guard l > 0 else { throw ProbeError.shape(field: "labels[0]", expected: "at least 1 label", got: "0") }
    var t = [Double]()
    t.reserveCapacity(n * l)
    for (i, row) in labels.enumerated() {
        guard row.count == l else { throw ProbeError.shape(field: "labels[\(i)]", expected: "\(l) labels", got: "\(row.count)") }
        for v in row {
            guard v == 0 || v == 1 else { throw ProbeError.invalidLabel(field: "labels", index: i, value: v) }
            t.append(Double(v))
        }
    }
    return t
}

/// labels: [N] in 0..<classes → one-hot targets [N·classes].
func multinomialTargets(_ labels: [Int], classes: Int, rows n: Int) throws -> [Double] {
    guard classes >= 2 else { throw ProbeError.invalidParameter(name: "classes", value: "\(classes)", reason: "need at least 2") }
    guard labels.count == n else { throw ProbeError.shape(field: "labels", expected: "\(n) rows", got: "\(labels.count)") }
    var t = [Double](repeating: 0, count: n * classes)
    for (i, y) in labels.enumerated() {
        guard (0..<classes).contains(y) else { throw ProbeError.invalidLabel(field: "labels", index: i, value: y) }
        t[i * classes + y] = 1
    }
    return t
}
