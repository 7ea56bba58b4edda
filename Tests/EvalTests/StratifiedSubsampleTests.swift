// StratifiedSubsampleTests — sizes, proportions, coverage of rare classes, and determinism.

import XCTest
@testable import Eval

final class StratifiedSubsampleTests: XCTestCase {
    /// 1,000 rows: class 0 × 700, class 1 × 295, class 2 × 5.
    private let labels = (0..<1000).map { $0 < 700 ? 0 : ($0 < 995 ? 1 : 2) }

    func testTenPercentKeepsProportions() throws {
        let s = try stratifiedSubsample(labels: labels, fraction: 0.1, seed: 1)
        let counts = (0..<3).map { c in s.filter { labels[$0] == c }.count }
        XCTAssertEqual(counts, [70, 30, 1])   // quotas 70, 29.5, 0.5: the tied remainder goes to class 1
        XCTAssertEqual(s.count, 101)   // 100 by quota + 1 for class 2's coverage
        XCTAssertEqual(s, s.sorted())
        XCTAssertEqual(Set(s).count, s.count)
    }

    func testOnePercentStillCoversEveryClass() throws {
        let s = try stratifiedSubsample(labels: labels, fraction: 0.01, seed: 1)
        XCTAssertEqual(Set(s.map { labels[$0] }), [0, 1, 2])
        XCTAssertLessThanOrEqual(s.count, 12)
    }

    func testFullFractionIsEverything() throws {
        XCTAssertEqual(try stratifiedSubsample(labels: labels, fraction: 1, seed: 3), Array(0..<1000))
    }

    func testSeededAndSeedDependent() throws {
        let a = try stratifiedSubsample(labels: labels, fraction: 0.1, seed: 7)
        XCTAssertEqual(a, try stratifiedSubsample(labels: labels, fraction: 0.1, seed: 7))
        XCTAssertNotEqual(a, try stratifiedSubsample(labels: labels, fraction: 0.1, seed: 8))
    }

    func testMultiLabelCoversEveryLabel() throws {
        // Label 2 is positive in 3 of 500 rows only.
        let rows = (0..<500).map { i in [i % 2, i % 3 == 0 ? 1 : 0, i < 3 ? 1 : 0] }
        let s = try stratifiedSubsample(labels: rows, fraction: 0.01, seed: 2)
        for k in 0..<3 { XCTAssertTrue(s.contains { rows[$0][k] == 1 }, "label \(k)") }
    }

    func testBadFractionThrows() {
        XCTAssertThrowsError(try stratifiedSubsample(labels: labels, fraction: 0, seed: 1))
        XCTAssertThrowsError(try stratifiedSubsample(labels: labels, fraction: 1.5, seed: 1))
        XCTAssertThrowsError(try stratifiedSubsample(labels: [Int](), fraction: 0.5, seed: 1))
    }
}
