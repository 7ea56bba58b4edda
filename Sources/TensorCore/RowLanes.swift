// RowLanes — eight rows side by side, one per SIMD lane, for reductions that must keep their
// order.
//
// A row's sum Σ_j x_j added in order j = 0, 1, … is a chain of dependent additions: each waits
// for the one before (4 cycles on Zen 4/5), so a row of 384 floats takes ~1,500 cycles however
// wide the vector unit is. Reordering the sum would vectorise it but change its bits. Eight
// rows have eight independent chains: with lane r holding row r,
//
//     acc = 0;  for j in 0..<n { acc += rowLanes8(p, stride, j) }   // acc[r] = Σ_j p[r·stride + j]
//
// every lane performs exactly its row's additions in the row's order (SIMD arithmetic is the
// same IEEE operation per lane), so acc[r] has the bits of the scalar loop over row r, and the
// eight chains share the latency. Used by the attention softmax, its adjoint and LayerNorm.

/// The column j of eight rows at `stride`: (p[j], p[stride + j], …, p[7·stride + j]).
@inlinable @inline(__always)
public func rowLanes8(_ p: UnsafePointer<Float>, _ stride: Int, _ j: Int) -> SIMD8<Float> {
    SIMD8(p[j], p[stride + j], p[2 * stride + j], p[3 * stride + j],
          p[4 * stride + j], p[5 * stride + j], p[6 * stride + j], p[7 * stride + j])
}
