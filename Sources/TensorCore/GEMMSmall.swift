// GEMMSmall — the path for very thin products (m ≤ 2 rows or n ≤ 4 columns of C).
//
// Padding such a product to 8×32 micro-tiles would waste most of the kernel's work, so it is
// computed row by row (m small: an AXPY over the rows of op(B), or dot products against the
// rows of a transposed B) or column by column (n small: dot products of the rows of op(A)
// with a gathered column of op(B)). Dot products use 16-lane partial sums combined in a
// fixed order, so results do not depend on threads; this path is serial (its products are
// memory-bound and small). Not here: the blocked path (GEMM.swift).

extension GEMMProblem {
    /// Thin products: by rows when m ≤ 2, else by columns.
    func runThin() {
        if m <= 2 { runByRows() } else { runByColumns() }
    }

    /// C[i, :] for each row i: op(A)[i, :] gathered into a contiguous k-vector, then either
    /// an AXPY over the rows of B (`!transB`) or n dot products (`transB`).
    private func runByRows() {
        GEMMScratchPool.shared.withBuffer(k + n) { buffer in
            let row = buffer, acc = buffer + k
            for i in 0..<m {
                for p in 0..<k { row[p] = transA ? a[p * lda + i] : a[i * lda + p] }
                let ci = c + i * ldc
                if transB {
                    for j in 0..<n { acc[j] = gemmDot(row, b + j * ldb, k) }
                } else {
                    acc.update(repeating: 0, count: n)
                    for p in 0..<k { gemmAXPY(row[p], b + p * ldb, acc, n) }
                }
                for j in 0..<n { ci[j] = combine(acc[j], ci[j], j) }
            }
        }
    }

    /// C[:, j] for each column j: op(B)[:, j] gathered into a contiguous k-vector, then
    /// either m dot products with the rows of A (`!transA`) or an AXPY over the rows of the
    /// stored k×m A (`transA`).
    private func runByColumns() {
        GEMMScratchPool.shared.withBuffer(k + m) { buffer in
            let col = buffer, acc = buffer + k
            for j in 0..<n {
                for p in 0..<k { col[p] = transB ? b[j * ldb + p] : b[p * ldb + j] }
                if transA {
                    acc.update(repeating: 0, count: m)
                    for p in 0..<k { gemmAXPY(col[p], a + p * lda, acc, m) }
                } else {
                    for i in 0..<m { acc[i] = gemmDot(a + i * lda, col, k) }
                }
                for i in 0..<m { c[i * ldc + j] = combine(acc[i], c[i * ldc + j], j) }
            }
        }
    }

    /// The same per-element update as the micro-kernels: `fma(acc, alpha, beta·old)`, then
    /// `+ bias[j]`.
    @inline(__always)
    private func combine(_ acc: Float, _ old: Float, _ j: Int) -> Float {
        let r = beta == 0 ? acc * alpha : (beta == 1 ? old : old * beta).addingProduct(acc, alpha)
        return bias.map { r + $0[j] } ?? r
    }
}

/// `y[0..<n] += s · x[0..<n]`.
@inline(__always)
func gemmAXPY(_ s: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
    let sv = SIMD16<Float>(repeating: s)
    var j = 0
    while j + 16 <= n {
        let yp = UnsafeMutableRawPointer(y + j)
        let v = yp.loadUnaligned(as: SIMD16<Float>.self)
            .addingProduct(sv, UnsafeRawPointer(x + j).loadUnaligned(as: SIMD16<Float>.self))
        yp.storeBytes(of: v, as: SIMD16<Float>.self)
        j += 16
    }
    while j < n { y[j] = y[j].addingProduct(s, x[j]); j += 1 }
}

/// `Σ x[p]·y[p]` with two 16-lane partial sums, reduced in a fixed order, plus a scalar tail.
@inline(__always)
func gemmDot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ k: Int) -> Float {
    var s0 = SIMD16<Float>(), s1 = SIMD16<Float>()
    var p = 0
    while p + 32 <= k {
        s0 = s0.addingProduct(UnsafeRawPointer(x + p).loadUnaligned(as: SIMD16<Float>.self),
                              UnsafeRawPointer(y + p).loadUnaligned(as: SIMD16<Float>.self))
        s1 = s1.addingProduct(UnsafeRawPointer(x + p + 16).loadUnaligned(as: SIMD16<Float>.self),
                              UnsafeRawPointer(y + p + 16).loadUnaligned(as: SIMD16<Float>.self))
        p += 32
    }
    var total = (s0 + s1).sum()
    while p < k { total = total.addingProduct(x[p], y[p]); p += 1 }
    return total
}
