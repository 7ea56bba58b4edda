// XrayRelevanceMapTests — bilinear upsampling of the token grid (torch's align_corners=False).

import XCTest
import TestSupport
@testable import Eval

final class XrayRelevanceMapTests: XCTestCase {
    func testTwoByTwoMatchesTorchBilinear() {
        // torch.nn.functional.interpolate([[0, 1], [2, 3]], scale_factor=2, mode="bilinear").
        let up = upsampleBilinear([0, 1, 2, 3], height: 2, width: 2, toHeight: 4, toWidth: 4)
        assertClose(up, [0, 0.25, 0.75, 1,
                         0.5, 0.75, 1.25, 1.5,
                         1.5, 1.75, 2.25, 2.5,
                         2, 2.25, 2.75, 3])
    }

    func testConstantGridStaysConstantAndPeakStaysInItsPatch() {
        assertClose(xrayHeatmap(tokens: [Float](repeating: 0.3, count: 64), imageSize: 64),
                    [Float](repeating: 0.3, count: 64 * 64))
        var r = [Float](repeating: 0, count: 16)
        r[2 * 4 + 1] = 1                                   // token row 2, column 1 of a 4×4 grid
        let map = xrayHeatmap(tokens: r, imageSize: 32)    // patches of 8 pixels
        let best = map.indices.max { map[$0] < map[$1] }!
        XCTAssertEqual(best / 32 / 8, 2)
        XCTAssertEqual(best % 32 / 8, 1)
    }
}
