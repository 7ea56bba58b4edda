// L2Normalize — rows scaled to unit length, as torch.nn.functional.normalize(x, dim=-1).
//
//   n = ‖x‖₂ (over the last axis),  y = x / max(n, ε)
//   ∂L/∂x = (g − y·(g·y)) / n     when n > ε
//   ∂L/∂x = g / ε                 otherwise (the clamp is constant there)
//
// Each row is handled by one task in index order (deterministic for any thread count).
// Not here: the temperature and similarity matrix of InfoNCE (MoRE/InfoNCE.swift).

import TensorCore

/// Scales each row of `x: [..., D]` to unit L2 norm (rows shorter than `eps` are divided by
/// `eps` instead) → `[..., D]`.
///
///     let z = l2Normalize(projection(h))     // then logits = matmul(zt, zx, transposeB: true) / τ
public func l2Normalize(_ x: Variable, eps: Float = 1e-12) -> Variable {
    let xv = x.value
    precondition(xv.rank >= 1, "l2Normalize: input must have at least one axis, got shape \(xv.shape)")
    let d = xv.shape[xv.rank - 1]
    let rows = d == 0 ? 0 : xv.count / d
    let out = Tensor(zeros: xv.shape), norms = Tensor(zeros: [rows])
    let px = xv.pointer, po = out.pointer, pn = norms.pointer
    let grain = max(1, parallelGrain / max(d, 1))
    ThreadPool.shared.parallelRanges(rows, grain: grain) { range in
        for row in range {
            let a = px + row * d, o = po + row * d
            var s: Float = 0
            for j in 0..<d { s = s.addingProduct(a[j], a[j]) }
            let norm = s.squareRoot()
            pn[row] = norm
            let inv = 1 / max(norm, eps)
            for j in 0..<d { o[j] = a[j] * inv }
        }
    }
    withExtendedLifetime(xv) {}
    return record(.l2Normalize, out, inputs: [x]) { g in
        let dx = Tensor(zeros: out.shape)
        let pg = g.pointer, py = out.pointer, pn = norms.pointer, pd = dx.pointer
        ThreadPool.shared.parallelRanges(rows, grain: grain) { range in
            for row in range {
                let gr = pg + row * d, y = py + row * d, o = pd + row * d
                let norm = pn[row]
                if norm > eps {
                    var dot: Float = 0
                    for j in 0..<d { dot = dot.addingProduct(gr[j], y[j]) }
                    let inv = 1 / norm
                    for j in 0..<d { o[j] = (gr[j] - y[j] * dot) * inv }
                } else {
                    for j in 0..<d { o[j] = gr[j] / eps }
                }
            }
        }
        return [dx]
    }
}
