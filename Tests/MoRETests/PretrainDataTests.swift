import XCTest
@testable import MoRE

/// X-rays of the wrong size for the config are an error that says what to do: `tiny` takes
/// 64×64 and the converters write 224×224 unless told `--size 64`.
final class PretrainDataTests: XCTestCase {
    func testAnXraySizeMismatchSaysHowToConvert() {
        XCTAssertEqual(xrayShapeHint(config: .tiny, found: [6, 224, 224]),
                       "[N, 64, 64] (config 'tiny' takes 64×64 X-rays: convert with `more data convert … --size 64`, or use a config with xrayImageSize 224)")
        XCTAssertEqual(xrayShapeHint(config: .tiny, found: [6, 64, 32]), "[N, 64, 64]", "not square: no size to suggest")
        XCTAssertEqual(xrayShapeHint(config: .paper, found: [2, 64, 64]).hasSuffix("--size 224`, or use a config with xrayImageSize 64)"), true)
    }
}
