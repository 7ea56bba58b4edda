// GEMMReference — the naive triple-loop GEMM kept as the test oracle.
//
// It is deliberately simple and slow: no blocking, no SIMD, no threads. Each dot product is
// accumulated in Double in increasing k order and rounded to Float once, so it is (nearly)
// the correctly rounded result the fast GEMM is compared against. It is not meant to be
// called by kernels.

/// Naive `C = alpha * op(A) * op(B) + beta * C` (row-major), the oracle for `gemm`.
///
/// Same parameters and storage conventions as `gemm`: op(A) is m×k, op(B) is k×n, C is m×n;
/// A is stored m×k (lda ≥ k) when `!transA`, k×m (lda ≥ m) when `transA`; B likewise.
/// Each `sum_p op(A)[i,p] * op(B)[p,j]` is accumulated in Double in increasing p order.
/// When `beta == 0`, C is overwritten (NaNs in C are ignored); when `alpha == 0`, A and B
/// are not read (C ← beta·C), as in BLAS and `gemm`.
public func gemmReference(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                          a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                          beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
    checkGEMMArguments(transA: transA, transB: transB, m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc)
    for i in 0..<m {
        for j in 0..<n {
            var acc = 0.0
            for p in 0..<k where alpha != 0 {
                let av = transA ? a[p * lda + i] : a[i * lda + p]
                let bv = transB ? b[j * ldb + p] : b[p * ldb + j]
                acc += Double(av) * Double(bv)
            }
            let prod = Float(Double(alpha) * acc)
            c[i * ldc + j] = beta == 0 ? prod : prod + beta * c[i * ldc + j]
        }
    }
}

/// Stops with a message naming the offending value when the GEMM extents or leading
/// dimensions are inconsistent (shared by `gemm`, `gemmBatched` and `gemmReference`).
func checkGEMMArguments(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, lda: Int, ldb: Int, ldc: Int) {
    precondition(m >= 0 && n >= 0 && k >= 0, "gemm: negative extent m=\(m) n=\(n) k=\(k)")
    let aWidth = transA ? m : k, bWidth = transB ? k : n
    precondition(lda >= max(aWidth, 1), "gemm: lda=\(lda) is smaller than the width \(aWidth) of A (transA=\(transA), m=\(m), k=\(k))")
    precondition(ldb >= max(bWidth, 1), "gemm: ldb=\(ldb) is smaller than the width \(bWidth) of B (transB=\(transB), k=\(k), n=\(n))")
    precondition(ldc >= max(n, 1), "gemm: ldc=\(ldc) is smaller than the width n=\(n) of C")
}
