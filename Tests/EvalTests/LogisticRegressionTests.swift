// LogisticRegressionTests — binary and multinomial fits against scikit-learn 1.9.1 coefficients
// (same objective: StandardScaler, then LogisticRegression(C, lbfgs, tol 1e-12)), multi-label =
// independent binary fits, determinism across thread counts, and input errors.
//
// The reference numbers below were printed by this script (python3 with scikit-learn 1.9.1):
//
//     import numpy as np
//     from sklearn.linear_model import LogisticRegression
//     from sklearn.preprocessing import StandardScaler
//     def features(n, d):
//         return np.array([[((i * 37 + j * 91 + (i * j) % 13) % 101) / 25.0 - 2.0 for j in range(d)]
//                          for i in range(n)])
//     def fit(X, y, C):
//         Z = StandardScaler().fit_transform(X)
//         return LogisticRegression(C=C, tol=1e-12, max_iter=100000, solver="lbfgs").fit(Z, y)
//     X = features(60, 5)
//     yb = [int(3 * r[0] - 2 * r[1] + r[2] + ((i * 7919) % 17 - 8) / 4.0 > 0) for i, r in enumerate(X)]
//     Xm = features(60, 4)
//     ym = [int(np.argmax([r[0] - r[1], r[2] + 0.3 * r[3], -r[0] + ((i * 31) % 7 - 3) / 3.0]))
//           for i, r in enumerate(Xm)]
//     for C in (0.05, 1.0): m = fit(X, yb, C); print(m.coef_.ravel().tolist(), m.intercept_.tolist())
//     for C in (0.05, 1.0): m = fit(Xm, ym, C); print(m.coef_.ravel().tolist(), m.intercept_.tolist())

import XCTest
import TestSupport
@testable import Eval
import TensorCore

/// The deterministic feature grid of the script: [n, d].
func probeFixtureFeatures(_ n: Int, _ d: Int) -> FeatureMatrix {
    var v = [Double]()
    for i in 0..<n { for j in 0..<d { v.append(Double((i * 37 + j * 91 + (i * j) % 13) % 101) / 25.0 - 2.0) } }
    return FeatureMatrix(unchecked: v, rows: n, columns: d)
}

final class LogisticRegressionTests: XCTestCase {
    static let binaryLabels = [0, 1, 1, 1, 0, 1, 0, 1, 1, 0, 0, 0, 1, 1, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 1, 0, 0, 1, 0, 1,
                               1, 0, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 1, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 1, 0, 1]
    static let multinomialLabels = [1, 2, 0, 1, 2, 1, 2, 0, 1, 2, 1, 2, 0, 0, 1, 0, 1, 2, 2, 1, 2, 1, 1, 2, 1, 2, 0, 1, 0, 0,
                                    1, 2, 1, 1, 2, 1, 2, 2, 1, 2, 0, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 1, 1, 2, 1, 2, 0, 1, 2, 0]

    func testBinaryMatchesSklearn() throws {
        let x = probeFixtureFeatures(60, 5)
        let cases: [(Double, [Double], Double)] = [
            (0.05, [0.4856487746469215, 0.22792045824923304, 0.2813240987194086, 0.0648497164255158, -0.14772901317403248],
             -0.0014360748921990487),
            (1.0, [1.621738899314728, -0.19755264461529004, 0.9295655551841148, 0.16783681842440357, -0.38410686016159074],
             -0.022491303219265606),
        ]
        for (c, coef, intercept) in cases {
            let m = try LogisticRegression(c: c).fitBinary(x, labels: Self.binaryLabels)
            XCTAssertTrue(m.converged)
            assertAllClose(m.weights, coef, tol: 1e-6, "binary C=\(c) weights")
            XCTAssertEqual(m.intercepts[0], intercept, accuracy: 1e-6)
        }
    }

