// GradientRelevance — Chefer et al.'s gradient-weighted attention relevance of one block.
//
//   cam_l = mean_h max(0, ∂s/∂A_l ⊙ A_l)      A_l, ∂s/∂A_l: [B, H, T, T] → [B, T, T]
//
// then rolled out as R = Π (I + cam_l) (AttentionRollout.swift). This is the "generic
// attention-model explainability" rule (Chefer, Gur & Wolf, ICCV 2021). The authors'
// `transformer_attribution` (Chefer et al., CVPR 2021) multiplies the gradient by the LRP
// relevance of A instead of by A itself; we have no LRP pass (see PAPER.md, explanations).
// Deliberately not here: running the model and the backward pass (ModelExplainer.swift).

import TensorCore

/// Chefer et al.'s layer map: `attention, gradient: [B, H, T, T]` → `[B, T, T]`,
/// cam = (1/H) Σ_h max(0, G_h ⊙ A_h).
///
///     let cam = gradientWeightedAttention(attention: tap.probabilities!, gradient: tap.gradient!)
public func gradientWeightedAttention(attention a: Tensor, gradient g: Tensor) -> Tensor {
    // a, g: [B, H, T, T]
    precondition(a.rank == 4 && a.shape == g.shape && a.shape[2] == a.shape[3],
                 "gradientWeightedAttention: attention \(a.shape) and gradient \(g.shape) must both be [B, H, T, T]")
    let b = a.shape[0], h = a.shape[1], tt = a.shape[2] * a.shape[3]
    let out = Tensor(zeros: [b, a.shape[2], a.shape[3]])
    let pa = a.pointer, pg = g.pointer, po = out.pointer
    let inv = 1 / Float(h)
    for i in 0..<b {
        let o = po + i * tt
        for head in 0..<h {
            let base = (i * h + head) * tt
            for k in 0..<tt { o[k] += max(0, pa[base + k] * pg[base + k]) }
        }
        for k in 0..<tt { o[k] *= inv }
    }
    return out
}

/// Token relevances of one ViT from its recorded attention (and gradients):
/// `attention[l], gradient[l]: [B, H, T, T]` → `[B, T − 1]` (CLS row of the rollout).
/// `gradient` is needed for `.chefer` only.
public func tokenRelevance(method: ExplanationMethod, attention: [Tensor], gradient: [Tensor]?,
                           normalisation: RolloutNormalisation = .none, startLayer: Int = 0) -> Tensor {
    let maps: [Tensor]
    switch method {
    case .rollout:
        maps = attention.map(headMean)
    case .chefer:
        guard let gradient, gradient.count == attention.count else {
            preconditionFailure("tokenRelevance: Chefer relevance needs one gradient per attention layer")
        }
        maps = zip(attention, gradient).map { gradientWeightedAttention(attention: $0, gradient: $1) }
    }
    return clsRelevance(rollout(maps, normalisation: normalisation, startLayer: startLayer))
}
