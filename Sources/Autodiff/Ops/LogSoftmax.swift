// LogSoftmax — over the last axis.
//   y_j = x_j − log Σ_k exp(x_k)
//   ∂L/∂x_j = g_j − softmax(x)_j · Σ_k g_k

import TensorCore
import Foundation

/// Log-softmax over the last axis.
public func logSoftmax(_ x: Variable) -> Variable {
    let y = logSoftmaxLastAxis(x.value)
    return record(.logSoftmax, y, inputs: [x]) { g in
        let n = y.shape[y.rank - 1], rows = y.count / max(n, 1)
        let out = Tensor(zeros: y.shape)
        let pg = g.pointer, py = y.pointer, po = out.pointer
        ThreadPool.shared.parallelRanges(rows, grain: max(1, 16384 / max(n, 1))) { r in
            for row in r {
                let o = row * n
                var s: Float = 0
                for j in 0..<n { s += pg[o + j] }
                for j in 0..<n { po[o + j] = pg[o + j] - Foundation.exp(py[o + j]) * s }
            }
        }
        return [out]
    }
}
