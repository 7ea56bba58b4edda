// Softmax — over the last axis.
//   y_j = exp(x_j) / Σ_k exp(x_k)
//   ∂L/∂x_j = y_j (g_j − Σ_k g_k y_k)

import TensorCore

/// Softmax over the last axis.
public func softmax(_ x: Variable) -> Variable {
    let y = softmaxLastAxis(x.value)
    return record(.softmax, y, inputs: [x]) { g in [softmaxBackward(g, y)] }
}

/// dx = y ⊙ (g − rowsum(g ⊙ y)) for row-wise softmax output y.
public func softmaxBackward(_ g: Tensor, _ y: Tensor) -> Tensor {
    let n = y.shape[y.rank - 1], rows = y.count / max(n, 1)
    let out = Tensor(uninitialized: y.shape)
    let pg = g.pointer, py = y.pointer, po = out.pointer
    ThreadPool.shared.parallelRanges(rows, grain: max(1, 16384 / max(n, 1))) { r in
        for row in r {
            let o = row * n
            var dot: Float = 0
            for j in 0..<n { dot = dot.addingProduct(pg[o + j], py[o + j]) }
            for j in 0..<n { po[o + j] = py[o + j] * (pg[o + j] - dot) }
        }
    }
    return out
}
