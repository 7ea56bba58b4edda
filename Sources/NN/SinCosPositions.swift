// SinCosPositions — fixed sine-cosine position embeddings for the ViT towers, an option
// (`"positions": "sincos"` in a tower's config) beside timm's learned ones (the authors').
//
// For D channels and frequencies ω_i = 10000^(−i/F), i = 0 … F−1:
//   2-D grid (X-ray patches, row r and column c of a side × side grid; F = D/4, MAE):
//     pe(r, c) = [sin(c·ω), cos(c·ω), sin(r·ω), cos(r·ω)]
//   1-D sequence (ECG tokens at position p; F = D/2, Vaswani et al. grouped by function):
//     pe(p) = [sin(p·ω), cos(p·ω)]
// Row 0 (the CLS token) is zeros. The tower keeps the table as its `pos_embed`, frozen.
//
// Why it is here: a learned table starts near zero (std 0.02), so the tower must learn where
// every patch lies — for every framing of the phantom — before it can compare positions; a fixed
// table gives that geometry from the first step (PAPER.md §5.1, item 11). Not here: the towers
// (VisionTransformer.swift), the config key (ViTConfig).

import Foundation
import TensorCore

/// How a ViT tower's position embeddings are made.
public enum PositionEmbedding: String, Codable, Sendable, CaseIterable {
    /// Learned, initialised from a truncated N(0, 0.02²) (timm; the authors').
    case learned
    /// Fixed sine-cosine table: 2-D over the patch grid for images, 1-D for ECG tokens.
    case sincos
}

public enum SinCosPositions {
    /// The frequencies ω_i = 10000^(−i/F), i < F.
    static func frequencies(_ f: Int) -> [Double] {
        (0..<f).map { i in pow(10000, -Double(i) / Double(f)) }
    }

    /// [1, side² + 1, dim] for a side × side patch grid in row-major order; dim % 4 == 0.
    public static func grid(side: Int, dim: Int) -> Tensor {
        precondition(side > 0 && dim > 0 && dim % 4 == 0, "SinCosPositions.grid: needs side > 0 and dim divisible by 4")
        let f = dim / 4, omega = frequencies(f)
        return Tensor(shape: [1, side * side + 1, dim]) { p in
            for r in 0..<side {
                for c in 0..<side {
                    let row = (1 + r * side + c) * dim
                    for i in 0..<f {
                        let x = Double(c) * omega[i], y = Double(r) * omega[i]
                        p[row + i] = Float(sin(x)); p[row + f + i] = Float(cos(x))
                        p[row + 2 * f + i] = Float(sin(y)); p[row + 3 * f + i] = Float(cos(y))
                    }
                }
            }
        }
    }

    /// [1, length + 1, dim] for a sequence of `length` tokens; dim % 2 == 0.
    public static func sequence(length: Int, dim: Int) -> Tensor {
        precondition(length > 0 && dim > 0 && dim % 2 == 0, "SinCosPositions.sequence: needs length > 0 and an even dim")
        let f = dim / 2, omega = frequencies(f)
        return Tensor(shape: [1, length + 1, dim]) { p in
            for t in 0..<length {
                let row = (1 + t) * dim
                for i in 0..<f {
                    let x = Double(t) * omega[i]
                    p[row + i] = Float(sin(x)); p[row + f + i] = Float(cos(x))
                }
            }
        }
    }
}
