// FeatureMatrix — a dense N × D matrix of Double features (rows = samples) for the linear
// probes, with feature standardisation and the two SIMD kernels the logistic regressions spend
// their time in: row dot products (Xw) and transposed accumulation (Xᵀr).
//
// Both kernels are deterministic for any thread count: Xw gives each row to one task; the fused
// kernel splits rows into a fixed number of chunks and sums their partial gradients in order.
//
// Deliberately not here: sparse features, Float storage, the models (`LogisticRegression.swift`).

import TensorCore

/// Dense row-major Double matrix: values: [rows, columns].
public struct FeatureMatrix: Sendable {
    public var values: [Double]
    public let rows: Int
    public let columns: Int

    /// values: [rows · columns] row-major; all finite.
    public init(_ values: [Double], rows: Int, columns: Int) throws {
        guard rows > 0, columns > 0, values.count == rows * columns else {
            throw ProbeError.shape(field: "features", expected: "\(rows) × \(columns) = \(max(rows, 0) * max(columns, 0)) values",
                                   got: "\(values.count)")
        }
        if let i = values.firstIndex(where: { !$0.isFinite }) {
            throw ProbeError.nonFinite(field: "features", row: i / columns, column: i % columns)
        }
        self.values = values
        self.rows = rows
        self.columns = columns
    }

    /// rows: [N][D], equal lengths.
    public init(_ rows: [[Double]]) throws {
        let d = rows.first?.count ?? 0
        for (i, r) in rows.enumerated() where r.count != d {
            throw ProbeError.shape(field: "features[\(i)]", expected: "\(d) values", got: "\(r.count)")
        }
        try self.init(rows.flatMap { $0 }, rows: rows.count, columns: d)
    }

    /// A Float tensor x: [N, D] (e.g. frozen-encoder features), converted to Double.
    public init(_ x: Tensor) throws {
        guard x.shape.count == 2 else { throw ProbeError.shape(field: "features", expected: "[N, D]", got: "\(x.shape)") }
        try self.init(x.scalars.map(Double.init), rows: x.shape[0], columns: x.shape[1])
    }

    /// The rows at `indices` (in that order).
    public func rows(_ indices: [Int]) -> FeatureMatrix {
        var out = [Double]()
        out.reserveCapacity(indices.count * columns)
        for i in indices { out.append(contentsOf: values[(i * columns)..<((i + 1) * columns)]) }
        return FeatureMatrix(unchecked: out, rows: indices.count, columns: columns)
    }

    init(unchecked values: [Double], rows: Int, columns: Int) {
        self.values = values
        self.rows = rows
        self.columns = columns
    }
}

/// Per-feature standardisation z = (x − mean) / scale, scale = population standard deviation
/// (ddof 0), or 1 for a constant feature (scikit-learn's StandardScaler).
public struct Standardizer: Sendable, Equatable {
    public let mean: [Double]
    public let scale: [Double]

    /// Fitted on x: [N, D].
    public init(fitting x: FeatureMatrix) {
        let n = x.rows, d = x.columns
        var mean = [Double](repeating: 0, count: d), sq = [Double](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { mean[j] += x.values[i * d + j] } }
        for j in 0..<d { mean[j] /= Double(n) }
        for i in 0..<n { for j in 0..<d { let t = x.values[i * d + j] - mean[j]; sq[j] = sq[j].addingProduct(t, t) } }
        self.mean = mean
        self.scale = sq.map { v in let s = (v / Double(n)).squareRoot(); return s > 0 ? s : 1 }
    }

    /// The identity transform for d features.
    public init(identity d: Int) {
        mean = [Double](repeating: 0, count: d)
        scale = [Double](repeating: 1, count: d)
    }

    /// Standardised copy of x: [N, D].
    public func apply(_ x: FeatureMatrix) throws -> FeatureMatrix {
        guard x.columns == mean.count else {
            throw ProbeError.shape(field: "features (columns)", expected: "\(mean.count)", got: "\(x.columns)")
        }
        var v = x.values
        let d = x.columns
        for i in 0..<x.rows { for j in 0..<d { v[i * d + j] = (v[i * d + j] - mean[j]) / scale[j] } }
        return FeatureMatrix(unchecked: v, rows: x.rows, columns: d)
    }
}

