// DropKey — the "linear attention dropping" of MoRE (Li et al., CVPR 2023).
//
// In training, before the softmax, every attention logit A[b, h, i, j] independently gets
// −1e12 added with probability p (a Bernoulli mask over keys, drawn per query): the dropped
// keys receive ~0 weight and the rest are renormalised by the softmax itself (no rescaling).
// The CLS key can be dropped too. At evaluation there is no mask.
//
// The authors' pre-training uses p = 0.3 in every layer (`constant(0.3)`); the DropKey paper
// (and the authors' fine-tuning script, which due to a bug never applies it) uses a ratio
// decreasing linearly with depth (`linear(from: 0.2, to: 0)`).

/// Per-layer DropKey ratios.
public enum DropKeySchedule: Equatable, Sendable, CustomStringConvertible {
    /// The same ratio in every layer (authors' pre-training: 0.3).
    case constant(Float)
    /// p_l = from + (to − from)·l/(L − 1) for layer l of L.
    case linear(from: Float, to: Float)

    /// Ratio of layer `layer` (0-based) of `layers`.
    public func ratio(layer: Int, of layers: Int) -> Float {
        switch self {
        case .constant(let p): return p
        case .linear(let a, let b):
            return layers <= 1 ? a : a + (b - a) * Float(layer) / Float(layers - 1)
        }
    }

    public var description: String {
        switch self {
        case .constant(let p): return "constant(\(p))"
        case .linear(let a, let b): return "linear(\(a)→\(b))"
        }
    }
}

/// The additive logit value of a dropped key (the authors' −1e12).
public let dropKeyLogit: Float = -1e12
