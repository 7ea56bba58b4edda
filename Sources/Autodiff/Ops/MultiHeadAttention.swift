// MultiHeadAttention — scaled dot-product attention over heads read in place from [B, T, H·d]
// activations: no head split or merge copies, one task per (batch, head).
//
//   for each batch b and head h (columns h·d ..< (h+1)·d of q, k, v):
//     S = s · q_bh k_bhᵀ + M,   A = softmax(S),   O_bh = dropout(A) v_bh
// Backward per (b, h), as ScaledDotProductAttention.swift:
//   ∂L/∂A = g_bh v_bhᵀ,  ∂L/∂v_bh = dropout(A)ᵀ g_bh,  ∂L/∂S = s·A ⊙ (m ⊙ ∂L/∂A − rowsum(…)),
//   ∂L/∂q_bh = (∂L/∂S) k_bh,  ∂L/∂k_bh = (∂L/∂S)ᵀ q_bh
//
// It is `permute → scaledDotProductAttention → permute` with the permutes folded into the
// GEMM strides: every GEMM element is the same FMA chain whatever the leading dimension, the
// softmax and dropout compute each row's chains in the same order as the per-row code (eight
// rows side by side in SIMD lanes, `attentionRowsSoftmax`), so values and gradients are bitwise those
// of the composed path (tested). Each (b, h) is one task that computes S, the softmax, the
// dropout and O while S is hot in cache; tasks write disjoint column blocks, so results do
// not depend on the thread count. The forward keeps A [B, H, Tq, Tk]; the dropout mask is
// redrawn in the backward (counter RNG) instead of being stored. DropKey (`dropKey`) is drawn
// in the kernel too, equal to adding `dropKeyMask(shape: [B, H, Tq, Tk], …)`.
// Not here: the projections (NN/BertLayer.swift, NN/Attention.swift).

import TensorCore

/// DropKey inside the fused attention: logit i of [B, H, Tq, Tk] gets −1e12 when
/// u_i < p, u_i drawn as `dropKeyMask(shape:p:seed:stream:)` draws it.
public struct AttentionDropKey: Sendable {
    public var p: Float, seed: UInt64, stream: UInt64
    public init(p: Float, seed: UInt64, stream: UInt64) { self.p = p; self.seed = seed; self.stream = stream }
}

/// Per-head matrices inside a [B, T, W] tensor: head h of batch b is the T×d block at
/// columns `offset + h·d`, row stride W. With `starts` (packed sequences, [1, N, W]), sequence b
/// begins at row `starts[b]` instead of b·T.
struct HeadLayout {
    let t: Int, width: Int, offset: Int, d: Int
    var starts: [Int]? = nil
    @inline(__always) func at(_ p: UnsafeMutablePointer<Float>, _ b: Int, _ h: Int) -> UnsafeMutablePointer<Float> {
        p + (starts?[b] ?? b * t) * width + offset + h * d
    }
}

/// Multi-head attention on `q: [B, Tq, H·d]`, `k: [B, Tk, H·d]`, `v: [B, Tk, H·dv]` →
/// `[B, Tq, H·dv]` (heads side by side, as `reshape(permute(sdpa(split(q), …)))`).
/// `mask` is additive and broadcasts to [B, H, Tq, Tk] (e.g. padding [B, 1, 1, Tk]);
/// `dropKey` adds DropKey's −1e12 logits; `dropout` drops attention probabilities.
///
///     let context = multiHeadAttention(q, k, v, heads: 12, mask: padding, dropout: drop)
public func multiHeadAttention(_ q: Variable, _ k: Variable, _ v: Variable, heads: Int, mask: Tensor? = nil,
                               scale: Float? = nil, dropKey: AttentionDropKey? = nil,
                               dropout: AttentionDropout? = nil, tap: AttentionTap? = nil) -> Variable {
    let (b, tq, tk) = (q.shape[0], q.shape[1], k.shape[1])
    precondition(q.shape.count == 3 && k.shape.count == 3 && v.shape.count == 3 && k.shape[0] == b && v.shape[0] == b
                 && v.shape[1] == tk && q.shape[2] == k.shape[2] && heads > 0 && q.shape[2] % heads == 0
                 && v.shape[2] % heads == 0,
                 "multiHeadAttention: q \(q.shape), k \(k.shape), v \(v.shape) are not [B, T, H·d] with \(heads) heads")
    if let mask { Shape.orStop { try Shape.checkMask(mask.shape, over: [b, heads, tq, tk], op: "multiHeadAttention") } }
    let d = q.shape[2] / heads, dv = v.shape[2] / heads
    let ql = HeadLayout(t: tq, width: q.shape[2], offset: 0, d: d)
    let kl = HeadLayout(t: tk, width: k.shape[2], offset: 0, d: d)
    let vl = HeadLayout(t: tk, width: v.shape[2], offset: 0, d: dv)
    let attn = FusedAttention(b: b, heads: heads, tq: tq, tk: tk, d: d, dv: dv, q: ql, k: kl, v: vl,
                              scale: scale ?? 1 / Float(d).squareRoot(), mask: mask, dropKey: dropKey,
                              dropout: dropout.flatMap { $0.p > 0 ? $0 : nil })
    return attn.record(q, k, v, tap: tap)
}

