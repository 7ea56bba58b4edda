// BoxLabelsTests — the value rule of box label sets (Sources/Datasets/BoxLabels.swift): a row is a
// box in [0, 1] with x0 ≤ x1 and y0 ≤ y1, or absent (all four −1).

import XCTest
@testable import Datasets

final class BoxLabelsTests: XCTestCase {
    func testValidAndAbsentBoxesPass() {
        XCTAssertNil(BoxLabels.problem([0.2, 0.3, 0.6, 0.9]))
        XCTAssertNil(BoxLabels.problem([0, 0, 1, 1]))
        XCTAssertNil(BoxLabels.problem([0.5, 0.5, 0.5, 0.5]), "an empty box is a box")
        XCTAssertNil(BoxLabels.problem([-1, -1, -1, -1]))
    }

    func testInvalidBoxesNameWhatIsWrong() {
        XCTAssertEqual(BoxLabels.problem([0.6, 0.3, 0.2, 0.9]), "x0 0.6 > x1 0.2")
        XCTAssertEqual(BoxLabels.problem([0.1, 0.9, 0.2, 0.3]), "y0 0.9 > y1 0.3")
        XCTAssertEqual(BoxLabels.problem([0.1, 0.2, 1.5, 0.3]), "x1 1.5 is outside [0, 1] (−1 in all four columns marks an absent box)")
        XCTAssertEqual(BoxLabels.problem([-1, 0.2, 0.5, 0.3]), "mixes −1 (absent) with coordinates: [-1.0, 0.2, 0.5, 0.3]")
        XCTAssertNotNil(BoxLabels.problem([.nan, 0.2, 0.5, 0.3]))
        XCTAssertNotNil(BoxLabels.problem([0.1, 0.2, 0.3]))
    }

    func testColumnsIdentifyABoxSet() {
        XCTAssertTrue(BoxLabels.isBoxSet(columns: ["x0", "y0", "x1", "y1"]))
        XCTAssertFalse(BoxLabels.isBoxSet(columns: ["Atelectasis", "Cardiomegaly", "Edema", "Pleural Effusion"]))
        XCTAssertFalse(BoxLabels.isBoxSet(columns: nil))
        XCTAssertEqual(CohortLabels.regionNames, BoxLabels.columns, "the cohort's regions_* sets are box sets")
    }
}
