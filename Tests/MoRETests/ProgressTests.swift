// ProgressTests — the progress bar's rate and ETA (Progress.swift): measured from the first
// update that reported progress, so start-up time before the first unit is not counted as work.

import XCTest
@testable import MoRE

final class ProgressTests: XCTestCase {
    typealias Mark = ProgressBar.Mark

    /// 60 s of start-up, then 10 s per unit: after 8 of 891 units the whole-elapsed estimate
    /// says (60 + 80) / 8 · 883 s, the windowed one 10 · 883 s — the time really left.
    func testStartUpBeforeTheFirstUnitDoesNotInflateTheETA() {
        let first = Mark(time: 70, done: 1, units: 1)
        let now = Mark(time: 140, done: 8, units: 8)
        let (rate, eta) = ProgressBar.estimate(now: now, first: first, total: 891)
        XCTAssertEqual(try XCTUnwrap(eta), 10 * 883, accuracy: 1e-9)
        XCTAssertEqual(rate, 0.1, accuracy: 1e-12)
        let (_, naive) = ProgressBar.estimate(now: now, first: nil, total: 891)
        XCTAssertEqual(try XCTUnwrap(naive), 140.0 / 8 * 883, accuracy: 1e-9)
    }

    /// The rate is shown in `units` (samples for the trainer) over the same window.
    func testRateUsesTheUnitsOfTheWindow() {
        let (rate, eta) = ProgressBar.estimate(now: Mark(time: 30, done: 5, units: 160),
                                               first: Mark(time: 10, done: 1, units: 32), total: 9)
        XCTAssertEqual(rate, 128.0 / 20, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(eta), 20.0 / 4 * 4, accuracy: 1e-12)
    }

    /// Until a second update with progress there is no window: the whole elapsed time is
    /// used, and nothing done yet means no estimate (nil, shown as "ETA —"; it was 0:00).
    func testBeforeAWindowExists() throws {
        let first = Mark(time: 12, done: 2, units: 2)
        let (_, eta) = ProgressBar.estimate(now: first, first: first, total: 10)
        XCTAssertEqual(try XCTUnwrap(eta), 12.0 / 2 * 8, accuracy: 1e-12)
        let (rate0, eta0) = ProgressBar.estimate(now: Mark(time: 5, done: 0, units: 0), first: nil, total: 10)
        XCTAssertNil(eta0)
        XCTAssertEqual(rate0, 0)
    }

    /// A line without an estimate says "ETA —", not "ETA 0:00" (`more runs`' first line in a
    /// log read `0/891 … 0.0 steps/s ETA 0:00` before anything ran).
    func testNoEstimateReadsAsADash() {
        let none = ProgressBar.line(label: "runs", done: 0, total: 891, fields: [], rate: 0, unit: "steps", eta: nil)
        XCTAssertTrue(none.hasSuffix("0.0 steps/s  ETA —"), none)
        let some = ProgressBar.line(label: "runs", done: 8, total: 891, fields: [("main", "8/243")], rate: 0.1, unit: "steps", eta: 8830)
        XCTAssertTrue(some.hasPrefix("runs [>"), some)
        XCTAssertTrue(some.hasSuffix("8/891  main 8/243  0.1 steps/s  ETA 2:27:10"), some)
    }

    /// Steps done before the bar started (a resumed run's, `initial`) are shown but are not
    /// progress: no estimate until a step beyond them, then one from the new steps alone.
    func testInitialUnitsAreNotProgress() throws {
        let (_, none) = ProgressBar.estimate(now: Mark(time: 3, done: 50, units: 0), first: nil, total: 243, initial: 50)
        XCTAssertNil(none)
        let (rate, eta) = ProgressBar.estimate(now: Mark(time: 20, done: 60, units: 10), first: nil, total: 243, initial: 50)
        XCTAssertEqual(try XCTUnwrap(eta), 20.0 / 10 * 183, accuracy: 1e-9)
        XCTAssertEqual(rate, 0.5, accuracy: 1e-12)
        let bar = ProgressBar(total: 243, label: "t", initial: 50)
        bar.update(50)
        XCTAssertNil(bar.firstProgress, "the resumed steps open no window")
        bar.update(51)
        XCTAssertEqual(bar.firstProgress?.done, 51)
        XCTAssertEqual(bar.firstProgress?.units, 1, "units count from the bar's start")
    }

    /// The bar records the first update with progress, not an earlier one at zero.
    func testFirstProgressIsTheFirstUpdateWithProgress() {
        let bar = ProgressBar(total: 10, label: "t")
        bar.update(0)
        XCTAssertNil(bar.firstProgress)
        bar.update(3)
        XCTAssertEqual(bar.firstProgress?.done, 3)
        bar.update(5)
        XCTAssertEqual(bar.firstProgress?.done, 3)
    }
}