/// Multi-head attention on a packed projection `qkv: [B, T, 3·H·d]` (q, k, v side by side,
/// timm's `qkv` Linear) → `[B, T, H·d]`; the gradient is one [B, T, 3·H·d] tensor, so no
/// slice or concat is recorded. Options as `multiHeadAttention(_:_:_:heads:…)`.
///
///     let context = multiHeadAttention(qkv: qkv(x), heads: 4, dropKey: training ? dk : nil)
public func multiHeadAttention(qkv: Variable, heads: Int, mask: Tensor? = nil, scale: Float? = nil,
                               dropKey: AttentionDropKey? = nil, dropout: AttentionDropout? = nil,
                               tap: AttentionTap? = nil) -> Variable {
    let s = qkv.shape
    precondition(s.count == 3 && heads > 0 && s[2] % (3 * heads) == 0,
                 "multiHeadAttention: qkv \(s) is not [B, T, 3·H·d] with \(heads) heads")
    let (b, t, w) = (s[0], s[1], s[2]), dim = w / 3, d = dim / heads
    if let mask { Shape.orStop { try Shape.checkMask(mask.shape, over: [b, heads, t, t], op: "multiHeadAttention") } }
    let attn = FusedAttention(b: b, heads: heads, tq: t, tk: t, d: d, dv: d,
                              q: HeadLayout(t: t, width: w, offset: 0, d: d),
                              k: HeadLayout(t: t, width: w, offset: dim, d: d),
                              v: HeadLayout(t: t, width: w, offset: 2 * dim, d: d),
                              scale: scale ?? 1 / Float(d).squareRoot(), mask: mask, dropKey: dropKey,
                              dropout: dropout.flatMap { $0.p > 0 ? $0 : nil })
    let x = qkv.value
    let (out, a) = attn.forward(q: x, k: x, v: x)
    tap?.probabilities = a
    return record(.scaledDotProductAttention, out, inputs: [qkv]) { g in
        let dx = Tensor(uninitialized: s)   // every column is written: q, k and v sections
        attn.backward(g: g, a: a, q: x, k: x, v: x, dq: dx, dk: dx, dv: dx, tap: tap)
        return [dx]
    }
}

/// Multi-head attention over packed sequences: `q`, `k`, `v`: [1, N, H·d] hold the tokens of
/// B sequences one after another (sequence b: `lengths[b]` rows, N = Σ lengths), and each
/// sequence attends only to itself → [1, N, H·d]. It equals the padded attention with a key
/// mask on the real rows (BERT's padding mask: masked logits give exp(−∞) = 0), without
/// computing the padding. One task per (sequence, head); no mask; `dropout` as in the padded
/// call (drawn per sequence and head from its own counter range).
///
///     let context = multiHeadAttention(packed: q, k, v, lengths: [99, 128, 87], heads: 12)
public func multiHeadAttention(packed q: Variable, _ k: Variable, _ v: Variable, lengths: [Int], heads: Int,
                               scale: Float? = nil, dropout: AttentionDropout? = nil) -> Variable {
    let n = lengths.reduce(0, +), t = lengths.max() ?? 0
    precondition(q.shape.count == 3 && q.shape[0] == 1 && q.shape[1] == n && k.shape == q.shape && v.shape == q.shape
                 && heads > 0 && q.shape[2] % heads == 0 && lengths.allSatisfy { $0 > 0 },
                 "multiHeadAttention(packed:): q \(q.shape), k \(k.shape), v \(v.shape) are not [1, \(n), H·d] with \(heads) heads for lengths summing to \(n)")
    let w = q.shape[2], d = w / heads
    var starts = [Int](), at = 0
    for l in lengths { starts.append(at); at += l }
    let layout = HeadLayout(t: t, width: w, offset: 0, d: d, starts: starts)
    let attn = FusedAttention(b: lengths.count, heads: heads, tq: t, tk: t, d: d, dv: d, q: layout, k: layout, v: layout,
                              scale: scale ?? 1 / Float(d).squareRoot(), mask: nil, dropKey: nil,
                              dropout: dropout.flatMap { $0.p > 0 ? $0 : nil }, lengths: lengths, outRows: n)
    return attn.record(q, k, v, tap: nil)
}

