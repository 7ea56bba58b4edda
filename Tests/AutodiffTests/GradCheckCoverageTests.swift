// GradCheckCoverageTests — every differentiable op has a numerical gradient check that
// really exercises it, and every check in the table passes.
//
// The table is `GradCheckCases.all` (GradCheckTests.swift). A case counts for an op only if
// the op appears on the tape of the checked function (`GradCheckResult.ops`), so a check
// cannot silently test something else.

import XCTest
import TensorCore
@testable import Autodiff

final class GradCheckCoverageTests: XCTestCase {
    func testEveryOpHasAGradientCheck() {
        let table = GradCheckCases.all
        let missing = Op.allCases.filter { (table[$0] ?? []).isEmpty }
        XCTAssertEqual(missing, [], "ops without a gradient check: \(missing.map(\.rawValue))")
    }

    func testEveryGradientCheckPassesAndExercisesItsOp() {
        var total = 0
        for op in Op.allCases {
            for check in GradCheckCases.all[op] ?? [] {
                let r = check.run()
                total += r.checked
                XCTAssertTrue(r.ops.contains(op), "\(op.rawValue) — \(check.name): the tape holds \(r.ops.map(\.rawValue).sorted()), not \(op.rawValue)")
                XCTAssertTrue(r.passed, "\(op.rawValue) — \(check.name): \(r)")
            }
        }
        XCTAssertGreaterThan(total, 0)
    }
}
