// DropKeyTests — the per-layer DropKey ratios (constant, as the authors' pre-training; linear in
// depth, as the DropKey paper) and their placement in a ViT's blocks. The mask itself is tested
// in AutodiffTests (AttentionMaskTests, MultiHeadAttentionTests).

import XCTest
import TestSupport
@testable import NN

final class DropKeyTests: XCTestCase {
    func testSchedules() {
        XCTAssertEqual((0..<12).map { DropKeySchedule.constant(0.3).ratio(layer: $0, of: 12) }, Array(repeating: 0.3, count: 12))
        let linear = (0..<5).map { DropKeySchedule.linear(from: 0.2, to: 0).ratio(layer: $0, of: 5) }
        for (r, e) in zip(linear, [0.2, 0.15, 0.1, 0.05, 0] as [Float]) { XCTAssertEqual(r, e, accuracy: 1e-7) }
        XCTAssertEqual(DropKeySchedule.linear(from: 0.2, to: 0).ratio(layer: 0, of: 1), 0.2, "one layer: the first ratio")
        XCTAssertEqual(dropKeyLogit, -1e12, "the authors' additive logit")
    }

    /// Each block of a tower gets its layer's ratio, at construction and through `setDropKey`.
    func testTowerBlocksGetTheirRatios() {
        let patches = ImagePatchEmbed(patch: 4, channels: 1, dim: 16, seed: 1, name: "v.patch_embed")
        let vit = VisionTransformer(config: ViTConfig(dim: 16, depth: 3, heads: 2), input: .image(patches), tokens: 4,
                                    dropKey: .linear(from: 0.2, to: 0), seed: 1, name: "v")
        XCTAssertEqual(vit.blocks.items.map(\.attn.dropKey), [0.2, 0.1, 0])
        vit.setDropKey(.constant(0.3))
        XCTAssertEqual(vit.blocks.items.map(\.attn.dropKey), [0.3, 0.3, 0.3])
    }
}