/// The shapes and options of one fused attention call, and its two kernels.
struct FusedAttention {
    let b: Int, heads: Int, tq: Int, tk: Int, d: Int, dv: Int
    let q: HeadLayout, k: HeadLayout, v: HeadLayout
    let scale: Float
    let mask: Tensor?
    let dropKey: AttentionDropKey?
    let dropout: AttentionDropout?
    /// Packed sequences: the length of each (then tq = tk = the longest, q/k/v have `starts`).
    var lengths: [Int]? = nil
    /// Rows of the packed output (Σ lengths).
    var outRows = 0

    var outLayout: HeadLayout { HeadLayout(t: tq, width: heads * dv, offset: 0, d: dv, starts: q.starts) }
    /// Runs the forward on separate q, k, v and records it with its backward.
    func record(_ q: Variable, _ k: Variable, _ v: Variable, tap: AttentionTap?) -> Variable {
        let qv = q.value, kv = k.value, vv = v.value
        let (out, a) = forward(q: qv, k: kv, v: vv)
        tap?.probabilities = a
        return Autodiff.record(.scaledDotProductAttention, out, inputs: [q, k, v]) { g in
            let dq = q.requiresGrad || k.requiresGrad ? Tensor(uninitialized: qv.shape) : nil
            let dk = q.requiresGrad || k.requiresGrad ? Tensor(uninitialized: kv.shape) : nil
            let dvT = v.requiresGrad ? Tensor(uninitialized: vv.shape) : nil
            backward(g: g, a: a, q: qv, k: kv, v: vv, dq: dq, dk: dk, dv: dvT, tap: tap)
            return [q.requiresGrad ? dq : nil, k.requiresGrad ? dk : nil, dvT]
        }
    }

    /// (Tq, Tk) of sequence bi.
    @inline(__always) func extent(_ bi: Int) -> (Int, Int) { lengths.map { ($0[bi], $0[bi]) } ?? (tq, tk) }

    /// (O [B, Tq, H·dv], A [B, H, Tq, Tk]).
    func forward(q qv: Tensor, k kv: Tensor, v vv: Tensor) -> (Tensor, Tensor) {
        let out = Tensor(uninitialized: lengths == nil ? [b, tq, heads * dv] : [1, outRows, heads * dv])
        let a = Tensor(uninitialized: [b, heads, tq, tk])
        let pq = qv.pointer, pk = kv.pointer, pv = vv.pointer, po = out.pointer, pa = a.pointer
        let ol = outLayout
        let ms = mask.map { broadcastStrides($0.shape, to: [b, heads, tq, tk]) }
        let pm = mask?.pointer
        ThreadPool.shared.parallelFor(b * heads) { item in
            let bi = item / heads, h = item % heads
            let (tq, tk) = extent(bi), n = tq * tk     // a packed sequence uses the first tq·tk entries of its slot
            let slot = item * self.tq * self.tk, ai = pa + slot
            gemm(transA: false, transB: true, m: tq, n: tk, k: d, alpha: 1, a: q.at(pq, bi, h), lda: q.width,
                 b: k.at(pk, bi, h), ldb: k.width, beta: 0, c: ai, ldc: tk, parallel: false)
            withScratchBuffer(tk + (dropout == nil ? 0 : n)) { scratch in
                for i in 0..<tq {
                    let row = ai + i * tk
                    if let dk = dropKey {
                        RNG.fillBernoulli(seed: dk.seed, stream: dk.stream, start: item * n + i * tk, count: tk, p: dk.p,
                                          hit: dropKeyMaskedValue, miss: 0, into: scratch)
                        attentionRowScaleMask(row, tk, scale, UnsafePointer(scratch), 1)
                    } else if let pm, let ms {
                        attentionRowScaleMask(row, tk, scale, pm + bi * ms[0] + h * ms[1] + i * ms[2], ms[3])
                    } else {
                        attentionRowScaleMask(row, tk, scale, nil, 0)
                    }
                }
                attentionRowsSoftmax(ai, rows: tq, tk)
                var ad = UnsafePointer(ai)
                if let drop = dropout {
                    let dst = scratch + tk
                    attentionDropoutBlock(ai, n, drop, start: slot, into: dst)
                    ad = UnsafePointer(dst)
                }
                gemm(transA: false, transB: false, m: tq, n: dv, k: tk, alpha: 1, a: ad, lda: tk,
                     b: v.at(pv, bi, h), ldb: v.width, beta: 0, c: ol.at(po, bi, h), ldc: ol.width, parallel: false)
            }
        }
        return (out, a)
    }

