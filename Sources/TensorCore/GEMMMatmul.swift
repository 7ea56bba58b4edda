// GEMMMatmul — `matmul` on Tensors and the shape rule behind it.
//
// Shapes: [M,K]×[K,N] → [M,N]; with leading batch axes [..., M, K]×[..., K, N] → [..., M, N]
// (equal batch axes), and a rank-2 operand broadcast over the other's batch. Transposes
// apply to the last two axes. This file only maps tensors onto `gemm`/`gemmBatched`; it
// does not differentiate (see Autodiff) or handle strided views (tensors are dense).

extension Shape {
    /// The output shape of `matmul(a, b, transposeA:, transposeB:)`, or a `ShapeError`
    /// naming both shapes when they do not fit.
    ///
    /// Rules: both ranks ≥ 2; the contracted extents agree; the batch axes (all but the
    /// last two) are equal, or one operand is rank 2 and is broadcast.
    public static func checkMatmul(_ a: [Int], _ b: [Int], transposeA: Bool = false,
                                   transposeB: Bool = false) throws(ShapeError) -> [Int] {
        let what = "matmul: shapes \(a)\(transposeA ? "ᵀ" : "") and \(b)\(transposeB ? "ᵀ" : "")"
        guard a.count >= 2, b.count >= 2 else {
            throw ShapeError("\(what): both operands need rank ≥ 2 (got ranks \(a.count) and \(b.count))")
        }
        let (m, ka) = transposeA ? (a[a.count - 1], a[a.count - 2]) : (a[a.count - 2], a[a.count - 1])
        let (kb, n) = transposeB ? (b[b.count - 1], b[b.count - 2]) : (b[b.count - 2], b[b.count - 1])
        guard ka == kb else {
            throw ShapeError("\(what) do not fit: contracted extents \(ka) and \(kb) differ")
        }
        let batchA = Array(a.dropLast(2)), batchB = Array(b.dropLast(2))
        let batch: [Int]
        if batchA.isEmpty { batch = batchB }
        else if batchB.isEmpty || batchA == batchB { batch = batchA }
        else { throw ShapeError("\(what) do not fit: batch axes \(batchA) and \(batchB) differ") }
        return batch + [m, n]
    }

    /// `checkMatmul`, stopping on error.
    public static func matmul(_ a: [Int], _ b: [Int], transposeA: Bool = false, transposeB: Bool = false) -> [Int] {
        do { return try checkMatmul(a, b, transposeA: transposeA, transposeB: transposeB) }
        catch { preconditionFailure(error.message) }
    }
}

/// Matrix product on the last two axes: `op(a) · op(b)` where op transposes the last two
/// axes when asked.
///
/// - `a: [M, K]`, `b: [K, N]` → `[M, N]`
/// - `a: [..., M, K]`, `b: [..., K, N]` (equal batch axes) → `[..., M, N]`
/// - a rank-2 operand is broadcast over the other's batch axes: `[B, M, K]×[K, N] → [B, M, N]`
///
///     let y = matmul(x, w, transposeB: true)   // x: [B, T, C], w: [D, C] → [B, T, D]
///
/// With `bias` ([N], rank-2 operands only), the bias row is added to every row of the
/// product in the GEMM's epilogue (the same bytes as `matmul(a, b) + bias`).
///
/// Stops with a message naming both shapes when they do not fit (`Shape.checkMatmul`).
public func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false,
                   bias: Tensor? = nil) -> Tensor {
    let outShape = Shape.matmul(a.shape, b.shape, transposeA: transposeA, transposeB: transposeB)
    let out = Tensor(uninitialized: outShape)   // beta = 0: the GEMM writes every element
    let m = outShape[outShape.count - 2], n = outShape[outShape.count - 1]
    let k = transposeA ? a.shape[a.rank - 2] : a.shape[a.rank - 1]
    let batch = Shape.count(Array(outShape.dropLast(2)))
    precondition(bias == nil || (bias!.shape == [n] && outShape.count == 2),
                 "matmul: bias \(bias?.shape ?? []) needs shape [\(n)] and rank-2 operands (got \(a.shape), \(b.shape))")
    if out.count == 0 { return out }
    let lda = a.shape[a.rank - 1], ldb = b.shape[b.rank - 1]
    let strideA = a.rank == 2 ? 0 : a.shape[a.rank - 2] * lda
    let strideB = b.rank == 2 ? 0 : b.shape[b.rank - 2] * ldb
    if batch == 1 {
        gemm(transA: transposeA, transB: transposeB, m: m, n: n, k: k, alpha: 1, a: a.pointer, lda: max(lda, 1),
             b: b.pointer, ldb: max(ldb, 1), beta: 0, c: out.pointer, ldc: n, bias: bias.map { UnsafePointer($0.pointer) })
    } else if strideB == 0 && !transposeA {
        // [B, M, K]×[K, N]: one tall product with B·M rows.
        gemm(transA: false, transB: transposeB, m: batch * m, n: n, k: k, alpha: 1,
             a: a.pointer, lda: max(lda, 1), b: b.pointer, ldb: max(ldb, 1), beta: 0, c: out.pointer, ldc: n)
    } else {
        gemmBatched(transA: transposeA, transB: transposeB, m: m, n: n, k: k, alpha: 1,
                    a: a.pointer, lda: max(lda, 1), strideA: strideA,
                    b: b.pointer, ldb: max(ldb, 1), strideB: strideB,
                    beta: 0, c: out.pointer, ldc: n, strideC: m * n, batch: batch)
    }
    withExtendedLifetime(bias) {}
    return out
}
