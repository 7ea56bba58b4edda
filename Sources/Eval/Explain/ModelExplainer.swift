// ModelExplainer — runs one MoRE tower forward and backward and turns the recorded attention
// (and its gradient) into token relevances by rollout and by Chefer et al.'s rule.
//
// What is explained. The authors back-propagate a one-hot class of their supervised 4-label
// head. A contrastive model has no class head, so by default we explain the similarity the
// model was trained on: the scalar
//
//   s = cos(z, p) = ⟨z/‖z‖, p/‖p‖⟩,   z = g(f(x)) the tower's embedding, p a prompt embedding
//
// (e.g. p = the embedding of the prompt "Cardiomegaly", as zero-shot classification embeds it). Alternatively a linear
// probe's logit s = w·h + b on the CLS feature h. The model runs in eval mode (DropKey and
// dropout off, BatchNorm on running statistics), so the inputs of a batch do not interact and
// ∂(Σ_b s_b)/∂A_b = ∂s_b/∂A_b: one backward explains a whole chunk.
// Every parameter's requiresGrad, gradient and the model's training flag are restored after.
// Deliberately not here: the rollout algebra (AttentionRollout.swift, GradientRelevance.swift).

import TensorCore
import Autodiff
import NN
import MoRE
import Datasets

/// Which ViT tower is explained.
public enum ExplainedTower: String, Codable, Sendable, CaseIterable {
    case xray, ecg
}

/// The scalar whose attention relevance is computed.
public enum ExplanationTarget {
    /// s = cos(z, p) for a prompt embedding p (length = the projection dimension).
    case promptCosine([Float])
    /// s = w·h + b on the CLS feature h (length of w = the tower's width).
    case featureLogit(weights: [Float], bias: Float)
}

/// Token relevances of a set of inputs.
public struct TowerExplanation {
    /// Rollout of the head-averaged attention: [N, tokens].
    public var rollout: Tensor
    /// Chefer et al.'s gradient-weighted relevance: [N, tokens].
    public var chefer: Tensor
    /// The explained scalar s per input: [N].
    public var score: [Float]
}

/// The L2-normalised embedding of a prompt encoded alone, as zero-shot classification
/// embeds its prompts (`embedStrings`, no report prefix) → [projectionDim].
public func promptEmbedding(_ model: MoREModel, tokenizer: TextTokenizer, prompt: String) throws -> [Float] {
    l2NormalizedRows(try model.embedStrings([prompt], tokenizer: tokenizer)).scalars
}

/// Explains `inputs` (X-rays [N, S, S] in [0, 1] or ECGs [N, 12, L]) with both methods.
/// Processes `chunk` inputs per forward/backward.
///
///     let p = try promptEmbedding(model, tokenizer: tok, prompt: "Cardiomegaly")
///     let e = explainTower(model, tower: .xray, inputs: xrays, target: .promptCosine(p))
///     // e.chefer: [N, 64] for the tiny config (8×8 patches)
public func explainTower(_ model: MoREModel, tower: ExplainedTower, inputs: Tensor, target: ExplanationTarget,
                         normalisation: RolloutNormalisation = .none, startLayer: Int = 0, chunk: Int = 8) -> TowerExplanation {
    let vit = tower == .xray ? model.xrayModel : model.ecgModel
    let n = inputs.shape[0], tokens = vit.posEmbed.shape[1] - 1
    let params = model.namedParameters().map(\.1)
    let saved = params.map { ($0.requiresGrad, $0.grad) }
    let wasTraining = model.isTraining
    let captured = vit.blocks.items.map { $0.attn.captureAttention }
    model.eval()
    for p in params { p.requiresGrad = true }
    for b in vit.blocks.items { b.attn.captureAttention = true }
    defer {
        for (p, s) in zip(params, saved) { p.requiresGrad = s.0; p.grad = s.1 }
        for (b, c) in zip(vit.blocks.items, captured) { b.attn.captureAttention = c }
        model.train(wasTraining)
    }
    let rolloutOut = Tensor(zeros: [n, tokens]), cheferOut = Tensor(zeros: [n, tokens])
    var scores: [Float] = []
    var start = 0
    while start < n {
        let range = start..<min(n, start + max(1, chunk))
        let x = gatherRows(inputs, Array(range))
        let h = tower == .xray ? model.xrayFeatures(x) : model.ecgFeatures(x)       // [b, D]
        let s: Variable                                                                // [b, 1]
        switch target {
        case .promptCosine(let p):
            let z = l2Normalize(tower == .xray ? model.projectorXray(h) : model.projectorECG(h))
            precondition(p.count == z.shape[1], "explainTower: prompt has \(p.count) values, embeddings \(z.shape[1])")
            let norm = max(p.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-12)
            s = matmul(z, Variable(Tensor(shape: [1, p.count], values: p.map { $0 / norm })), transposeB: true)
        case .featureLogit(let w, let bias):
            precondition(w.count == h.shape[1], "explainTower: probe has \(w.count) weights, features \(h.shape[1])")
            s = matmul(h, Variable(Tensor(shape: [1, w.count], values: w)), transposeB: true)
                + Variable(Tensor(shape: [1, 1], values: [bias]))
        }
        scores += s.value.scalars
        sum(s).backward()
        let taps = vit.blocks.items.map { $0.attn.tap }
        let attention = taps.map { $0!.probabilities! }
        let gradient = taps.map { $0!.gradient ?? Tensor(zeros: $0!.probabilities!.shape) }
        let r = tokenRelevance(method: .rollout, attention: attention, gradient: nil,
                               normalisation: normalisation, startLayer: startLayer)
        let c = tokenRelevance(method: .chefer, attention: attention, gradient: gradient,
                               normalisation: normalisation, startLayer: startLayer)
        (rolloutOut.pointer + range.lowerBound * tokens).update(from: r.pointer, count: r.count)
        (cheferOut.pointer + range.lowerBound * tokens).update(from: c.pointer, count: c.count)
        for p in params { p.grad = nil }
        start = range.upperBound
    }
    return TowerExplanation(rollout: rolloutOut, chefer: cheferOut, score: scores)
}
