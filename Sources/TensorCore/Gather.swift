// Gather — rows of a table picked by integer ids (embedding lookup), and its adjoint, the
// scatter-add of row gradients back into the table.
//
// Determinism: `scatterAddRows` sums the contributions to a table row in increasing position
// order. Work is split over column ranges, never over positions, so two threads never add to
// the same element and the order of every sum is fixed whatever the thread count.
//
// Not here: the differentiable op (Autodiff/Ops/Embedding.swift), tokenisation.

extension Shape {
    /// Checks that every id indexes a row of a `table` of shape [V, D]; returns D.
    public static func checkGather(table: [Int], ids: [Int]) throws(ShapeError) -> Int {
        guard table.count == 2 else {
            throw ShapeError("gather: the table must be [V, D], got shape \(table)")
        }
        if let bad = ids.firstIndex(where: { $0 < 0 || $0 >= table[0] }) {
            throw ShapeError("gather: id \(ids[bad]) at position \(bad) is outside 0..<\(table[0]) for a table of shape \(table)")
        }
        return table[1]
    }
}

/// `out[i, :] = table[ids[i], :]`: `table: [V, D]`, `ids: n` → `[n, D]`.
public func gatherRows(_ table: Tensor, _ ids: [Int]) -> Tensor {
    let d = Shape.orStop { try Shape.checkGather(table: table.shape, ids: ids) }
    let out = Tensor(uninitialized: [ids.count, d])
    if d == 0 { return out }
    let pt = table.pointer, po = out.pointer
    ids.withUnsafeBufferPointer { id in
        ThreadPool.shared.parallelRanges(id.count, grain: max(1, parallelGrain / d)) { range in
            for i in range { (po + i * d).update(from: pt + id[i] * d, count: d) }
        }
    }
    return out
}

/// The adjoint of `gatherRows`: `out[v, :] = Σ_{i : ids[i] = v} g[i, :]` (i increasing).
/// `g: [n, D]`, `ids: n` → `[rows, D]`.
public func scatterAddRows(_ g: Tensor, _ ids: [Int], rows: Int) -> Tensor {
    precondition(g.rank == 2 && g.shape[0] == ids.count,
                 "scatterAddRows: gradient of shape \(g.shape) for \(ids.count) ids")
    let d = Shape.orStop { try Shape.checkGather(table: [rows, g.shape[1]], ids: ids) }
    let out = Tensor(zeros: [rows, d])
    if d == 0 { return out }
    let pg = g.pointer, po = out.pointer
    let block = 64
    let blocks = (d + block - 1) / block
    ids.withUnsafeBufferPointer { id in
        ThreadPool.shared.parallelRanges(blocks, grain: max(1, parallelGrain / max(id.count * block, 1))) { range in
            for b in range {
                let lo = b * block, hi = min(d, lo + block)
                for i in 0..<id.count {
                    let src = pg + i * d, dst = po + id[i] * d
                    for j in lo..<hi { dst[j] += src[j] }
                }
            }
        }
    }
    return out
}
