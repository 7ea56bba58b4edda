// GEMM — the public matrix-product entry points: `gemm`, `gemmBatched`.
//
// C = alpha * op(A) * op(B) + beta * C on row-major Float32 matrices with either operand
// transposed. This file holds the argument checks and the simple driver; the blocked,
// packed, multithreaded path lives in GEMMBlocked.swift / GEMMKernel.swift (added next).
// Tensor conveniences (`matmul`) are in GEMMMatmul.swift; the oracle in GEMMReference.swift.

/// `C = alpha * op(A) * op(B) + beta * C`, row-major.
///
/// op(A) is m×k, op(B) is k×n, C is m×n. A is stored m×k (lda ≥ k) when `!transA`, k×m
/// (lda ≥ m) when `transA`; B is stored k×n (ldb ≥ n) when `!transB`, n×k (ldb ≥ k) when
/// `transB`. When `beta == 0`, C is overwritten (NaNs in C are ignored), as in BLAS.
///
///     // C[2×4] = A[2×3] · B[3×4]
///     gemm(transA: false, transB: false, m: 2, n: 4, k: 3, alpha: 1,
///          a: a, lda: 3, b: b, ldb: 4, beta: 0, c: c, ldc: 4)
///
/// Results are bitwise identical for any thread count: each element of C is computed by
/// one thread, summing over k in a fixed order.
public func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                 a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                 beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
    checkGEMMArguments(transA: transA, transB: transB, m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc)
    gemmSimple(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
               a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
}

/// `batch` independent products `C_i = alpha * op(A_i) * op(B_i) + beta * C_i`, where
/// `A_i = a + i * strideA`, `B_i = b + i * strideB`, `C_i = c + i * strideC` (element
/// strides). A stride of 0 for A or B broadcasts one matrix over the batch; the C matrices
/// must not overlap.
public func gemmBatched(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                        a: UnsafePointer<Float>, lda: Int, strideA: Int,
                        b: UnsafePointer<Float>, ldb: Int, strideB: Int,
                        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, strideC: Int, batch: Int) {
    checkGEMMArguments(transA: transA, transB: transB, m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc)
    precondition(batch >= 0, "gemmBatched: negative batch \(batch)")
    for i in 0..<batch {
        gemmSimple(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                   a: a + i * strideA, lda: lda, b: b + i * strideB, ldb: ldb,
                   beta: beta, c: c + i * strideC, ldc: ldc)
    }
}

/// Straightforward row-by-row GEMM (i, p, j loop order); correct for every case.
func gemmSimple(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
    for i in 0..<m {
        let ci = c + i * ldc
        for j in 0..<n { ci[j] = beta == 0 ? 0 : beta * ci[j] }
        for p in 0..<k {
            let av = alpha * (transA ? a[p * lda + i] : a[i * lda + p])
            if transB {
                for j in 0..<n { ci[j] = ci[j].addingProduct(av, b[j * ldb + p]) }
            } else {
                let bp = b + p * ldb
                for j in 0..<n { ci[j] = ci[j].addingProduct(av, bp[j]) }
            }
        }
    }
}
