import XCTest
@testable import more

/// `EvalContext.Scored.differs` (Reproduce/Tables/TableAblation.swift): when a row of
/// table-ablation is named as differing from the baseline.
final class TableAblationTests: XCTestCase {
    typealias S = EvalContext.Scored

    func testEachEstimateMustLieOutsideTheOthersInterval() {
        let base = S(value: 0.764, lower: 0.735, upper: 0.796)
        XCTAssertTrue(S(value: 0.826, lower: 0.793, upper: 0.859).differs(from: base))    // clear gain
        XCTAssertTrue(S(value: 0.478, lower: 0.445, upper: 0.510).differs(from: base))    // clear loss
        XCTAssertFalse(S(value: 0.790, lower: 0.756, upper: 0.825).differs(from: base))   // inside the baseline's interval
        // Outside the baseline's interval, but the baseline lies inside the variant's own.
        XCTAssertFalse(S(value: 0.800, lower: 0.740, upper: 0.860).differs(from: base))
    }

    func testOneHitAgainstABaselineWithNoneIsNotADifference() {
        let none = S(value: 0, lower: 0, upper: 0)
        XCTAssertFalse(S(value: 0.006, lower: 0, upper: 0.017).differs(from: none))
        XCTAssertTrue(S(value: 0.033, lower: 0.011, upper: 0.061).differs(from: none))
    }

    func testMissingValuesNeverDiffer() {
        let base = S(value: 0.5, lower: 0.4, upper: 0.6)
        XCTAssertFalse(S.absent.differs(from: base))
        XCTAssertFalse(S(value: 0.9, lower: 0.8, upper: 0.95).differs(from: .absent))
        // A variant without an interval is judged by the baseline's interval alone.
        XCTAssertTrue(S(value: 0.9, lower: .nan, upper: .nan).differs(from: base))
    }
}