/// Σ a[k] b[k] over n values, on 4 SIMD8 accumulators.
@inline(__always)
func simdDot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double {
    typealias V = SIMD8<Double>
    let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
    var s0 = V.zero, s1 = V.zero, s2 = V.zero, s3 = V.zero
    var k = 0
    while k + 32 <= n {
        s0.addProduct(ra.loadUnaligned(fromByteOffset: 8 * k, as: V.self), rb.loadUnaligned(fromByteOffset: 8 * k, as: V.self))
        s1.addProduct(ra.loadUnaligned(fromByteOffset: 8 * k + 64, as: V.self), rb.loadUnaligned(fromByteOffset: 8 * k + 64, as: V.self))
        s2.addProduct(ra.loadUnaligned(fromByteOffset: 8 * k + 128, as: V.self), rb.loadUnaligned(fromByteOffset: 8 * k + 128, as: V.self))
        s3.addProduct(ra.loadUnaligned(fromByteOffset: 8 * k + 192, as: V.self), rb.loadUnaligned(fromByteOffset: 8 * k + 192, as: V.self))
        k += 32
    }
    while k + 8 <= n {
        s0.addProduct(ra.loadUnaligned(fromByteOffset: 8 * k, as: V.self), rb.loadUnaligned(fromByteOffset: 8 * k, as: V.self))
        k += 8
    }
    var s = ((s0 + s1) + (s2 + s3)).sum()
    while k < n { s = s.addingProduct(a[k], b[k]); k += 1 }
    return s
}

extension FeatureMatrix {
    /// out[i, k] = x_i · w_k for weights w: [K, D]; out: [N, K]. One task per 16 rows.
    func multiplyTransposed(_ w: UnsafePointer<Double>, outputs k: Int, into out: UnsafeMutablePointer<Double>) {
        let n = rows, d = columns
        values.withUnsafeBufferPointer { xp in
            let x = xp.baseAddress!
            ThreadPool.shared.parallelFor((n + 15) / 16) { block in
                for i in (block * 16)..<min(n, block * 16 + 16) {
                    for c in 0..<k { out[i * k + c] = simdDot(x + i * d, w + c * d, d) }
                }
            }
        }
    }

    /// One pass over X for a loss and its gradient: s = X Wᵀ row by row, then
    /// `residual(rows)` turns s[rows] into residuals r in place and returns those rows' loss,
    /// then g = Rᵀ X. w: [K, D]; scores: [N, K]; g: [K, D]. Returns the summed loss.
    ///
    /// The rows are split into a fixed number of chunks (independent of the thread count); each
    /// chunk accumulates its own partial gradient over blocks of 8 rows while they are in cache,
    /// and the partials and losses are summed in chunk order — deterministic for any thread count.
    func fusedGradient(_ w: UnsafePointer<Double>, outputs k: Int, scores: UnsafeMutablePointer<Double>,
                       into g: UnsafeMutablePointer<Double>, residual: (Range<Int>) -> Double) -> Double {
        typealias V = SIMD8<Double>
        let n = rows, d = columns
        let chunks = min(n, 32)
        var partial = [Double](repeating: 0, count: chunks * k * d)
        var losses = [Double](repeating: 0, count: chunks)
        values.withUnsafeBufferPointer { xp in
            partial.withUnsafeMutableBufferPointer { pp in
                losses.withUnsafeMutableBufferPointer { lp in
                    let x = xp.baseAddress!
                    ThreadPool.shared.parallelFor(chunks) { chunk in
                        let lo = n * chunk / chunks, hi = n * (chunk + 1) / chunks
                        let gc = pp.baseAddress! + chunk * k * d
                        var loss = 0.0
                        var i = lo
                        while i < hi {
                            let b = min(8, hi - i)
                            for r in 0..<b { for c in 0..<k { scores[(i + r) * k + c] = simdDot(x + (i + r) * d, w + c * d, d) } }
                            loss += residual(i..<(i + b))
                            for c in 0..<k {
                                let gr = gc + c * d
                                var a = V.zero
                                for r in 0..<b { a[r] = scores[(i + r) * k + c] }
                                var j = 0
                                while j + 8 <= d {
                                    var acc = UnsafeRawPointer(gr + j).loadUnaligned(as: V.self)
                                    for r in 0..<b {
                                        acc.addProduct(V(repeating: a[r]), UnsafeRawPointer(x + (i + r) * d + j).loadUnaligned(as: V.self))
                                    }
                                    UnsafeMutableRawPointer(gr + j).storeBytes(of: acc, as: V.self)
                                    j += 8
                                }
                                while j < d {
                                    for r in 0..<b { gr[j] = gr[j].addingProduct(a[r], x[(i + r) * d + j]) }
                                    j += 1
                                }
                            }
                            i += b
                        }
                        lp[chunk] = loss
                    }
                    // g = Σ_chunk partial, in chunk order, one task per 512 gradient entries.
                    let total = k * d
                    ThreadPool.shared.parallelFor((total + 511) / 512) { block in
                        for e in (block * 512)..<min(total, block * 512 + 512) {
                            var s = 0.0
                            for chunk in 0..<chunks { s += pp[chunk * total + e] }
                            g[e] = s
                        }
                    }
                }
            }
        }
        var loss = 0.0
        for l in losses { loss += l }
        return loss
    }
}
