// Softmax — softmax and log-softmax over the last axis, numerically stabilised.
//
//   softmax(x)_j     = exp(x_j − m) / Σ_k exp(x_k − m),  m = max_k x_k
//   logSoftmax(x)_j  = x_j − m − log Σ_k exp(x_k − m)
//
// Each row is processed by one task in index order: deterministic for any thread count.
// Rows whose every entry is −∞ give NaN, as in PyTorch (never happens with DropKey's −1e12).

import Foundation

/// e^x in Float (Cephes' expf: x = n·ln2 + r with a two-part ln2, a degree-6 polynomial in r,
/// then 2ⁿ put into the exponent bits). Relative error ≤ 2 ulp against the exact exponential
/// (tested); 0 below −87.33 (where e^x leaves the normal range), +∞ above 88.72, NaN for NaN.
/// Branch-free, so loops calling it vectorise — libm's expf is a scalar call. Every softmax
/// here (fused attention included) and the GELU derivative use it, so fused and composed
/// paths agree bit for bit.
@inlinable @inline(__always) public func expFloat(_ x: Float) -> Float {
    let xc = Swift.min(Swift.max(x.isNaN ? 0 : x, -87.33654), 88.72283)
    let n = (xc * 1.44269504088896341).rounded(.toNearestOrEven)   // n ∈ [−126, 128]
    let r = (xc - n * 0.693359375) - n * -2.12194440e-4
    var p: Float = 1.9875691500e-4
    p = p * r + 1.3981999507e-3
    p = p * r + 8.3334519073e-3
    p = p * r + 4.1665795894e-2
    p = p * r + 1.6666665459e-1
    p = p * r + 5.0000001201e-1
    let y = (p * (r * r) + r) + 1
    // 2ⁿ from the bits of n + 2²³ + 127 (its mantissa is n + 127; no float→int conversion, which
    // would not vectorise); n = 128 is done as 2·2¹²⁷.
    let top = n == 128
    let e = (n - (top ? 1 : 0)) + 8_388_735
    let scaled = y * Float(bitPattern: (e.bitPattern & 0x7F_FFFF) << 23) * (top ? 2 : 1)
    let result = x < -87.33654 ? 0 : (x > 88.72283 ? Float.infinity : scaled)
    return x.isNaN ? x : result
}

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
            // Exponentials in one loop (vectorised), their sum in order in another: the same
            // bits as one fused loop, which the in-order sum kept scalar.
            for j in 0..<n { o[j] = expFloat(a[j] - m) }
            var s: Float = 0
            for j in 0..<n { s += o[j] }
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
