// XrayNormalization — how an X-ray in [0, 1] becomes the ViT's input (the last step of the
// X-ray chain, MoRE-reference §3.3).
//
//   dataset  (the authors'):  x' = (x − m) / s            m = 0.499, s = 0.293 (`xrayMean`, `xrayStd`)
//   perImage (tiny's):        x' = (x − μ_i) / max(σ_i, ε)  μ_i, σ_i = mean and population standard
//                                                           deviation of image i's pixels, ε = 1e-6
//
// Why the second exists: the authors equalise every X-ray with CLAHE before `Normalize`, which
// takes out most of each image's brightness and contrast. The synthetic cohort stores the
// phantom before that step, and its acquisition variation (contrast, brightness, gamma, haze)
// is what a randomly initialised ViT's features collapse onto (PAPER.md §5.1, "Why the X-ray
// tower does not align", item 3). Standardising each image by its own statistics removes the
// global part of that variation. PAPER.md §4.5 has the measured effect.
//
// Not here: CLAHE and the resize (Datasets/Preprocess/XrayPreprocess.swift); augmentations.

import TensorCore

/// The normalisation of X-rays at the ViT's input.
public enum XrayNormalization: String, Codable, Sendable, CaseIterable {
    /// `(x − xrayMean) / xrayStd` with the config's constants (torchvision `Normalize`, the authors').
    case dataset
    /// Each image standardised by its own mean and standard deviation.
    case perImage
}

/// Floor of σ_i in `perImage` (a blank image maps to zeros instead of dividing by zero).
public let xrayPerImageEpsilon: Float = 1e-6

/// Normalises `images: [B, H, W]` (values in [0, 1]) for the ViT → `[B, H, W]`.
///
///     normalizeXrays(x, .dataset, mean: 0.499, std: 0.293)   // (x − 0.499) / 0.293
///     normalizeXrays(x, .perImage, mean: 0.499, std: 0.293)  // each image: zero mean, unit deviation
///
/// μ_i and σ_i are summed in Double, one image per task, so the result does not depend on the
/// thread count.
public func normalizeXrays(_ images: Tensor, _ kind: XrayNormalization, mean m: Float, std s: Float) -> Tensor {
    precondition(images.rank == 3, "normalizeXrays: images must be [B, H, W], got \(images.shape)")
    let b = images.shape[0], n = images.shape[1] * images.shape[2]
    switch kind {
    case .dataset:
        return map(images) { ($0 - m) / s }
    case .perImage:
        let out = Tensor(uninitialized: images.shape)
        let src = images.pointer, dst = out.pointer
        ThreadPool.shared.parallelFor(b) { i in
            let x = src + i * n, y = dst + i * n
            var sum: Double = 0
            for j in 0..<n { sum += Double(x[j]) }
            let mu = sum / Double(max(n, 1))
            var sq: Double = 0
            for j in 0..<n { let d = Double(x[j]) - mu; sq += d * d }
            let sigma = max(Float((sq / Double(max(n, 1))).squareRoot()), xrayPerImageEpsilon)
            let mu32 = Float(mu)
            for j in 0..<n { y[j] = (x[j] - mu32) / sigma }
        }
        return out
    }
}
