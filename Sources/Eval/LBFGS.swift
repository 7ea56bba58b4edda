// LBFGS — limited-memory BFGS for smooth unconstrained minimisation in Double (Nocedal &
// Wright, Algorithm 7.4/7.5), used to fit the linear-probe logistic regressions.
//
// Direction: the two-loop recursion over the last m pairs (s_k = x_{k+1} − x_k,
// y_k = ∇f_{k+1} − ∇f_k) with initial scaling γ = sᵀy / yᵀy. Step: backtracking from α = 1
// (α = 1/‖g‖ on the first step) halving until the Armijo condition
// f(x + αd) ≤ f(x) + 10⁻⁴ α gᵀd holds; a pair with sᵀy ≤ 10⁻¹⁶ is not stored (keeps the
// approximation positive definite). Stops when ‖g‖_∞ ≤ gradientTolerance, when the relative
// decrease of f is below 1e-15 for 3 consecutive steps, or after maxIterations.
//
// Deterministic: plain sequential arithmetic; all parallelism is inside the caller's objective.
//
// Deliberately not here: bounds (L-BFGS-B), strong-Wolfe line search, the objective itself.

/// Result of `lbfgs`.
public struct LBFGSResult: Sendable {
    public let x: [Double]
    public let value: Double
    /// ‖∇f(x)‖_∞ at the returned point.
    public let gradientNorm: Double
    public let iterations: Int
    public let converged: Bool
}

/// Minimises f from x0. `objective(x, &gradient)` returns f(x) and writes ∇f(x).
///
///     let r = lbfgs(x0: [0, 0]) { x, g in
///         g[0] = 2 * (x[0] - 1); g[1] = 20 * (x[1] + 2)
///         return (x[0] - 1) * (x[0] - 1) + 10 * (x[1] + 2) * (x[1] + 2)
///     }
public func lbfgs(x0: [Double], memory m: Int = 10, gradientTolerance: Double = 1e-10, maxIterations: Int = 1000,
                  objective: ([Double], inout [Double]) -> Double) -> LBFGSResult {
    let n = x0.count
    var x = x0
    var g = [Double](repeating: 0, count: n)
    var f = objective(x, &g)
    var sList: [[Double]] = [], yList: [[Double]] = [], rhoList: [Double] = []
    var iteration = 0, smallDecreases = 0
    var newX = x, newG = g
    func infNorm(_ v: [Double]) -> Double { v.reduce(0) { max($0, abs($1)) } }
    func dot(_ a: [Double], _ b: [Double]) -> Double {
        var s = 0.0
        for i in 0..<a.count { s = s.addingProduct(a[i], b[i]) }
        return s
    }
    while iteration < maxIterations && infNorm(g) > gradientTolerance {
        // Two-loop recursion: d = −H g.
        var q = g
        var alphas = [Double](repeating: 0, count: sList.count)
        for k in stride(from: sList.count - 1, through: 0, by: -1) {
            alphas[k] = rhoList[k] * dot(sList[k], q)
            for i in 0..<n { q[i] = q[i].addingProduct(-alphas[k], yList[k][i]) }
        }
        if let s = sList.last, let y = yList.last {
            let gamma = dot(s, y) / dot(y, y)
            for i in 0..<n { q[i] *= gamma }
        }
        for k in 0..<sList.count {
            let beta = rhoList[k] * dot(yList[k], q)
            for i in 0..<n { q[i] = q[i].addingProduct(alphas[k] - beta, sList[k][i]) }
        }
        var d = q.map { -$0 }
        var slope = dot(g, d)
        if !(slope < 0) {   // not a descent direction: restart from steepest descent
            sList.removeAll(); yList.removeAll(); rhoList.removeAll()
            d = g.map { -$0 }
            slope = dot(g, d)
        }
        var step = sList.isEmpty ? min(1, 1 / max(infNorm(g), 1e-300)) : 1
        var newF = f
        var accepted = false
        for _ in 0..<60 {
            for i in 0..<n { newX[i] = x[i].addingProduct(step, d[i]) }
            newF = objective(newX, &newG)
            if newF <= f + 1e-4 * step * slope { accepted = true; break }
            step *= 0.5
        }
        if !accepted { break }
        let s = (0..<n).map { newX[$0] - x[$0] }, y = (0..<n).map { newG[$0] - g[$0] }
        let sy = dot(s, y)
        if sy > 1e-16 {
            sList.append(s); yList.append(y); rhoList.append(1 / sy)
            if sList.count > m { sList.removeFirst(); yList.removeFirst(); rhoList.removeFirst() }
        }
        let decrease = f - newF
        smallDecreases = decrease <= 1e-15 * max(abs(f), 1) ? smallDecreases + 1 : 0
        x = newX; g = newG; f = newF
        iteration += 1
        if smallDecreases >= 3 { break }
    }
    let gn = infNorm(g)
    return LBFGSResult(x: x, value: f, gradientNorm: gn, iterations: iteration, converged: gn <= gradientTolerance)
}
