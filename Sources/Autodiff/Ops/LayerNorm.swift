// LayerNorm — normalisation over the last axis with an affine map (Ba et al. 2016).
//
//   μ = (1/D) Σ_j x_j,  σ² = (1/D) Σ_j (x_j − μ)²  (biased),  r = 1/√(σ² + ε)
//   x̂_j = (x_j − μ)·r,  y_j = γ_j x̂_j + β_j
//
// Backward, per row, with ĝ_j = g_j γ_j:
//   ∂L/∂x_j = r · (ĝ_j − mean_k ĝ_k − x̂_j · mean_k(ĝ_k x̂_k))
//   ∂L/∂γ_j = Σ_rows g_j x̂_j,   ∂L/∂β_j = Σ_rows g_j
//
// Rows are computed eight at a time, one per SIMD lane, each row's sums in its own order
// (RowLanes.swift), so a row's bits do not depend on its neighbours or on the thread count; the
// γ/β sums go through `sumToShape` (each column summed over the rows in order).
// Not here: the NN module holding γ and β (NN/LayerNorm.swift).

import TensorCore

extension Shape {
    /// Checks `x: [..., D]` against `gamma`/`beta: [D]`; returns D.
    public static func checkLayerNorm(_ x: [Int], gamma: [Int]?, beta: [Int]?) throws(ShapeError) -> Int {
        guard let d = x.last else { throw ShapeError("layerNorm: input must have at least one axis, got shape \(x)") }
        for (name, s) in [("gamma", gamma), ("beta", beta)] {
            if let s, s != [d] {
                throw ShapeError("layerNorm: \(name) of shape \(s) does not match the last axis of input \(x) (expected [\(d)])")
            }
        }
        return d
    }
}

/// Layer normalisation over the last axis: `x: [..., D]`, `gamma`, `beta: [D]` (either may be
/// nil: no scale / no shift) → `[..., D]`.
///
///     let y = layerNorm(x, gamma: ln.weight, beta: ln.bias, eps: 1e-6)   // timm ViT uses 1e-6
public func layerNorm(_ x: Variable, gamma: Variable?, beta: Variable?, eps: Float = 1e-5) -> Variable {
    let d = Shape.orStop { try Shape.checkLayerNorm(x.shape, gamma: gamma?.shape, beta: beta?.shape) }
    let xv = x.value
    let rows = d == 0 ? 0 : xv.count / d
    let xhat = Tensor(uninitialized: xv.shape)
    let rstd = Tensor(uninitialized: [rows])
    let out = Tensor(uninitialized: xv.shape)
    // A missing γ or β acts as ones or zeros.
    let gam = gamma?.value ?? Tensor(shape: [d], repeating: 1), bet = beta?.value ?? Tensor(zeros: [d])
    let px = xv.pointer, ph = xhat.pointer, pr = rstd.pointer, po = out.pointer
    let pgam = gam.pointer, pbet = bet.pointer
    let grain = max(1, parallelGrain / max(d, 1))
    /// Row `row`'s x̂ and y, given its μ and r.
    @inline(__always) func normalize(_ row: Int, _ mu: Float, _ r: Float) {
        let a = px + row * d, h = ph + row * d, o = po + row * d
        pr[row] = r
        for j in 0..<d {
            let xh = (a[j] - mu) * r
            h[j] = xh
            o[j] = pbet[j].addingProduct(xh, pgam[j])
        }
    }
    ThreadPool.shared.parallelRanges(rows, grain: grain) { range in
        // Eight rows at a time, one SIMD lane each, every sum in its row's order (RowLanes.swift).
        var row = range.lowerBound
        while row + 8 <= range.upperBound {
            let a = UnsafePointer(px + row * d)
            var s = SIMD8<Float>(repeating: 0)
            for j in 0..<d { s += rowLanes8(a, d, j) }
            let mu = s / Float(d)
            var v = SIMD8<Float>(repeating: 0)
            for j in 0..<d { let c = rowLanes8(a, d, j) - mu; v = v.addingProduct(c, c) }
            let r = 1 / (v / Float(d) + eps).squareRoot()
            for k in 0..<8 { normalize(row + k, mu[k], r[k]) }
            row += 8
        }
        for row in row..<range.upperBound {
            let a = px + row * d
            var s: Float = 0
            for j in 0..<d { s += a[j] }
            let mu = s / Float(d)
            var v: Float = 0
            for j in 0..<d { let c = a[j] - mu; v = v.addingProduct(c, c) }
            normalize(row, mu, 1 / (v / Float(d) + eps).squareRoot())
        }
    }
    let inputs = [x] + (gamma.map { [$0] } ?? []) + (beta.map { [$0] } ?? [])
    withExtendedLifetime((xv, bet)) {}
    return record(.layerNorm, out, inputs: inputs) { g in
        // Pointers re-derived from the captured tensors, which the closure keeps alive.
        let pg = g.pointer, ph = xhat.pointer, pr = rstd.pointer, pgam = gam.pointer
        var grads: [Tensor?] = []
        if x.requiresGrad {
            let dx = Tensor(uninitialized: xv.shape)
            let pd = dx.pointer
            /// Row `row` of ∂L/∂x given its mean_k ĝ_k (a) and mean_k ĝ_k x̂_k (b).
            @inline(__always) func apply(_ row: Int, _ a: Float, _ b: Float) {
                let gr = pg + row * d, h = ph + row * d, o = pd + row * d
                let r = pr[row]
                for j in 0..<d {
                    let gh = gr[j] * pgam[j]
                    o[j] = r * (gh - a - h[j] * b)
                }
            }
            ThreadPool.shared.parallelRanges(rows, grain: grain) { range in
                var row = range.lowerBound
                while row + 8 <= range.upperBound {    // eight rows in SIMD lanes, as the forward
                    let gr = UnsafePointer(pg + row * d), h = UnsafePointer(ph + row * d)
                    var a = SIMD8<Float>(repeating: 0), b = SIMD8<Float>(repeating: 0)
                    for j in 0..<d {
                        let gh = rowLanes8(gr, d, j) * pgam[j]
                        a += gh
                        b = b.addingProduct(gh, rowLanes8(h, d, j))
                    }
                    a /= Float(d); b /= Float(d)
                    for k in 0..<8 { apply(row + k, a[k], b[k]) }
                    row += 8
                }
                for row in row..<range.upperBound {
                    let gr = pg + row * d, h = ph + row * d
                    var a: Float = 0, b: Float = 0
                    for j in 0..<d {
                        let gh = gr[j] * pgam[j]
                        a += gh
                        b = b.addingProduct(gh, h[j])
                    }
                    apply(row, a / Float(d), b / Float(d))
                }
            }
            grads.append(dx)
        } else {
            grads.append(nil)
        }
        if let gamma { grads.append(gamma.requiresGrad ? sumToShape(g * xhat, [d]) : nil) }
        if let beta { grads.append(beta.requiresGrad ? sumToShape(g, [d]) : nil) }
        return grads
    }
}
