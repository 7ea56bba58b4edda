// Elementwise — unary maps and scalar arithmetic on whole tensors.
//
// Every kernel here writes out[i] from in[i] only, so the parallel split over index ranges
// cannot change any result: outputs are bitwise identical for any thread count. Binary ops
// with broadcasting are in `Broadcast.swift`; the GELU/ReLU pair used by the MLPs is here.
//
// Not here: anything that mixes elements (reductions, softmax, layout changes).

import Foundation

/// Elements per task below which kernels run on one thread (a fork/join would cost more).
public let parallelGrain = 32_768

/// Applies `f` elementwise into a new tensor of the same shape (parallel over ranges).
@inlinable
public func map(_ x: Tensor, _ f: @escaping (Float) -> Float) -> Tensor {
    let out = Tensor(uninitialized: x.shape)
    let src = x.pointer, dst = out.pointer
    ThreadPool.shared.parallelRanges(x.count, grain: parallelGrain) { r in
        for i in r { dst[i] = f(src[i]) }
    }
    return out
}

/// Combines two same-shape tensors elementwise.
@inlinable
public func zipMap(_ a: Tensor, _ b: Tensor, _ f: @escaping (Float, Float) -> Float) -> Tensor {
    precondition(a.shape == b.shape, "zipMap: shapes \(a.shape) and \(b.shape) differ")
    let out = Tensor(uninitialized: a.shape)
    let pa = a.pointer, pb = b.pointer, dst = out.pointer
    ThreadPool.shared.parallelRanges(a.count, grain: parallelGrain) { r in
        for i in r { dst[i] = f(pa[i], pb[i]) }
    }
    return out
}

/// Combines three same-shape tensors elementwise (used by backward passes).
@inlinable
public func zipMap3(_ a: Tensor, _ b: Tensor, _ c: Tensor, _ f: @escaping (Float, Float, Float) -> Float) -> Tensor {
    precondition(a.shape == b.shape && b.shape == c.shape, "zipMap3: shapes \(a.shape), \(b.shape), \(c.shape) differ")
    let out = Tensor(uninitialized: a.shape)
    let pa = a.pointer, pb = b.pointer, pc = c.pointer, dst = out.pointer
    ThreadPool.shared.parallelRanges(a.count, grain: parallelGrain) { r in
        for i in r { dst[i] = f(pa[i], pb[i], pc[i]) }
    }
    return out
}

extension Tensor {
    /// y = α·x
    public func scaled(by alpha: Float) -> Tensor { map(self) { $0 * alpha } }
    /// y = x + c
    public func adding(_ c: Float) -> Tensor { map(self) { $0 + c } }
    /// y = exp(x)
    public func exp() -> Tensor { map(self) { Foundation.exp($0) } }
    /// y = log(x)
    public func log() -> Tensor { map(self) { Foundation.log($0) } }
    /// y = tanh(x)
    public func tanh() -> Tensor { map(self) { Foundation.tanh($0) } }
    /// y = √x
    public func sqrt() -> Tensor { map(self) { $0.squareRoot() } }
    /// y = 1/√x
    public func rsqrt() -> Tensor { map(self) { 1 / $0.squareRoot() } }
    /// y = max(x, 0); NaN stays NaN, as in PyTorch (so a NaN upstream still reaches the loss,
    /// where the trainer stops on it, instead of turning into a quiet 0).
    public func relu() -> Tensor { map(self) { $0 <= 0 ? 0 : $0 } }
    /// y = x·Φ(x) = ½x(1 + erf(x/√2)) — the exact (erf) GELU of BERT and timm's ViT.
    public func gelu() -> Tensor { geluForward(self) }
    /// y = x²
    public func squared() -> Tensor { map(self) { $0 * $0 } }

    /// True if any element is NaN or ±∞.
    public var hasNonFinite: Bool { firstNonFiniteIndex != nil }

    /// Flat index of the first NaN or ±∞ element, nil when every element is finite.
    public var firstNonFiniteIndex: Int? {
        let p = pointer
        for i in 0..<count where !p[i].isFinite { return i }
        return nil
    }

