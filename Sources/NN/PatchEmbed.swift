// PatchEmbed — the two ways MoRE turns an input into tokens.
//
// X-ray (timm's PatchEmbed, `patch_embed.proj`): the grayscale image is replicated to 3
// channels, cut into non-overlapping P×P patches, and each patch is projected by a Conv2d with
// kernel = stride = P — which is exactly a Linear on the flattened patch. The weight keeps
// timm's Conv2d layout [D, 3, P, P] so checkpoints load as is.
//
// ECG (MoRE's custom patch embed): Conv1d(12→C₁, k5, s5) → ReLU → BN → Conv1d(C₁→D, k5, s1)
// → ReLU → BN, then tokens along time: 12×1000 → C₁×200 → D×196 → 196 tokens of width D.
// Each token sees 25 samples (0.25 s at 100 Hz) with a stride of 5 samples.

import TensorCore
import Autodiff

/// Cuts images [B, H, W] into patch rows [B, (H/P)·(W/P), C·P·P], replicating the gray
/// channel C times; patch order is row-major over the grid, feature order (c, py, px) as
/// Conv2d's weight. Not differentiated (it acts on the input).
public func patchify(_ images: Tensor, patch p: Int, channels: Int) -> Tensor {
    // images: [B, H, W]
    precondition(images.rank == 3, "patchify: images must be [B, H, W], got \(images.shape)")
    let b = images.shape[0], h = images.shape[1], w = images.shape[2]
    precondition(h % p == 0 && w % p == 0, "patchify: image \(h)×\(w) is not divisible by patch \(p)")
    let gh = h / p, gw = w / p, f = channels * p * p
    let out = Tensor(zeros: [b, gh * gw, f])
    let src = images.pointer, dst = out.pointer
    ThreadPool.shared.parallelRanges(b * gh, grain: 8) { r in
        for bg in r {
            let bi = bg / gh, gy = bg % gh
            for gx in 0..<gw {
                let o = ((bi * gh + gy) * gw + gx) * f
                for py in 0..<p {
                    let s = (bi * h + gy * p + py) * w + gx * p
                    for c in 0..<channels {
                        for px in 0..<p { dst[o + (c * p + py) * p + px] = src[s + px] }
                    }
                }
            }
        }
    }
    return out
}

/// timm's image patch embedding. `images: [B, H, W]` → tokens `[B, N, D]`.
public final class ImagePatchEmbed: Module {
    public let patch: Int, channels: Int, dim: Int
    public let weight: Parameter   // [D, C, P, P]
    public let bias: Parameter     // [D]

    public init(patch: Int, channels: Int, dim: Int, seed: UInt64, name: String) {
        self.patch = patch; self.channels = channels; self.dim = dim
        let fanIn = channels * patch * patch
        weight = Parameter(Init.kaimingUniform([dim, channels, patch, patch], fanIn: fanIn, seed: seed, name: name + ".proj.weight"),
                           requiresGrad: true, name: name + ".proj.weight")
        bias = Parameter(Init.uniform([dim], bound: 1 / Float(fanIn).squareRoot(), seed: seed, name: name + ".proj.bias"),
                         requiresGrad: true, name: name + ".proj.bias")
    }

    public override var localParameters: [(String, Parameter)] { [("proj.weight", weight), ("proj.bias", bias)] }

    public func callAsFunction(_ images: Tensor) -> Variable {
        let rows = Variable(patchify(images, patch: patch, channels: channels))      // [B, N, C·P·P]
        let w = reshape(weight, [dim, channels * patch * patch])
        let b = rows.shape[0], n = rows.shape[1]
        let flat = reshape(rows, [b * n, channels * patch * patch])
        return reshape(matmul(flat, w, transposeB: true) + bias, [b, n, dim])
    }
}

/// MoRE's convolutional ECG patch embedding. `ecg: [B, 12, L]` → tokens `[B, L', D]`.
public final class ECGPatchEmbed: Module {
    public let conv1: Conv1d, bn1: BatchNorm1d, conv2: Conv1d, bn2: BatchNorm1d

    public init(leads: Int, stemChannels: Int, dim: Int, seed: UInt64, name: String) {
        conv1 = Conv1d(leads, stemChannels, kernelSize: 5, stride: 5, seed: seed, name: name + ".conv1")
        bn1 = BatchNorm1d(stemChannels, name: name + ".bn1")
        conv2 = Conv1d(stemChannels, dim, kernelSize: 5, stride: 1, seed: seed, name: name + ".conv2")
        bn2 = BatchNorm1d(dim, name: name + ".bn2")
    }

    public override var children: [(String, Module)] {
        [("conv1", conv1), ("bn1", bn1), ("conv2", conv2), ("bn2", bn2)]
    }

    /// Number of tokens for `length` input samples: ((L − 5)/5 + 1) − 4.
    public static func tokens(length: Int) -> Int { (length - 5) / 5 + 1 - 4 }

    public func callAsFunction(_ ecg: Tensor) -> Variable {
        let x = Variable(ecg)                                   // [B, 12, L]
        let h = bn2(relu(conv2(bn1(relu(conv1(x))))))           // [B, D, L']
        return permute(h, [0, 2, 1])                            // [B, L', D]
    }
}