    func testMultinomialMatchesSklearn() throws {
        let x = probeFixtureFeatures(60, 4)
        let cases: [(Double, [Double], [Double])] = [
            (0.05, [0.10406912530811248, 0.0006370184164680364, -0.10627995378001255, -0.22779083097151004,
                    0.19247952175814637, 0.20695215369007197, 0.44827707840557857, 0.2893117791968216,
                    -0.2965486470662587, -0.20758917210653993, -0.3419971246255659, -0.061520948225311456],
             [-0.2045429231126308, 0.12931557783457653, 0.07522734527805425]),
            (1.0, [0.610995593884525, -0.2226944912021902, -0.43978453434094006, -0.7010771860615634,
                   0.7393112623261651, 0.3613423032681837, 1.3836976764605362, 1.0083236656680212,
                   -1.3503068562106904, -0.13864781206599355, -0.9439131421195958, -0.30724647960645796],
             [0.13464326166086824, -0.23507619349204237, 0.10043293183117463]),
        ]
        for (c, coef, intercepts) in cases {
            let m = try LogisticRegression(c: c).fitMultinomial(x, labels: Self.multinomialLabels, classes: 3)
            XCTAssertTrue(m.converged)
            assertAllClose(m.weights, coef, tol: 1e-6, "multinomial C=\(c) weights")
            assertAllClose(m.intercepts, intercepts, tol: 1e-6, "multinomial C=\(c) intercepts")
            let p = try m.probabilities(x)
            for i in 0..<60 { XCTAssertEqual(p[3 * i] + p[3 * i + 1] + p[3 * i + 2], 1, accuracy: 1e-12) }
        }
    }

    func testRawCoefficientsGiveTheSameScores() throws {
        let x = probeFixtureFeatures(60, 5)
        let m = try LogisticRegression(c: 1).fitBinary(x, labels: Self.binaryLabels)
        let raw = m.rawCoefficients
        let s = try m.decisionFunction(x)
        for i in 0..<60 {
            var t = raw.intercepts[0]
            for j in 0..<5 { t += raw.weights[j] * x.values[i * 5 + j] }
            XCTAssertEqual(s[i], t, accuracy: 1e-12)
        }
    }

    func testMultiLabelEqualsSeparateBinaryFits() throws {
        let x = probeFixtureFeatures(60, 5)
        let second = Self.multinomialLabels.map { $0 == 2 ? 1 : 0 }
        let joint = try LogisticRegression(c: 0.3).fitMultiLabel(x, labels: zip(Self.binaryLabels, second).map { [$0, $1] })
        let a = try LogisticRegression(c: 0.3).fitBinary(x, labels: Self.binaryLabels)
        let b = try LogisticRegression(c: 0.3).fitBinary(x, labels: second)
        assertAllClose(joint.weights, a.weights + b.weights, tol: 1e-7, "joint vs separate")
        assertAllClose(joint.intercepts, a.intercepts + b.intercepts, tol: 1e-7, "intercepts")
    }

    func testBitwiseIdenticalForAnyThreadCount() throws {
        // Wide enough (600 columns) for several column blocks of the Xᵀr kernel.
        var rng = RNG(seed: 9, stream: 3)
        let n = 80, d = 600
        let x = try FeatureMatrix((0..<(n * d)).map { _ in rng.normalDouble() }, rows: n, columns: d)
        let y = (0..<n).map { i in x.values[i * d] + x.values[i * d + 1] > 0 ? 1 : 0 }
        let a = try LogisticRegression(c: 0.1).fitBinary(x, labels: y)
        let threads = ThreadPool.shared.threadCount
        ThreadPool.shared.setThreadCount(threads == 1 ? 2 : 1)
        defer { ThreadPool.shared.setThreadCount(threads) }
        let b = try LogisticRegression(c: 0.1).fitBinary(x, labels: y)
        XCTAssertEqual(a.weights, b.weights)
        XCTAssertEqual(a.intercepts, b.intercepts)
    }

    func testBadInputThrows() throws {
        let x = probeFixtureFeatures(4, 2)
        XCTAssertThrowsError(try LogisticRegression().fitBinary(x, labels: [0, 1, 2, 0])) {
            XCTAssertEqual($0 as? ProbeError, .invalidLabel(field: "labels", index: 2, value: 2))
        }
        XCTAssertThrowsError(try LogisticRegression().fitBinary(x, labels: [0, 1]))
        XCTAssertThrowsError(try LogisticRegression(c: 0).fitBinary(x, labels: [0, 1, 1, 0]))
        XCTAssertThrowsError(try LogisticRegression().fitMultinomial(x, labels: [0, 1, 3, 0], classes: 3))
        XCTAssertThrowsError(try FeatureMatrix([1, .nan, 0, 0], rows: 2, columns: 2)) {
            XCTAssertEqual($0 as? ProbeError, .nonFinite(field: "features", row: 0, column: 1))
        }
        XCTAssertThrowsError(try FeatureMatrix([1, 2, 3], rows: 2, columns: 2))
        let m = try LogisticRegression().fitBinary(x, labels: [0, 1, 1, 0])
        XCTAssertThrowsError(try m.decisionFunction(probeFixtureFeatures(3, 3)))
    }
}
