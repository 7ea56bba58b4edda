// Conv1d — 1-D convolution (cross-correlation, as PyTorch) by im2col + GEMM (the ECG stem).
//
//   y[n, co, l] = b[co] + Σ_{ci, k} W[co, ci, k] · x[n, ci, l·s − p + k]
// With cols = im2col(x): [N, Cin·K, Lout] and W viewed as [Cout, Cin·K]:
//   y[n] = W cols[n] + b
//   ∂L/∂W = Σ_n g[n] cols[n]ᵀ (accumulated in n order),   ∂L/∂b[co] = Σ_{n, l} g[n, co, l]
//   ∂L/∂x = col2im(Wᵀ g[n])
//
// The im2col/col2im kernels are in TensorCore/Im2col.swift. Sums over n and l run in a fixed
// order (deterministic for any thread count). Not here: dilation, groups.

import TensorCore

/// `x: [N, Cin, L]`, `weight: [Cout, Cin, K]`, `bias: [Cout]` (optional) → `[N, Cout, Lout]`,
/// Lout = (L + 2·padding − K)/stride + 1 (zero padding on both ends).
///
///     let h = conv1d(ecg, weight: w1, bias: b1, stride: 5)   // [B, 12, 1000] → [B, 256, 200]
public func conv1d(_ x: Variable, weight: Variable, bias: Variable? = nil, stride: Int = 1, padding: Int = 0) -> Variable {
    _ = Shape.orStop {   // stops with a message naming the shapes when they do not fit
        try Shape.checkConv1d(input: x.shape, weight: weight.shape, bias: bias?.shape, stride: stride, padding: padding)
    }
    let (cin, len) = (x.shape[1], x.shape[2])
    let (cout, kernel) = (weight.shape[0], weight.shape[2])
    let cols = im2col1d(x.value, kernel: kernel, stride: stride, padding: padding)
    let w2 = weight.value.reshaped([cout, cin * kernel])
    let out = TensorCore.matmul(w2, cols)
    if let bias { addChannelBias(out, bias.value) }
    let inputs = [x, weight] + (bias.map { [$0] } ?? [])
    return record(.conv1d, out, inputs: inputs) { g in
        var grads: [Tensor?] = [nil, nil]
        if x.requiresGrad {
            let dcols = TensorCore.matmul(w2, g, transposeA: true)
            grads[0] = col2im1d(dcols, channels: cin, length: len, kernel: kernel, stride: stride, padding: padding)
        }
        if weight.requiresGrad { grads[1] = weightGradient(g, cols).reshaped([cout, cin, kernel]) }
        if let bias { grads.append(bias.requiresGrad ? channelSums(g) : nil) }
        return grads
    }
}

/// ∂L/∂W = Σ_n g[n] cols[n]ᵀ: `g: [N, Cout, Lout]`, `cols: [N, Cin·K, Lout]` → `[Cout, Cin·K]`,
/// accumulated sample by sample into one matrix (β = 1 after the first), in n order: no
/// [N, Cout, Cin·K] intermediate (393 MB for the paper's second stem layer at batch 100).
func weightGradient(_ g: Tensor, _ cols: Tensor) -> Tensor {
    let (n, cout, lout) = (g.shape[0], g.shape[1], g.shape[2]), ck = cols.shape[1]
    let out = Tensor(zeros: [cout, ck])
    for i in 0..<n {
        gemm(transA: false, transB: true, m: cout, n: ck, k: lout, alpha: 1,
             a: g.pointer + i * cout * lout, lda: max(lout, 1), b: cols.pointer + i * ck * lout, ldb: max(lout, 1),
             beta: i == 0 ? 0 : 1, c: out.pointer, ldc: max(ck, 1))
    }
    return out
}

/// In place: y[n, c, l] += b[c].
func addChannelBias(_ y: Tensor, _ b: Tensor) {
    let (n, c, l) = (y.shape[0], y.shape[1], y.shape[2])
    let py = y.pointer, pb = b.pointer
    ThreadPool.shared.parallelRanges(n * c, grain: max(1, parallelGrain / max(l, 1))) { range in
        for row in range {
            let v = pb[row % c], o = py + row * l
            for t in 0..<l { o[t] += v }
        }
    }
}

/// s[c] = Σ_{n, l} g[n, c, l], each channel summed by one task in (n, l) order.
func channelSums(_ g: Tensor) -> Tensor {
    let (n, c, l) = (g.shape[0], g.shape[1], g.shape[2])
    let out = Tensor(zeros: [c])
    let pg = g.pointer, po = out.pointer
    ThreadPool.shared.parallelRanges(c, grain: max(1, parallelGrain / max(n * l, 1))) { range in
        for ch in range {
            var s: Float = 0
            for i in 0..<n { let o = pg + (i * c + ch) * l; for t in 0..<l { s += o[t] } }
            po[ch] = s
        }
    }
    return out
}
