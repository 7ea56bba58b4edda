// CrossEntropy — mean negative log-likelihood of integer targets under softmax(logits).
//   L = −(1/N) Σᵢ log softmax(xᵢ)_{tᵢ}
//   ∂L/∂x_{ij} = (softmax(xᵢ)_j − [j = tᵢ]) / N
// Fused (one pass for the loss, one for the gradient) because every InfoNCE term uses it.

import TensorCore
import Foundation

/// Cross-entropy of `logits: [N, C]` against class indices `targets` (N of them, each in 0..<C),
/// averaged over N → scalar.
public func crossEntropy(_ logits: Variable, targets: [Int]) -> Variable {
    let x = logits.value
    precondition(x.rank == 2, "crossEntropy: logits must be [N, C], got \(x.shape)")
    let n = x.shape[0], c = x.shape[1]
    precondition(targets.count == n, "crossEntropy: \(targets.count) targets for logits of shape \(x.shape)")
    precondition(targets.allSatisfy { $0 >= 0 && $0 < c }, "crossEntropy: a target is outside 0..<\(c)")
    let logp = logSoftmaxLastAxis(x)
    var total: Double = 0
    for i in 0..<n { total -= Double(logp.pointer[i * c + targets[i]]) }
    let loss = Tensor(scalar: Float(total / Double(max(n, 1))))
    return record(.crossEntropy, loss, inputs: [logits]) { g in
        let scale = g.item / Float(max(n, 1))
        let out = Tensor(zeros: x.shape)
        let pl = logp.pointer, po = out.pointer
        for i in 0..<n {
            for j in 0..<c { po[i * c + j] = Foundation.exp(pl[i * c + j]) * scale }
            po[i * c + targets[i]] -= scale
        }
        return [out]
    }
}
