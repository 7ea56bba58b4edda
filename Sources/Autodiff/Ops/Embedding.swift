// Embedding — rows of a table looked up by integer ids (token and position embeddings).
//
//   y[i…, :] = W[ids[i…], :]
//   ∂L/∂W[v, :] = Σ_{i : ids[i] = v} g[i, :]    (scatter-add, positions in increasing order)
//
// The ids are data, not differentiated. The scatter-add (TensorCore/Gather.swift) splits work
// over columns, so the order of every sum is fixed: deterministic for any thread count.
// Not here: tokenisation (Datasets), padding masks (the caller masks the output).

import TensorCore

/// Looks up rows of `table: [V, D]` for `ids` laid out as `shape` (default `[ids.count]`)
/// → `[shape…, D]`.
///
///     let tok = embedding(wordEmbeddings, ids: batch.ids, shape: [B, T])   // [B, T, D]
public func embedding(_ table: Variable, ids: [Int], shape: [Int]? = nil) -> Variable {
    let idsShape = shape ?? [ids.count]
    let d = Shape.orStop { () throws -> Int in
        guard Shape.count(idsShape) == ids.count, idsShape.allSatisfy({ $0 >= 0 }) else {
            throw ShapeError("embedding: \(ids.count) ids cannot be laid out as \(idsShape)")
        }
        return try Shape.checkGather(table: table.shape, ids: ids)
    }
    let out = gatherRows(table.value, ids).reshaped(idsShape + [d])
    let rows = table.shape[0]
    return record(.embedding, out, inputs: [table]) { g in
        [scatterAddRows(g.reshaped([ids.count, d]), ids, rows: rows)]
    }
}
