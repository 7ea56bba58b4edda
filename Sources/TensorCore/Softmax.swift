// Softmax — softmax and log-softmax over the last axis, numerically stabilised.
//
//   softmax(x)_j     = exp(x_j − m) / Σ_k exp(x_k − m),  m = max_k x_k
//   logSoftmax(x)_j  = x_j − m − log Σ_k exp(x_k − m)
//
// Each row is processed by one task in index order: deterministic for any thread count.
// Rows whose every entry is −∞ give NaN, as in PyTorch (never happens with DropKey's −1e12).

import Foundation

/// Softmax over the last axis.
public func softmaxLastAxis(_ x: Tensor) -> Tensor { softmaxKernel(x, log: false) }

/// Log-softmax over the last axis.
public func logSoftmaxLastAxis(_ x: Tensor) -> Tensor { softmaxKernel(x, log: true) }

func softmaxKernel(_ x: Tensor, log: Bool) -> Tensor {
    precondition(x.rank >= 1, "softmax: needs at least one axis, got shape \(x.shape)")
    let n = x.shape[x.rank - 1]
    let rows = n == 0 ? 0 : x.count / n
    let out = Tensor(uninitialized: x.shape)
    let px = x.pointer, po = out.pointer
    ThreadPool.shared.parallelRanges(rows, grain: max(1, 16384 / max(n, 1))) { r in
        for row in r {
            let a = px + row * n, o = po + row * n
            var m = -Float.infinity
            for j in 0..<n where a[j] > m { m = a[j] }
            var s: Float = 0
            for j in 0..<n { let e = Foundation.exp(a[j] - m); o[j] = e; s += e }
            if log {
                let ls = Foundation.log(s)
                for j in 0..<n { o[j] = a[j] - m - ls }
            } else {
                let inv = 1 / s
                for j in 0..<n { o[j] *= inv }
            }
        }
    }
    return out
}
