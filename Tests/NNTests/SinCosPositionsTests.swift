// SinCosPositionsTests — the fixed sine-cosine position tables (an option of the ViT towers):
// values at hand-computed points, the CLS row, and a tower that keeps the table frozen.

import XCTest
import TestSupport
import TensorCore
import Autodiff
@testable import NN

final class SinCosPositionsTests: XCTestCase {
    /// Width 8 has two frequencies, ω = 1 and 10000^(−1/2) = 0.01. Patch (row 1, column 2) of a
    /// 3 × 3 grid is token 1 + 1·3 + 2 = 6: [sin 2, sin .02, cos 2, cos .02, sin 1, sin .01, cos 1, cos .01].
    func testGridValuesAtAPatch() {
        let t = SinCosPositions.grid(side: 3, dim: 8)
        XCTAssertEqual(t.shape, [1, 10, 8])
        let row = Array(t.scalars[(6 * 8)..<(7 * 8)])
        let expected: [Float] = [0.9092974, 0.019998667, -0.41614684, 0.9998, 0.84147098, 0.0099998333, 0.54030231, 0.99995]
        for (a, e) in zip(row, expected) { XCTAssertEqual(a, e, accuracy: 1e-6) }
        XCTAssertEqual(Array(t.scalars[0..<8]), Array(repeating: 0, count: 8), "CLS row is zeros")
        // Patch (0, 0): sin 0 = 0 and cos 0 = 1 in both halves.
        XCTAssertEqual(Array(t.scalars[8..<16]), [0, 0, 1, 1, 0, 0, 1, 1])
    }

    /// Width 4 in 1-D: ω = 1 and 0.01; token at position 3 is row 4.
    func testSequenceValuesAtAToken() {
        let t = SinCosPositions.sequence(length: 5, dim: 4)
        XCTAssertEqual(t.shape, [1, 6, 4])
        let row = Array(t.scalars[16..<20])
        let expected: [Float] = [0.14112, 0.029995500, -0.9899925, 0.99955003]
        for (a, e) in zip(row, expected) { XCTAssertEqual(a, e, accuracy: 1e-6) }
        XCTAssertEqual(Array(t.scalars[0..<4]), [0, 0, 0, 0])
    }

    /// With `.sincos` the tower's pos_embed is the table and frozen (no gradient, not trained);
    /// the default stays timm's learned table. Both towers' inputs are covered.
    func testTowersKeepTheTableFrozen() {
        let image = ImagePatchEmbed(patch: 4, channels: 1, dim: 16, seed: 1, name: "v.patch_embed")
        let vit = VisionTransformer(config: ViTConfig(dim: 16, depth: 1, heads: 2, positions: .sincos), input: .image(image),
                                    tokens: 4, dropKey: .constant(0), seed: 1, name: "v")
        XCTAssertFalse(vit.posEmbed.requiresGrad)
        XCTAssertEqual(vit.posEmbed.value.scalars, SinCosPositions.grid(side: 2, dim: 16).scalars)
        XCTAssertFalse(vit.trainableParameters().contains { $0.0 == "pos_embed" })
        let x = Tensor(shape: [2, 8, 8], values: (0..<128).map { Float($0 % 7) / 7 })
        vit.train()
        let loss = sum(vit(x))
        loss.backward()
        XCTAssertNil(vit.posEmbed.grad, "a frozen table gets no gradient")
        XCTAssertNotNil(vit.clsToken.grad)

        let ecg = ECGPatchEmbed(leads: 12, stemChannels: 8, dim: 16, seed: 1, name: "e.patch_embed")
        let tokens = ECGPatchEmbed.tokens(length: 100)
        let evit = VisionTransformer(config: ViTConfig(dim: 16, depth: 1, heads: 2, positions: .sincos), input: .ecg(ecg),
                                     tokens: tokens, dropKey: .constant(0), seed: 1, name: "e")
        XCTAssertEqual(evit.posEmbed.value.scalars, SinCosPositions.sequence(length: tokens, dim: 16).scalars)

        let learned = VisionTransformer(config: ViTConfig(dim: 16, depth: 1, heads: 2), input: .image(image), tokens: 4,
                                        dropKey: .constant(0), seed: 1, name: "v")
        XCTAssertTrue(learned.posEmbed.requiresGrad)
        XCTAssertLessThan(learned.posEmbed.value.scalars.map(abs).max()!, 0.15, "timm's N(0, 0.02²)")
    }
}