    /// Fills the requested gradients (nil: not needed; dq and dk come together).
    func backward(g: Tensor, a: Tensor, q qv: Tensor, k kv: Tensor, v vv: Tensor,
                  dq: Tensor?, dk: Tensor?, dv dvT: Tensor?, tap: AttentionTap?) {
        let ol = outLayout
        let tapGrad = tap.map { _ in Tensor(uninitialized: [b, heads, tq, tk]) }
        let pg = g.pointer, pa = a.pointer, pq = qv.pointer, pk = kv.pointer, pv = vv.pointer
        let pdq = dq?.pointer, pdk = dk?.pointer, pdv = dvT?.pointer, ptap = tapGrad?.pointer
        let keep: Float = dropout.map { $0.p < 1 ? 1 / (1 - $0.p) : 0 } ?? 1
        ThreadPool.shared.parallelFor(b * heads) { item in
            let bi = item / heads, h = item % heads
            let (tq, tk) = extent(bi), n = tq * tk
            let slot = item * self.tq * self.tk, ai = pa + slot, gi = ol.at(pg, bi, h)
            withScratchBuffer(n + (dropout == nil ? 0 : n)) { scratch in
                let dA = scratch
                var ad = UnsafePointer(ai)
                if let drop = dropout {
                    attentionDropoutBlock(ai, n, drop, start: slot, into: scratch + n)
                    ad = UnsafePointer(scratch + n)
                }
                // ∂L/∂(dropped A) = g vᵀ.
                gemm(transA: false, transB: true, m: tq, n: tk, k: dv, alpha: 1, a: gi, lda: ol.width,
                     b: v.at(pv, bi, h), ldb: v.width, beta: 0, c: dA, ldc: tk, parallel: false)
                if let ptap { (ptap + item * n).update(from: dA, count: n) }
                if let pdv {
                    gemm(transA: true, transB: false, m: tk, n: dv, k: tq, alpha: 1, a: ad, lda: tk,
                         b: gi, ldb: ol.width, beta: 0, c: v.at(pdv, bi, h), ldc: v.width, parallel: false)
                }
                guard let pdq, let pdk else { return }
                attentionRowsSoftmaxBackward(dA, ai, dropout == nil ? nil : ad, keep, scale, rows: tq, tk)
                gemm(transA: false, transB: false, m: tq, n: d, k: tk, alpha: 1, a: dA, lda: tk,
                     b: k.at(pk, bi, h), ldb: k.width, beta: 0, c: q.at(pdq, bi, h), ldc: q.width, parallel: false)
                gemm(transA: true, transB: false, m: tk, n: d, k: tq, alpha: 1, a: dA, lda: tk,
                     b: q.at(pq, bi, h), ldb: q.width, beta: 0, c: k.at(pdk, bi, h), ldc: k.width, parallel: false)
            }
        }
        if let tap { tap.gradient = tapGrad }
    }
}

/// row ← s·row + M (mask row `m` with column stride `ms`; none when nil), as maskedSoftmaxInPlace.
@inline(__always)
func attentionRowScaleMask(_ a: UnsafeMutablePointer<Float>, _ n: Int, _ s: Float, _ m: UnsafePointer<Float>?, _ ms: Int) {
    if let m {
        if ms == 1 { for j in 0..<n { a[j] = a[j] * s + m[j] } } else { for j in 0..<n { a[j] = a[j] * s + m[j * ms] } }
    } else {
        for j in 0..<n { a[j] *= s }
    }
}

