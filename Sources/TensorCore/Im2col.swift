// Im2col — unfolds the windows of a 1-D convolution into columns, so the convolution becomes
// one GEMM per sample, and folds them back (col2im, the adjoint, for the backward pass).
//
//   x: [N, Cin, L] → cols: [N, Cin·K, Lout],  cols[n, ci·K + k, l] = x[n, ci, l·s − p + k]
//   (0 where l·s − p + k falls outside 0..<L),  Lout = (L + 2p − K) / s + 1
//
// Then y[n] = W · cols[n] with W: [Cout, Cin·K] gives y: [N, Cout, Lout] in place, without any
// transpose. col2im sums every column entry back into the input position it came from; each
// (n, ci) row of x is written by one task in a fixed (k, l) order, so it is deterministic.
//
// Not here: the differentiable convolution (Autodiff/Ops/Conv1d.swift); dilation and groups
// (the ECG stem of MoRE uses neither).

extension Shape {
    /// The output shape [N, Cout, Lout] of a 1-D convolution of `input: [N, Cin, L]` with
    /// `weight: [Cout, Cin, K]` and an optional `bias: [Cout]`, or a `ShapeError` naming them.
    public static func checkConv1d(input: [Int], weight: [Int], bias: [Int]? = nil,
                                   stride: Int, padding: Int) throws(ShapeError) -> [Int] {
        let what = "conv1d: input \(input), weight \(weight)\(bias.map { ", bias \($0)" } ?? ""), stride \(stride), padding \(padding)"
        guard input.count == 3, weight.count == 3 else {
            throw ShapeError("\(what): input must be [N, Cin, L] and weight [Cout, Cin, K]")
        }
        guard input[1] == weight[1] else {
            throw ShapeError("\(what): input has \(input[1]) channels, weight expects \(weight[1])")
        }
        if let b = bias, b != [weight[0]] {
            throw ShapeError("\(what): bias must be [\(weight[0])]")
        }
        guard stride >= 1, padding >= 0, weight[2] >= 1 else {
            throw ShapeError("\(what): need stride ≥ 1, padding ≥ 0, kernel ≥ 1")
        }
        let span = input[2] + 2 * padding - weight[2]
        guard span >= 0 else {
            throw ShapeError("\(what): kernel \(weight[2]) is longer than the padded input \(input[2] + 2 * padding)")
        }
        return [input[0], weight[0], span / stride + 1]
    }
}

/// Output length of a 1-D convolution: (L + 2p − K) / s + 1.
@inlinable
public func conv1dOutputLength(length: Int, kernel: Int, stride: Int, padding: Int) -> Int {
    (length + 2 * padding - kernel) / stride + 1
}

/// Unfolds `x: [N, Cin, L]` into `[N, Cin·K, Lout]` (see the file header).
public func im2col1d(_ x: Tensor, kernel: Int, stride: Int, padding: Int) -> Tensor {
    let outShape = Shape.orStop {
        try Shape.checkConv1d(input: x.shape, weight: [1, x.rank == 3 ? x.shape[1] : 0, kernel], stride: stride, padding: padding)
    }
    let n = x.shape[0], cin = x.shape[1], len = x.shape[2], lout = outShape[2]
    let out = Tensor(zeros: [n, cin * kernel, lout])
    let px = x.pointer, pc = out.pointer
    ThreadPool.shared.parallelRanges(n * cin, grain: max(1, parallelGrain / max(kernel * lout, 1))) { range in
        for row in range {
            let src = px + row * len, dst = pc + row * kernel * lout
            forEachTap(kernel: kernel, outLength: lout, stride: stride, padding: padding) { c, t in
                dst[c] = (t >= 0 && t < len) ? src[t] : 0
            }
        }
    }
    return out
}

/// Folds `cols: [N, Cin·K, Lout]` back into `[N, Cin, length]`, summing overlapping windows:
/// the adjoint of `im2col1d` (⟨im2col(x), c⟩ = ⟨x, col2im(c)⟩).
public func col2im1d(_ cols: Tensor, channels: Int, length: Int, kernel: Int, stride: Int, padding: Int) -> Tensor {
    let lout = conv1dOutputLength(length: length, kernel: kernel, stride: stride, padding: padding)
    precondition(cols.rank == 3 && cols.shape[1] == channels * kernel && cols.shape[2] == lout && lout >= 1,
                 "col2im1d: columns of shape \(cols.shape) do not match channels \(channels), length \(length), kernel \(kernel), stride \(stride), padding \(padding)")
    let n = cols.shape[0]
    let out = Tensor(zeros: [n, channels, length])
    let px = out.pointer, pc = cols.pointer
    ThreadPool.shared.parallelRanges(n * channels, grain: max(1, parallelGrain / max(kernel * lout, 1))) { range in
        for row in range {
            let dst = px + row * length, src = pc + row * kernel * lout
            forEachTap(kernel: kernel, outLength: lout, stride: stride, padding: padding) { c, t in
                if t >= 0 && t < length { dst[t] += src[c] }
            }
        }
    }
    return out
}

/// Calls `body(c, t)` for every column entry c = k·Lout + l of one input channel, in (k, l)
/// order, with t = l·s − p + k the input position it reads (possibly outside the input).
@inline(__always)
func forEachTap(kernel: Int, outLength lout: Int, stride: Int, padding: Int, _ body: (Int, Int) -> Void) {
    for k in 0..<kernel {
        for l in 0..<lout { body(k * lout + l, l * stride - padding + k) }
    }
}
