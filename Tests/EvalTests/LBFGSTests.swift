// LBFGSTests — the minimiser on a quadratic (exact minimum) and on Rosenbrock's valley.

import XCTest
@testable import Eval

final class LBFGSTests: XCTestCase {
    func testQuadraticMinimum() {
        let r = lbfgs(x0: [5, 5, 5]) { x, g in
            g[0] = 2 * (x[0] - 1); g[1] = 20 * (x[1] + 2); g[2] = 0.2 * x[2]
            return (x[0] - 1) * (x[0] - 1) + 10 * (x[1] + 2) * (x[1] + 2) + 0.1 * x[2] * x[2]
        }
        XCTAssertTrue(r.converged)
        XCTAssertEqual(r.x[0], 1, accuracy: 1e-9)
        XCTAssertEqual(r.x[1], -2, accuracy: 1e-9)
        XCTAssertEqual(r.x[2], 0, accuracy: 1e-9)
    }

    func testRosenbrock() {
        let r = lbfgs(x0: [-1.2, 1], gradientTolerance: 1e-10) { x, g in
            let a = 1 - x[0], b = x[1] - x[0] * x[0]
            g[0] = -2 * a - 400 * x[0] * b
            g[1] = 200 * b
            return a * a + 100 * b * b
        }
        XCTAssertTrue(r.converged)
        XCTAssertEqual(r.x[0], 1, accuracy: 1e-8)
        XCTAssertEqual(r.x[1], 1, accuracy: 1e-8)
        XCTAssertLessThan(r.iterations, 200)
    }
}
