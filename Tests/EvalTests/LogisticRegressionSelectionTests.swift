// LogisticRegressionSelectionTests — C chosen on validation data: noisy features give an interior
// optimum; ties go to the smaller C; per-label choice for multi-label;
// accuracy for multiclass; undefined validation AUROC is an error.

import XCTest
import TestSupport
@testable import Eval
import TensorCore

final class LogisticRegressionSelectionTests: XCTestCase {
    /// n rows, d features; the label depends on feature 0 only, the rest is noise.
    private func data(_ n: Int, _ d: Int, seed: UInt64) -> (FeatureMatrix, [Int]) {
        var rng = RNG(seed: seed, stream: 1)
        let v = (0..<(n * d)).map { _ in rng.normalDouble() }
        let y = (0..<n).map { i in v[i * d] + 0.5 * rng.normalDouble() > 0 ? 1 : 0 }
        return (FeatureMatrix(unchecked: v, rows: n, columns: d), y)
    }

    func testNoisyFeaturesGiveAnInteriorOptimum() throws {
        // 50 rows, 39 noise features: C = 10 overfits, C = 0.001 underfits (validation AUROC
        // 0.757, 0.765, 0.777, 0.767, 0.759 over the grid).
        let (train, y) = data(50, 40, seed: 1)
        let (val, yv) = data(400, 40, seed: 2)
        let sel = try LogisticRegression().fitBinaryWithValidation(train: train, trainLabels: y, validation: val,
                                                                   validationLabels: yv, cGrid: [1e-3, 1e-2, 1e-1, 1, 10])
        XCTAssertEqual(sel.validationScores.count, 5)
        let best = sel.validationScores.map { $0[0] }.max()!
        XCTAssertEqual(sel.validationScores[sel.cGrid.firstIndex(of: sel.chosenC[0])!][0], best)
        XCTAssertEqual(sel.chosenC, [0.1])
        XCTAssertGreaterThan(best, sel.validationScores[0][0])
        XCTAssertGreaterThan(best, sel.validationScores[4][0])
    }

    func testTiesGoToTheSmallerC() {
        XCTAssertEqual(bestIndex([0.5, 0.9, 0.9, 0.2]), 1)
        XCTAssertEqual(bestIndex([.nan, 0.3, .nan]), 1)
        XCTAssertNil(bestIndex([.nan, .nan]))
    }

    func testMultiLabelChoosesPerLabelAndKeepsThatLabelsFit() throws {
        let (train, y) = data(120, 6, seed: 3)
        let (val, yv) = data(200, 6, seed: 4)
        let yFlip = y.map { 1 - $0 }, yvFlip = yv.map { 1 - $0 }
        let grid = [0.01, 1.0]
        let sel = try LogisticRegression().fitMultiLabelWithValidation(
            train: train, trainLabels: zip(y, yFlip).map { [$0, $1] }, validation: val,
            validationLabels: zip(yv, yvFlip).map { [$0, $1] }, cGrid: grid)
        XCTAssertEqual(sel.chosenC.count, 2)
        for k in 0..<2 {
            let g = sel.cGrid.firstIndex(of: sel.chosenC[k])!
            XCTAssertEqual(sel.validationScores[g][k], sel.validationScores.map { $0[k] }.max()!)
            let alone = try LogisticRegression(c: sel.chosenC[k]).fitBinary(train, labels: k == 0 ? y : yFlip)
            assertAllClose(Array(sel.model.weights[(k * 6)..<((k + 1) * 6)]), alone.weights, tol: 1e-6, "label \(k)")
        }
    }

    func testMultinomialUsesAccuracy() throws {
        let x = probeFixtureFeatures(60, 4)
        let labels = LogisticRegressionTests.multinomialLabels
        let sel = try LogisticRegression().fitMultinomialWithValidation(
            train: x.rows(Array(0..<40)), trainLabels: Array(labels[0..<40]), validation: x.rows(Array(40..<60)),
            validationLabels: Array(labels[40..<60]), classes: 3, cGrid: [1, 0.01, 100])
        XCTAssertEqual(sel.cGrid, [0.01, 1, 100])
        for s in sel.validationScores { XCTAssertTrue(s[0] >= 0 && s[0] <= 1) }
        let best = sel.validationScores.map { $0[0] }.max()!
        XCTAssertEqual(sel.validationScores[sel.cGrid.firstIndex(of: sel.chosenC[0])!][0], best)
        XCTAssertGreaterThan(best, 0.6)
    }

    func testSingleClassValidationLabelThrows() throws {
        let (train, y) = data(30, 3, seed: 5)
        let (val, _) = data(10, 3, seed: 6)
        XCTAssertThrowsError(try LogisticRegression().fitBinaryWithValidation(
            train: train, trainLabels: y, validation: val, validationLabels: [Int](repeating: 1, count: 10), cGrid: [1])) {
            XCTAssertTrue("\($0)".contains("one class"))
        }
        XCTAssertThrowsError(try LogisticRegression().fitBinaryWithValidation(
            train: train, trainLabels: y, validation: val, validationLabels: [Int](repeating: 1, count: 10), cGrid: []))
    }
}
