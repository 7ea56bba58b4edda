import XCTest
import Foundation
@testable import more

/// `PassProgressBars` (Reproduce/PassProgressBars.swift): a pass gets a bar only
/// after it has run for the delay, and a new label, a count that goes back or a report after a
/// finished pass starts a new pass.
final class PassProgressBarsTests: XCTestCase {
    func testABarAppearsOnlyForAPassLongerThanTheDelay() {
        var now = Date(timeIntervalSince1970: 0)
        let bars = PassProgressBars(unit: "rows", delay: 2, draw: false, clock: { now })
        bars.report("a.h5 X-rays", 64, 300)
        now += 1
        bars.report("a.h5 X-rays", 128, 300)
        XCTAssertNil(bars.bar, "no bar within the delay")
        now += 1.5
        bars.report("a.h5 X-rays", 192, 300)
        XCTAssertNotNil(bars.bar)
        bars.report("a.h5 X-rays", 300, 300)
        XCTAssertNotNil(bars.bar)

        // The same file again (another model): a new pass, without a bar until its own delay.
        bars.report("a.h5 X-rays", 64, 300)
        XCTAssertNil(bars.bar)
        now += 3
        bars.report("a.h5 X-rays", 128, 300)
        XCTAssertNotNil(bars.bar)
        // Another file, and a count that goes back on the same label: new passes.
        bars.report("b.h5 ECGs", 10, 20)
        XCTAssertEqual(bars.label, "b.h5 ECGs")
        XCTAssertNil(bars.bar)
        now += 3
        bars.report("b.h5 ECGs", 15, 20)
        XCTAssertNotNil(bars.bar)
        bars.report("b.h5 ECGs", 5, 20)
        XCTAssertNil(bars.bar)
    }

    /// Without a delay (`more data convert`'s stages) every pass has its bar at once, and a stage
    /// name that comes again after its pass finished gets a new bar; a pass of nothing draws none.
    func testWithoutADelayEveryPassHasABar() {
        let bars = PassProgressBars(unit: "records", draw: false)
        bars.report("ptbxl_train ECG records", 0, 10)
        let first = bars.bar
        XCTAssertNotNil(first)
        bars.report("ptbxl_train ECG records", 10, 10)
        XCTAssertTrue(bars.bar === first)
        bars.report("ptbxl_train ECG records", 0, 4)
        XCTAssertNotNil(bars.bar)
        XCTAssertFalse(bars.bar === first)
        bars.report("empty stage", 0, 0)
        XCTAssertEqual(bars.label, "ptbxl_train ECG records")
    }
}