    /// Index along axis 0 (the row) of the first NaN or ±∞ element, nil when every element is
    /// finite. For [N, …]: firstNonFiniteIndex / (count / N).
    public var firstNonFiniteRow: Int? {
        firstNonFiniteIndex.map { $0 / Swift.max(count / Swift.max(shape.first ?? 1, 1), 1) }
    }

    /// In place: self += α·other (same shape). The AXPY of optimisers and gradient sums.
    public func addScaled(_ other: Tensor, _ alpha: Float = 1) {
        precondition(count == other.count, "addScaled: \(shape) += α·\(other.shape)")
        let dst = pointer, src = other.pointer
        ThreadPool.shared.parallelRanges(count, grain: parallelGrain) { r in
            for i in r { dst[i] = dst[i].addingProduct(alpha, src[i]) }
        }
    }
}

/// erf(x) as a rational function (Eigen's `generic_fast_erf_float`): x·P(x²)/Q(x²) on
/// [−4, 4] (clamped outside, where erf is ±1 in Float32); absolute error < 5e-7. Branch-free,
/// so loops calling it vectorise (libm's erff does not).
@inlinable @inline(__always) public func erfFast(_ a: Float) -> Float {
    let x = Swift.min(Swift.max(a, -4), 4)
    let x2 = x * x
    var p: Float = -2.72614225801306e-10
    p = (2.77068142495902e-08 as Float).addingProduct(x2, p)
    p = (-2.10102402082508e-06 as Float).addingProduct(x2, p)
    p = (-5.69250639462346e-05 as Float).addingProduct(x2, p)
    p = (-7.34990630326855e-04 as Float).addingProduct(x2, p)
    p = (-2.95459980854025e-03 as Float).addingProduct(x2, p)
    p = (-1.60960333262415e-02 as Float).addingProduct(x2, p)
    var q: Float = -1.45660718464996e-05
    q = (-2.13374055278905e-04 as Float).addingProduct(x2, q)
    q = (-1.68282697438203e-03 as Float).addingProduct(x2, q)
    q = (-7.37332916720468e-03 as Float).addingProduct(x2, q)
    q = (-1.42647390514189e-02 as Float).addingProduct(x2, q)
    return (x * p) / q
}

/// GELU(x) = ½x(1 + erf(x/√2)).
@inlinable @inline(__always) public func geluScalar(_ x: Float) -> Float {
    0.5 * x * (1 + erfFast(x * 0.70710678118654752))
}

/// dGELU/dx = Φ(x) + x·φ(x) = ½(1 + erf(x/√2)) + x·exp(−x²/2)/√(2π).
@inlinable @inline(__always) public func geluDerivative(_ x: Float) -> Float {
    0.5 * (1 + erfFast(x * 0.70710678118654752)) + x * expFloat(-0.5 * x * x) * 0.39894228040143268
}

/// GELU applied elementwise (explicit loop: vectorised, parallel over ranges).
public func geluForward(_ x: Tensor) -> Tensor {
    let out = Tensor(uninitialized: x.shape)
    let src = x.pointer, dst = out.pointer
    ThreadPool.shared.parallelRanges(x.count, grain: parallelGrain / 4) { r in
        for i in r { dst[i] = geluScalar(src[i]) }
    }
    return out
}

/// ∂L/∂x = g ⊙ GELU′(x) for `g`, `x` of the same shape.
public func geluBackward(_ g: Tensor, _ x: Tensor) -> Tensor {
    precondition(g.shape == x.shape, "geluBackward: shapes \(g.shape) and \(x.shape) differ")
    let out = Tensor(uninitialized: x.shape)
    let pg = g.pointer, px = x.pointer, dst = out.pointer
    ThreadPool.shared.parallelRanges(x.count, grain: parallelGrain / 4) { r in
        for i in r { dst[i] = pg[i] * geluDerivative(px[i]) }
    }
    return out
}
