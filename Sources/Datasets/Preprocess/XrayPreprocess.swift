// XrayPreprocess — the authors' X-ray chain (MoRE-reference §3.3) up to the network input:
//   1. decode, convert to 8-bit grayscale (Pillow's 'L')                    ImageDecode.swift
//   2. resize straight to size × size, bicubic as Pillow (aspect not kept)  PillowResize.swift
//   3. CLAHE = equalize_adapthist(x / max(x)) with skimage defaults          CLAHE.swift
//   4. uint8(out · 255)  (truncation, as numpy's astype does)
//   5. ToTensor: v / 255 → Float in [0, 1]        ← what `more xray preprocess` writes
//   6. Normalize(mean 0.499, std 0.293)           ← `normalizeXray`, a separate step
// The 3-channel repeat of the ViT input is the model's business, not this file's.
//
// Deliberately not here: augmentations (XrayAugment.swift).

import Foundation

/// Mean and standard deviation the authors computed over MIMIC-CXR after resize + CLAHE.
public let xrayMean: Float = 0.499
/// See `xrayMean`.
public let xrayStd: Float = 0.293

/// Steps 2–4: resize to `size × size` (Pillow bicubic), CLAHE (skimage defaults), ×255 → UInt8.
public func preprocessXray(_ image: GrayImage, size: Int) -> GrayImage {
    let resized = pillowResize(image, width: size, height: size, filter: .bicubic)
    let eq = equalizeAdapthist(resized)
    return GrayImage(width: size, height: size, pixels: eq.map { UInt8(min(max($0 * 255, 0), 255)) })
}

/// Steps 1–5 from a file: the preprocessed image as `[size, size]` Float in [0, 1] (v/255).
///
///     let x = try preprocessXray(contentsOf: url, size: 224)   // 224·224 floats, before Normalize
public func preprocessXray(contentsOf url: URL, size: Int) throws -> [Float] {
    guard size >= 1 else {
        throw DataError.malformed(file: url.path, field: "size", reason: "target size must be positive, got \(size)")
    }
    let img = try decodeGrayImage(url)
    guard img.width > 0 && img.height > 0 else {
        throw DataError.wrongShape(file: url.path, field: "image", expected: "[H ≥ 1, W ≥ 1]", got: [img.height, img.width])
    }
    return preprocessXray(img, size: size).unitFloats
}

/// Step 6, in place: `x ← (x − mean) / std` (torchvision `Normalize`, defaults 0.499 / 0.293).
public func normalizeXray(_ x: inout [Float], mean: Float = xrayMean, std: Float = xrayStd) {
    for i in x.indices { x[i] = (x[i] - mean) / std }
}
