// ExplanationScoresTests — masks from boxes, pointing game and energy in region on hand-made
// heatmaps, and the random baseline's expectation (the region's area fraction).

import XCTest
import TestSupport
import TensorCore
@testable import Eval

final class ExplanationScoresTests: XCTestCase {
    func testBoxMaskUsesPixelCentres() {
        let m = regionMask([RegionBox(x0: 0, y0: 0, x1: 0.5, y1: 0.5)], height: 4, width: 4)
        XCTAssertEqual(m, [true, true, false, false, true, true, false, false,
                           false, false, false, false, false, false, false, false])
        XCTAssertEqual(areaFraction(m), 0.25)
        XCTAssertNil(RegionBox([-1, -1, -1, -1]))
        XCTAssertNil(RegionBox([0.5, 0.2, 0.4, 0.3]))
        let two = regionMask([RegionBox(x0: 0, y0: 0.75, x1: 0.25, y1: 1), RegionBox(x0: 0.75, y0: 0.75, x1: 1, y1: 1)],
                             height: 4, width: 4)
        XCTAssertEqual(two.indices.filter { two[$0] }, [12, 15])
    }

    func testPointingGame() {
        let mask = [false, true, true, false]
        XCTAssertTrue(pointingHit([0.1, 0.9, 0.3, 0.2], mask: mask))
        XCTAssertFalse(pointingHit([0.1, 0.3, 0.3, 0.9], mask: mask))
        // Ties: the first maximum decides.
        XCTAssertFalse(pointingHit([1, 1, 1, 1], mask: mask))
        XCTAssertTrue(pointingHit([0, 1, 1, 1], mask: mask))
    }

    func testEnergyInRegion() {
        let mask = [true, false, true, false]
        XCTAssertEqual(energyInRegion([1, 2, 3, -4], mask: mask), 4.0 / 6.0, accuracy: 1e-12)
        XCTAssertEqual(energyInRegion([0, 0, 0, 0], mask: mask), 0)
        XCTAssertEqual(energyInRegion([5, 0, 1, 0], mask: mask), 1)
        let s = PointingEnergy.score([[1, 2, 3, -4], [0, 9, 0, 1]], masks: [mask, mask])
        XCTAssertEqual(s.count, 2)
        XCTAssertEqual(s.pointing, 0.5)
        XCTAssertEqual(s.energy, (4.0 / 6.0 + 0) / 2, accuracy: 1e-12)
        XCTAssertEqual(s.area, 0.5)
    }

    func testRandomBaselineExpectationIsTheAreaFraction() {
        // A 16×16 map, region of 6 × 6 pixel centres (area 36/256), 3000 draws.
        let mask = regionMask([RegionBox(x0: 0.25, y0: 0.5, x1: 0.625, y1: 0.875)], height: 16, width: 16)
        let area = areaFraction(mask)
        XCTAssertEqual(area, 36.0 / 256)
        let draws = 3000
        let b = randomHeatmapBaseline(masks: [mask], draws: draws, seed: 21) { rng in (0..<256).map { _ in rng.uniform() } }
        let sd = (area * (1 - area) / Double(draws)).squareRoot()
        XCTAssertEqual(b.pointing, area, accuracy: 4 * sd)
        XCTAssertEqual(b.energy, area, accuracy: 0.003)
        XCTAssertEqual(b.area, area)
        // Seeded: the same seed gives the same numbers, another seed different ones.
        let again = randomHeatmapBaseline(masks: [mask], draws: draws, seed: 21) { rng in (0..<256).map { _ in rng.uniform() } }
        XCTAssertEqual(again, b)
        let other = randomHeatmapBaseline(masks: [mask], draws: draws, seed: 22) { rng in (0..<256).map { _ in rng.uniform() } }
        XCTAssertNotEqual(other.energy, b.energy)
    }
}
