// AttentionRollout — per-layer token-mixing matrices of a ViT combined into one CLS relevance.
//
//   M_l  = mean_h A_l                       (attention rollout, Abnar & Zuidema 2020)
//        or mean_h max(0, ∂s/∂A_l ⊙ A_l)     (Chefer et al., GradientRelevance.swift)
//   R    = (I + M_L) ⋯ (I + M_{s+1}) (I + M_s)        start layer s (0 = the authors')
//   r_j  = R[0, j],  j = 1…N                 (CLS row, CLS column dropped → N token relevances)
//
// The authors (Chefer et al.'s `compute_rollout_attention`) add the identity and multiply
// *without* row normalisation; `RolloutNormalisation.rowStochastic` divides each I + M_l by
// its row sums first (for M = mean attention this is the classic ½(A + I) rollout).
// Deliberately not here: obtaining A and ∂s/∂A from a model (ModelExplainer.swift), mapping
// token relevances onto pixels or samples (XrayRelevanceMap.swift, ECGRelevanceMap.swift).

import TensorCore

/// How each layer matrix I + M_l is scaled before the product.
public enum RolloutNormalisation: String, Codable, Sendable, CaseIterable {
    /// I + M_l as it is (the authors', Chefer et al.'s code).
    case none
    /// (I + M_l) / rowsum(I + M_l): every row sums to one.
    case rowStochastic
}

/// Attention explanation methods.
public enum ExplanationMethod: String, Codable, Sendable, CaseIterable {
    /// Rollout of the head-averaged attention.
    case rollout
    /// Chefer et al.: rollout of the head-averaged positive part of gradient ⊙ attention.
    case chefer
}

/// Head average of attention probabilities: `a: [B, H, T, T]` → `[B, T, T]`, M = (1/H) Σ_h A_h.
public func headMean(_ a: Tensor) -> Tensor {
    // a: [B, H, T, T]
    precondition(a.rank == 4 && a.shape[2] == a.shape[3], "headMean: attention must be [B, H, T, T], got \(a.shape)")
    let b = a.shape[0], h = a.shape[1], tt = a.shape[2] * a.shape[3]
    let out = Tensor(zeros: [b, a.shape[2], a.shape[3]])
    let pa = a.pointer, po = out.pointer
    let inv = 1 / Float(h)
    for i in 0..<b {
        let o = po + i * tt
        for head in 0..<h {
            let s = pa + (i * h + head) * tt
            for k in 0..<tt { o[k] += s[k] }
        }
        for k in 0..<tt { o[k] *= inv }
    }
    return out
}

/// Rollout of per-layer matrices `layers[l]: [B, T, T]` (layer 0 first) from `startLayer`:
/// R = (I + M_L) ⋯ (I + M_s), each factor optionally row-normalised → `[B, T, T]`.
///
///     let r = rollout([headMean(a0), headMean(a1)], normalisation: .none)
public func rollout(_ layers: [Tensor], normalisation: RolloutNormalisation = .none, startLayer: Int = 0) -> Tensor {
    precondition(!layers.isEmpty && startLayer >= 0 && startLayer < layers.count,
                 "rollout: need a layer at startLayer \(startLayer) of \(layers.count)")
    let shape = layers[0].shape
    precondition(shape.count == 3 && shape[1] == shape[2], "rollout: layer matrices must be [B, T, T], got \(shape)")
    var joint: Tensor?
    for l in startLayer..<layers.count {
        precondition(layers[l].shape == shape, "rollout: layer \(l) has shape \(layers[l].shape), layer 0 \(shape)")
        let m = identityPlus(layers[l], normalisation: normalisation)
        joint = joint.map { TensorCore.matmul(m, $0) } ?? m
    }
    return joint!
}

/// I + M for `m: [B, T, T]` (a new tensor), optionally divided by its row sums.
func identityPlus(_ m: Tensor, normalisation: RolloutNormalisation) -> Tensor {
    // m: [B, T, T]
    let b = m.shape[0], t = m.shape[1]
    let out = m.copy()
    let p = out.pointer
    for i in 0..<b {
        for r in 0..<t {
            let row = p + (i * t + r) * t
            row[r] += 1
            guard normalisation == .rowStochastic else { continue }
            var s: Float = 0
            for c in 0..<t { s += row[c] }
            if s > 0 { let inv = 1 / s; for c in 0..<t { row[c] *= inv } }
        }
    }
    return out
}

/// The CLS row of a rollout without the CLS column: `r: [B, T, T]` → `[B, T − 1]`,
/// relevance of token j (j = 1…T−1) for the CLS output.
public func clsRelevance(_ r: Tensor) -> Tensor {
    // r: [B, T, T]
    precondition(r.rank == 3 && r.shape[1] == r.shape[2] && r.shape[1] >= 2, "clsRelevance: need [B, T, T], got \(r.shape)")
    let b = r.shape[0], t = r.shape[1]
    let out = Tensor(zeros: [b, t - 1])
    let pr = r.pointer, po = out.pointer
    for i in 0..<b { for j in 1..<t { po[i * (t - 1) + j - 1] = pr[i * t * t + j] } }
    return out
}
