// GradCheck — compares analytic gradients with central differences.
//
// For a function f of some input Variables, the scalar probe L = Σ wᵢ·f(x)ᵢ with fixed random
// weights w (so every output element matters) is differentiated two ways:
//   analytic:  backward() through the recorded ops;
//   numeric:   (L(x + εeⱼ) − L(x − εeⱼ)) / 2ε for every input element j,
// with L accumulated in Double so that the difference is not lost to Float rounding.
// An element passes when |analytic − numeric| ≤ atol + rtol·max(|analytic|, |numeric|).
// With `allowKinks`, a failing element whose one-sided differences (L(x+εeⱼ) − L(x))/ε and
// (L(x) − L(x−εeⱼ))/ε themselves disagree by more than that tolerance is counted as a kink —
// f is observably not smooth within ±ε there (a ReLU switching), so central differences say
// nothing — instead of a failure. A wrong backward on a smooth f still fails: there the two
// one-sided differences agree with each other and not with the analytic gradient.
//
// Not here: the list of ops that must be checked (Op.swift) or the checks themselves
// (Tests/AutodiffTests/).

import TensorCore

/// Outcome of a gradient check.
public struct GradCheckResult: CustomStringConvertible {
    /// Largest |analytic − numeric| over all checked elements.
    public var maxAbsError: Double = 0
    /// The element with the largest excess over its tolerance, as "input#i[j]".
    public var worst: String = ""
    /// Number of elements over tolerance.
    public var failures: Int = 0
    /// Elements checked.
    public var checked: Int = 0
    /// Failing elements set aside as kinks (only with `allowKinks`).
    public var kinks: Int = 0
    /// The ops recorded on the tape of f (to prove the intended op was exercised).
    public var ops: Set<Op> = []
    public var passed: Bool { failures == 0 && checked > 0 }
    public var description: String {
        "gradCheck: \(checked) elements, \(failures) over tolerance\(kinks > 0 ? ", \(kinks) at kinks" : ""), max |Δ| \(maxAbsError) \(worst.isEmpty ? "" : "(worst \(worst))"), ops \(ops.map(\.rawValue).sorted())"
    }
}

/// Checks the gradients of `f` with respect to every input that `requiresGrad`.
///
///     let x = Variable(Tensor(shape: [3, 4], …), requiresGrad: true)
///     let r = gradCheck([x]) { v in exp(v[0]) }
///     XCTAssertTrue(r.passed, "\(r)")
///
/// - Parameters:
///   - eps: finite-difference step (Float32 inputs: 1e-2 to 1e-3 balances truncation and rounding).
///   - atol, rtol: per-element tolerance.
///   - seed: seed of the probe weights w.
///   - allowKinks: count failing elements where f is not smooth within ±ε as `kinks`, not failures.
public func gradCheck(_ inputs: [Variable], eps: Float = 1e-2, atol: Double = 2e-3, rtol: Double = 2e-2,
                      seed: UInt64 = 7, allowKinks: Bool = false, _ f: ([Variable]) -> Variable) -> GradCheckResult {
    var result = GradCheckResult()
    for x in inputs { x.zeroGrad() }
    let y = f(inputs)
    result.ops = opsOnTape(y)
    var rng = RNG(seed: seed, stream: RNG.stream("gradcheck-probe"))
    let w = Tensor(shape: y.shape) { p in for i in p.indices { p[i] = rng.uniform(-1, 1) } }
    y.backward(w)

    func probe() -> Double {
        let out = noGrad { f(inputs) }.value
        var s = 0.0
        for i in 0..<out.count { s += Double(w.pointer[i]) * Double(out.pointer[i]) }
        return s
    }

    let center = allowKinks ? probe() : 0
    for (which, x) in inputs.enumerated() where x.requiresGrad {
        let analytic = x.grad ?? Tensor(zeros: x.shape)
        let p = x.value.pointer
        for j in 0..<x.value.count {
            let orig = p[j]
            p[j] = orig + eps
            let up = probe()
            p[j] = orig - eps
            let down = probe()
            p[j] = orig
            let numeric = (up - down) / (2 * Double(eps))
            let a = Double(analytic.pointer[j])
            let err = abs(a - numeric)
            let tol = atol + rtol * max(abs(a), abs(numeric))
            result.checked += 1
            if !(err <= tol) && allowKinks && abs((up - center) - (center - down)) / Double(eps) > tol {
                result.kinks += 1
                continue
            }
            result.maxAbsError = max(result.maxAbsError, err)
            if !(err <= tol) {
                if result.failures == 0 || err > result.maxAbsError * 0.999 {
                    result.worst = "input#\(which)[\(j)] analytic \(a) numeric \(numeric)"
                }
                result.failures += 1
            }
        }
    }
    return result
}