/// `rows` consecutive rows of length n (stride n), each ← softmax(row) exactly as
/// `attentionRowSoftmax` computes it. A row's max and sum are chains of dependent operations
/// (the sum must stay in order to keep its bits), so one row at a time waits on their latency;
/// here eight rows advance together, one SIMD lane each (`rowLanes8`) — every lane is its
/// row's own chain in the same order, so the bits are those of the row-by-row code (tested).
@inline(__always)
func attentionRowsSoftmax(_ a: UnsafeMutablePointer<Float>, rows: Int, _ n: Int) {
    var r0 = 0
    while r0 + 8 <= rows {
        let p = a + r0 * n
        @inline(__always) func column(_ j: Int) -> SIMD8<Float> { rowLanes8(p, n, j) }
        var mx = SIMD8<Float>(repeating: -.infinity)
        for j in 0..<n { let c = column(j); mx.replace(with: c, where: c .> mx) }
        for r in 0..<8 {
            let row = p + r * n, m = mx[r]
            for j in 0..<n { row[j] = expFloat(row[j] - m) }
        }
        var sum = SIMD8<Float>(repeating: 0)
        for j in 0..<n { sum += column(j) }
        for r in 0..<8 {
            let row = p + r * n, inv = 1 / sum[r]
            for j in 0..<n { row[j] *= inv }
        }
        r0 += 8
    }
    for r in r0..<rows { attentionRowSoftmax(a + r * n, n) }
}

/// row ← softmax(row): max, exp(x − max) summed in order, times 1/sum.
@inline(__always)
func attentionRowSoftmax(_ a: UnsafeMutablePointer<Float>, _ n: Int) {
    var mx = -Float.infinity
    for j in 0..<n where a[j] > mx { mx = a[j] }
    // The exponentials in one loop (it vectorises), their sum in order in another (a float sum
    // cannot be reordered without changing bits, and fused with the exp it kept both scalar).
    for j in 0..<n { a[j] = expFloat(a[j] - mx) }
    var sum: Float = 0
    for j in 0..<n { sum += a[j] }
    let inv = 1 / sum
    for j in 0..<n { a[j] *= inv }
}

/// dst[i] = A_i · (u_{start+i} < p ? 0 : 1/(1 − p)) for i < n, as `attentionDropoutApply`.
func attentionDropoutBlock(_ a: UnsafePointer<Float>, _ n: Int, _ d: AttentionDropout, start: Int,
                           into dst: UnsafeMutablePointer<Float>) {
    let keep: Float = d.p < 1 ? 1 / (1 - d.p) : 0
    RNG.fillBernoulli(seed: d.seed, stream: d.stream, start: start, count: n, p: d.p, hit: 0, miss: keep, into: dst)
    for i in 0..<n { dst[i] = a[i] * dst[i] }
}

/// `rows` consecutive rows (stride n) of the softmax adjoint, each exactly as
/// `attentionRowSoftmaxBackward`; eight rows advance together through the in-order dot
/// product, one SIMD lane each (see `attentionRowsSoftmax`).
@inline(__always)
func attentionRowsSoftmaxBackward(_ g: UnsafeMutablePointer<Float>, _ y: UnsafePointer<Float>, _ d: UnsafePointer<Float>?,
                                  _ keep: Float, _ s: Float, rows: Int, _ n: Int) {
    var r0 = 0
    while r0 + 8 <= rows {
        let gp = g + r0 * n, yp = y + r0 * n
        if let d {
            let dp = d + r0 * n
            for i in 0..<(8 * n) { gp[i] = gp[i] * (dp[i] != 0 ? keep : 0) }
        }
        var dot = SIMD8<Float>(repeating: 0)
        for j in 0..<n {
            dot = dot.addingProduct(rowLanes8(gp, n, j), rowLanes8(yp, n, j))
        }
        for r in 0..<8 {
            let gr = gp + r * n, yr = yp + r * n, dr = dot[r]
            for j in 0..<n { gr[j] = (yr[j] * (gr[j] - dr)) * s }
        }
        r0 += 8
    }
    for r in r0..<rows {
        attentionRowSoftmaxBackward(g + r * n, y + r * n, d.map { $0 + r * n }, keep, s, n)
    }
}

/// One row of the softmax (and dropout) adjoint, in place in `g` (see attentionSoftmaxBackwardInPlace).
@inline(__always)
func attentionRowSoftmaxBackward(_ gr: UnsafeMutablePointer<Float>, _ y: UnsafePointer<Float>, _ dr: UnsafePointer<Float>?,
                                 _ keep: Float, _ s: Float, _ n: Int) {
    if let dr { for j in 0..<n { gr[j] = gr[j] * (dr[j] != 0 ? keep : 0) } }
    var dot: Float = 0
    for j in 0..<n { dot = dot.addingProduct(gr[j], y[j]) }
    for j in 0..<n { gr[j] = (y[j] * (gr[j] - dot)) * s }
}
