// InfoNCE — MoRE's text-anchored symmetric contrastive loss.
//
// For modalities a, b with embeddings z^a, z^b ∈ R^{N×128} (row i = patient i):
//   S_ij = ⟨ẑ^a_i, ẑ^b_j⟩ / τ           (ẑ = z / ‖z‖, cosine similarities)
//   CE(a→b) = −(1/N) Σ_i log softmax(S_i·)_i          (positives on the diagonal)
//   L = ½[CE(t→x) + CE(x→t)] + ½[CE(t→e) + CE(e→t)]   (pairs summed, not averaged)
// No X-ray↔ECG term in MoRE: they meet only through the text anchor (an option adds one).
// τ = 0.02 fixed (the authors' "learnable" τ never reaches the optimiser); an option learns it.

import TensorCore
import Autodiff

/// In-batch retrieval accuracy of one direction.
public struct PairAccuracy: Sendable {
    public var top1: Float
    public var top5: Float
}

/// Loss and diagnostics of one contrastive step.
public struct ContrastiveOutput {
    public var loss: Variable
    /// Per pair ("t→x", "x→t", "t→e", "e→t", …) the in-batch top-1/top-5 accuracy.
    public var accuracy: [String: PairAccuracy]
}

/// Symmetric InfoNCE between two batches of embeddings: ½[CE(a→b) + CE(b→a)].
public func symmetricInfoNCE(_ za: Variable, _ zb: Variable, temperature tau: Variable, names: (String, String),
                             accuracy: inout [String: PairAccuracy]) -> Variable {
    // za, zb: [N, D]
    precondition(za.shape == zb.shape && za.shape.count == 2,
                 "InfoNCE: embeddings must both be [N, D], got \(za.shape) and \(zb.shape)")
    let n = za.shape[0]
    let a = l2Normalize(za), b = l2Normalize(zb)
    let sab = matmul(a, b, transposeB: true) / tau          // [N, N]
    let sba = matmul(b, a, transposeB: true) / tau
    let diag = Array(0..<n)
    accuracy["\(names.0)→\(names.1)"] = inBatchAccuracy(sab.value)
    accuracy["\(names.1)→\(names.0)"] = inBatchAccuracy(sba.value)
    return 0.5 * (crossEntropy(sab, targets: diag) + crossEntropy(sba, targets: diag))
}

/// Fraction of rows whose diagonal entry ranks first / within the top 5 (ties count against).
public func inBatchAccuracy(_ s: Tensor) -> PairAccuracy {
    let n = s.shape[0]
    var top1 = 0, top5 = 0
    let p = s.pointer
    for i in 0..<n {
        let d = p[i * n + i]
        var higher = 0
        for j in 0..<n where j != i && p[i * n + j] >= d { higher += 1 }
        if higher == 0 { top1 += 1 }
        if higher < 5 { top5 += 1 }
    }
    return PairAccuracy(top1: Float(top1) / Float(max(n, 1)), top5: Float(top5) / Float(max(n, 1)))
}
