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
    let out = Tensor(zeros: x.shape)
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
    let out = Tensor(zeros: a.shape)
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
    let out = Tensor(zeros: a.shape)
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
    /// y = max(x, 0)
    public func relu() -> Tensor { map(self) { $0 > 0 ? $0 : 0 } }
    /// y = x·Φ(x) = ½x(1 + erf(x/√2)) — the exact (erf) GELU of BERT and timm's ViT.
    public func gelu() -> Tensor { map(self, geluScalar) }
    /// y = x²
    public func squared() -> Tensor { map(self) { $0 * $0 } }

    /// True if any element is NaN or ±∞.
    public var hasNonFinite: Bool {
        let p = pointer
        for i in 0..<count where !p[i].isFinite { return true }
        return false
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

/// GELU(x) = ½x(1 + erf(x/√2)).
@inlinable public func geluScalar(_ x: Float) -> Float {
    0.5 * x * (1 + Foundation.erf(x * 0.70710678118654752))
}

/// dGELU/dx = Φ(x) + x·φ(x) = ½(1 + erf(x/√2)) + x·exp(−x²/2)/√(2π).
@inlinable public func geluDerivative(_ x: Float) -> Float {
    0.5 * (1 + Foundation.erf(x * 0.70710678118654752)) + x * Foundation.exp(-0.5 * x * x) * 0.39894228040143268
}
