// RowSpaceBasisTests — the row-space reduction of wide designs (D > N): the reduced design keeps
// every inner product of the rows, lift/project are inverse on the row space, and a logistic fit
// through it equals the plain fit and scikit-learn's.
//
// The scikit-learn reference (1.9.1) was printed by, with `features` of LogisticRegressionTests:
//
//     X = features(14, 40)
//     y = [int(X[i,0] - X[i,3] + 0.5*X[i,7] + ((i*7919)%17-8)/8.0 > 0) for i in range(14)]
//     m = LogisticRegression(C=0.5, tol=1e-12, max_iter=100000, solver="lbfgs").fit(StandardScaler().fit_transform(X), y)
//     print(m.coef_.ravel().tolist(), m.intercept_.tolist())

import XCTest
import TestSupport
@testable import Eval
import TensorCore

final class RowSpaceBasisTests: XCTestCase {
    /// A wide design with a repeated row (rank N − 1) and its standardised version (centred: rank ≤ N − 1 too).
    func wideDesign(_ n: Int, _ d: Int) -> FeatureMatrix {
        var x = probeFixtureFeatures(n, d)
        for j in 0..<d { x.values[(n - 1) * d + j] = x.values[j] }
        return x
    }

    func testReducedDesignKeepsTheGramMatrix() throws {
        for z in [wideDesign(9, 31), try Standardizer(fitting: probeFixtureFeatures(9, 31)).apply(probeFixtureFeatures(9, 31))] {
            let basis = try XCTUnwrap(RowSpaceBasis(z))
            let n = z.rows, d = z.columns, r = basis.reduced
            XCTAssertEqual(r.columns, n)
            for i in 0..<n {
                for j in 0..<n {
                    var full = 0.0, red = 0.0
                    for k in 0..<d { full += z.values[i * d + k] * z.values[j * d + k] }
                    for k in 0..<n { red += r.values[i * n + k] * r.values[j * n + k] }
                    XCTAssertEqual(red, full, accuracy: 1e-9 * max(1, abs(full)), "Gram[\(i),\(j)]")
                }
                for j in (i + 1)..<n { XCTAssertEqual(r.values[i * n + j], 0, "Rᵀ is lower triangular") }
            }
        }
    }

    func testLiftAndProjectAreInverseOnTheRowSpace() throws {
        let z = wideDesign(6, 20)
        let basis = try XCTUnwrap(RowSpaceBasis(z))
        let n = 6, d = 20
        // w = zᵀ α lies in the row space: project then lift gives it back; z·lift(v) = Rᵀ v.
        let alpha: [Double] = [0.3, -1.2, 0.5, 2.0, -0.7, 0.1]
        var w = [Double](repeating: 0, count: d)
        for i in 0..<n { for k in 0..<d { w[k] += alpha[i] * z.values[i * d + k] } }
        let v = basis.project(w, outputs: 1)
        assertAllClose(basis.lift(v, outputs: 1), w, tol: 1e-10, "lift(project(w))")
        for i in 0..<n {
            var zw = 0.0, rv = 0.0
            for k in 0..<d { zw += z.values[i * d + k] * w[k] }
            for k in 0..<n { rv += basis.reduced.values[i * n + k] * v[k] }
            XCTAssertEqual(rv, zw, accuracy: 1e-9)
        }
        XCTAssertNil(RowSpaceBasis(probeFixtureFeatures(5, 5)), "no reduction unless D > N")
    }

    func testWideBinaryFitMatchesSklearnAndThePlainFit() throws {
        let x = probeFixtureFeatures(14, 40)
        let y = [0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 1, 1]
        let coef = [0.30824058048668806, 0.065493178360138, -0.14292292646010593, -0.19169683667877527, -0.23091697800550753,
                    -0.04540494468053296, 0.10490757882675562, 0.22372877504856384, 0.37678234136756894, 0.2827165254045246,
                    0.24021653187797712, 0.05692672924111651, 0.013149260084210426, -0.24487166978476804, -0.15939965452379745,
                    -0.12995181166696643, 0.06980083837999569, -0.33400993414114155, -0.05635385116501534, -0.13960024735160742,
                    0.2808597995458913, 0.14942686269874336, -0.0860068737295433, -0.13544976406469267, -0.19235010139496772,
                    -0.07762466297822491, 0.2706920733394885, 0.23095537955761347, -0.0705507573191514, -0.11420371276760714,
                    -0.15774375219995115, -0.06493760939749359, -0.04521199644501801, -0.2840390616809212, -0.1905213985738681,
                    -0.004700758081904291, 0.022073150697870414, 0.15274111967901802, -0.3187114689796651, -0.16081201496234052]
        let reduced = try LogisticRegression(c: 0.5).fitBinary(x, labels: y)
        let plain = try LogisticRegression(c: 0.5, reduceRowSpace: false).fitBinary(x, labels: y)
        XCTAssertTrue(reduced.converged)
        assertAllClose(reduced.weights, coef, tol: 1e-6, "reduced fit vs scikit-learn")
        XCTAssertEqual(reduced.intercepts[0], 0.44934008441827955, accuracy: 1e-6)
        assertAllClose(reduced.weights, plain.weights, tol: 1e-6, "reduced vs plain fit")
    }

    /// Multinomial and the validation sweep (warm starts projected into the reduced space)
    /// choose the same C and give the same probabilities as the plain path.
    func testWideSweepMatchesThePlainPath() throws {
        let x = probeFixtureFeatures(30, 64), v = probeFixtureFeatures(50, 64).rows(Array(30..<50))
        func label(_ m: FeatureMatrix, _ i: Int) -> Int {
            let s: Double = m.values[i * 64] - m.values[i * 64 + 5] + 4
            return Int(s * 3 / 8) % 3
        }
        let y = (0..<30).map { label(x, $0) }, yv = (0..<20).map { label(v, $0) }
        let grid = [0.01, 0.1, 1]
        let a = try LogisticRegression().fitMultinomialWithValidation(train: x, trainLabels: y, validation: v, validationLabels: yv,
                                                                      classes: 3, cGrid: grid)
        let b = try LogisticRegression(reduceRowSpace: false).fitMultinomialWithValidation(train: x, trainLabels: y, validation: v,
                                                                                           validationLabels: yv, classes: 3, cGrid: grid)
        XCTAssertEqual(a.chosenC, b.chosenC)
        XCTAssertEqual(a.validationScores, b.validationScores)
        XCTAssertEqual(a.model.iterations, b.model.iterations, "L-BFGS takes the same steps in the reduced space")
        // Probabilities, not raw scores: with separable rows the unpenalised softmax intercepts sit
        // on a nearly flat valley and stop at different points within the tolerance.
        assertAllClose(try a.model.probabilities(v), try b.model.probabilities(v), tol: 1e-6, "validation probabilities")
    }

    /// Columns are updated in parallel: the basis is the same bits for 1 and 2 threads.
    func testDeterministicAcrossThreadCounts() throws {
        let z = probeFixtureFeatures(40, 300)
        let threads = ThreadPool.shared.threadCount
        defer { ThreadPool.shared.setThreadCount(threads) }
        ThreadPool.shared.setThreadCount(1)
        let one = try XCTUnwrap(RowSpaceBasis(z))
        ThreadPool.shared.setThreadCount(2)
        let two = try XCTUnwrap(RowSpaceBasis(z))
        XCTAssertEqual(one.reduced.values, two.reduced.values)
        XCTAssertEqual(one.lift([Double](repeating: 0.5, count: 40), outputs: 1), two.lift([Double](repeating: 0.5, count: 40), outputs: 1))
    }
}
