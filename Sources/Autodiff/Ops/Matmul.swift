// Matmul — C = op(A)·op(B) on the last two axes (batched and broadcast as TensorCore.matmul).
//
// Backward (for one batch element; op = optional transpose):
//   C = A B     : dA = dC Bᵀ      dB = Aᵀ dC
//   C = A Bᵀ    : dA = dC B       dB = dCᵀ A
//   C = Aᵀ B    : dA = B dCᵀ      dB = A dC
//   C = Aᵀ Bᵀ   : dA = Bᵀ dCᵀ     dB = dCᵀ Aᵀ
// When a rank-2 operand was broadcast over the other's batch, its gradient is summed over
// the batch axes.

import TensorCore

/// Differentiable matrix product. `a: [..., M, K]`, `b: [..., K, N]` → `[..., M, N]`.
public func matmul(_ a: Variable, _ b: Variable, transposeA: Bool = false, transposeB: Bool = false) -> Variable {
    let out = TensorCore.matmul(a.value, b.value, transposeA: transposeA, transposeB: transposeB)
    let op: Op = (a.value.rank == 2 && b.value.rank == 2) ? .matmul : .batchedMatmul
    let av = a.value, bv = b.value
    return record(op, out, inputs: [a, b]) { g in
        let da: Tensor?, db: Tensor?
        switch (transposeA, transposeB) {
        case (false, false):
            da = a.requiresGrad ? TensorCore.matmul(g, bv, transposeB: true) : nil
            db = b.requiresGrad ? TensorCore.matmul(av, g, transposeA: true) : nil
        case (false, true):
            da = a.requiresGrad ? TensorCore.matmul(g, bv) : nil
            db = b.requiresGrad ? TensorCore.matmul(g, av, transposeA: true) : nil
        case (true, false):
            da = a.requiresGrad ? TensorCore.matmul(bv, g, transposeB: true) : nil
            db = b.requiresGrad ? TensorCore.matmul(av, g) : nil
        case (true, true):
            da = a.requiresGrad ? TensorCore.matmul(bv, g, transposeA: true, transposeB: true) : nil
            db = b.requiresGrad ? TensorCore.matmul(g, av, transposeA: true, transposeB: true) : nil
        }
        return [da.map { sumBatch($0, to: av.shape) }, db.map { sumBatch($0, to: bv.shape) }]
    }
}

/// Sums a batched gradient [..., R, C] down to a broadcast rank-2 operand's [R, C].
func sumBatch(_ g: Tensor, to shape: [Int]) -> Tensor {
    if g.shape == shape { return g }
    precondition(shape.count == 2, "matmul backward: cannot reduce \(g.shape) to \(shape)")
    return g.reshaped([-1, shape[0], shape[1]]).sum(axis: 0)
}
