// LinearProbeProtocolTests — the probe on hand-made separable features (AUROC 1), seeded and
// stratified label fractions, multiclass metrics (accuracy, macro-F1, one-vs-rest AUROC), the
// uncertain-row policy, the end-to-end run on a micro model, and input errors.

import XCTest
import TestSupport
import TensorCore
import Datasets
import MoRE
@testable import Eval

final class LinearProbeProtocolTests: XCTestCase {
    let grid = [0.1, 1.0, 10.0]

    /// n rows; class c = i % classes; features = one-hot(c) · 2 + noise (d = 6).
    func separable(_ n: Int, classes: Int, seed: UInt64, multiclass: Bool) throws -> ProbeData {
        var rng = RNG(seed: seed, stream: 0)
        var x: [Float] = []
        var hot: [[Int]] = [], idx: [Int] = []
        for i in 0..<n {
            // Class sizes differ (class 0 twice as frequent) so stratification is visible.
            let c = (i % (classes + 1)) == classes ? 0 : i % (classes + 1)
            x += (0..<6).map { ($0 == c ? 2 : 0) + 0.3 * rng.normal() }
            hot.append((0..<classes).map { $0 == c ? 1 : 0 }); idx.append(c)
        }
        let t = LabelTargets(labelSet: "hand", classNames: (0..<classes).map { "c\($0)" }, rows: Array(0..<n), multiHot: hot,
                             classIndex: multiclass ? idx : nil)
        return try ProbeData(allRows: Tensor(shape: [n, 6], values: x), targets: t)
    }

    func testSeparableMultiLabelGivesAUROCOne() throws {
        let tr = try separable(120, classes: 3, seed: 1, multiclass: false)
        let va = try separable(40, classes: 3, seed: 2, multiclass: false)
        let te = try separable(60, classes: 3, seed: 3, multiclass: false)
        let r = try linearProbe(train: tr, validation: va, test: te, fraction: 1, seed: 42, cGrid: grid)
        XCTAssertEqual(r.aurocPerClass, [1, 1, 1])
        XCTAssertEqual(r.averagePrecisionMacro, 1)
        XCTAssertNil(r.accuracy)
        XCTAssertEqual(r.trainRows.count, 120)
        XCTAssertEqual(r.chosenC.count, 3)
    }

    func testFractionsAreSeededAndStratified() throws {
        let tr = try separable(400, classes: 3, seed: 1, multiclass: true)
        let va = try separable(40, classes: 3, seed: 2, multiclass: true)
        let te = try separable(40, classes: 3, seed: 3, multiclass: true)
        let a = try linearProbe(train: tr, validation: va, test: te, fraction: 0.1, seed: 42, cGrid: grid)
        let b = try linearProbe(train: tr, validation: va, test: te, fraction: 0.1, seed: 42, cGrid: grid)
        let c = try linearProbe(train: tr, validation: va, test: te, fraction: 0.1, seed: 43, cGrid: grid)
        XCTAssertEqual(a.trainRows, b.trainRows)
        XCTAssertEqual(a.testScores, b.testScores)
        XCTAssertNotEqual(a.trainRows, c.trainRows)
        XCTAssertEqual(a.trainRows.count, 40)
        // Class 0 is half of the data (200 of 400), classes 1 and 2 a quarter each.
        let counts = (0..<3).map { k in a.trainRows.filter { tr.targets.classIndex![$0] == k }.count }
        XCTAssertEqual(counts, [20, 10, 10])
        // 1 %: 4 rows, still every class present.
        let one = try linearProbe(train: tr, validation: va, test: te, fraction: 0.01, seed: 42, cGrid: grid)
        XCTAssertEqual(Set(one.trainRows.map { tr.targets.classIndex![$0] }), [0, 1, 2])
    }

    func testMulticlassReportsAccuracyMacroF1AndOneVsRestAUROC() throws {
        let tr = try separable(200, classes: 4, seed: 4, multiclass: true)
        let va = try separable(50, classes: 4, seed: 5, multiclass: true)
        let te = try separable(80, classes: 4, seed: 6, multiclass: true)
        let r = try linearProbe(train: tr, validation: va, test: te, fraction: 1, seed: 42, cGrid: grid)
        XCTAssertEqual(r.accuracy, 1); XCTAssertEqual(r.macroF1, 1)
        XCTAssertEqual(r.aurocPerClass, [1, 1, 1, 1]); XCTAssertEqual(r.aurocMacro, 1)
        XCTAssertNil(r.averagePrecisionMacro)
        for row in r.testScores { XCTAssertEqual(row.reduce(0, +), 1, accuracy: 1e-9) }
        // A row outside the selected classes cannot enter a multiclass probe.
        let other = LabelTargets(labelSet: "hand", classNames: ["c0"], rows: [0, 1], multiHot: [[1], [0]], classIndex: [0, -1])
        let d = try ProbeData(allRows: Tensor(zeros: [2, 6]), targets: other)
        XCTAssertThrowsError(try linearProbe(train: d, validation: d, test: d, fraction: 1, seed: 1, cGrid: grid))
    }

    func testEndToEndOnMicroModelDropsUncertainRows() throws {
        let m = MicroModel.model()
        let tr = EvalSplit(MicroModel.split(24, seed: 1), file: "train.h5")
        let va = EvalSplit(MicroModel.split(12, seed: 2), file: "val.h5")
        let te = EvalSplit(MicroModel.split(12, seed: 3), file: "test.h5")
        let o = LinearProbeOptions(modality: .xray, labelSet: "findings", fractions: [0.1, 1.0], cGrid: grid)
        let r = try m.linearProbe(o, train: tr, validation: va, test: te)
        XCTAssertEqual(r.map(\.fraction), [0.1, 1.0])
        XCTAssertEqual(r[1].trainRows.count, 23, "row 3 has an uncertain (−1) label and is left out")
        XCTAssertEqual(r[1].testLabels.count, 11)
        // Each class's AUROC is that of its own test-score column (NaN when the 11 test rows hold
        // one class only, and then left out of the macro mean), not merely a number in [0, 1].
        for x in r {
            var defined: [Double] = []
            for c in x.classNames.indices {
                let y = x.testLabels.map { $0[c] }, s = x.testScores.map { $0[c] }
                if Set(y).count < 2 { XCTAssertTrue(x.aurocPerClass[c].isNaN, "class \(c) has one label only"); continue }
                XCTAssertEqual(x.aurocPerClass[c], try auroc(labels: y, scores: s), "fraction \(x.fraction), class \(c)")
                defined.append(x.aurocPerClass[c])
            }
            XCTAssertFalse(defined.isEmpty)
            XCTAssertEqual(x.aurocMacro, defined.reduce(0, +) / Double(defined.count), accuracy: 1e-12)
        }
        // Multiclass on the grade set, projected features.
        var g = o
        g.labelSet = "grade"; g.stage = .projected; g.fractions = [1.0]
        let rg = try m.linearProbe(g, train: tr, validation: va, test: te)
        let classes = try XCTUnwrap(rg[0].testClasses)
        let argmax = rg[0].testScores.map { s in s.indices.max { s[$0] < s[$1] }! }
        XCTAssertEqual(try XCTUnwrap(rg[0].accuracy), Double(zip(argmax, classes).filter { $0 == $1 }.count) / Double(classes.count),
                       accuracy: 1e-12, "accuracy is that of the argmax of the test scores")
        XCTAssertEqual(rg[0].classNames, ["none", "mild", "moderate", "severe"])
        // Raw-input baseline through the same protocol.
        let raw = try linearProbe(o, train: (tr, try rawInputFeatures(tr, modality: .ecg)),
                                  validation: (va, try rawInputFeatures(va, modality: .ecg)),
                                  test: (te, try rawInputFeatures(te, modality: .ecg)))
        XCTAssertEqual(raw.count, 2)
        XCTAssertEqual(raw.map(\.trainRows), r.map(\.trainRows), "the same labelled rows at each fraction, whatever the features")
        XCTAssertEqual(raw[1].testLabels, r[1].testLabels)
    }

    /// A multi-label validation split with a class of one label value: its C cannot be chosen
    /// (validation AUROC undefined), so the probe stops with an error naming the file, the set and
    /// the class — from the labels, before any feature (the model is never run). Before: a
    /// ProbeError "validationLabels (label 1): one class only" after every fit. A test split
    /// without a positive is tolerated (its AUROC is nan).
    func testValidationClassWithoutPositivesIsAnErrorBeforeFeatures() throws {
        let tr = EvalSplit(MicroModel.split(24, seed: 1), file: "train.h5"), te = EvalSplit(MicroModel.split(12, seed: 3), file: "test.h5")
        var v = MicroModel.split(12, seed: 2)
        let edema = v.labels["findings"]!.scalars.enumerated().map { $0.offset % 3 == 1 ? 0 : $0.element }
        v.labels["findings"] = Tensor(shape: [12, 3], values: edema)
        let va = EvalSplit(v, file: "/data/mimic4label_val.h5")
        let o = LinearProbeOptions(modality: .xray, labelSet: "findings", fractions: [1.0], cGrid: grid)
        let features = Tensor(shape: [1, 1], values: [0])   // would be rejected: the labels are read first
        for run in [{ _ = try probeTargets(train: tr, validation: va, test: te, o) },
                    { _ = try linearProbe(o, train: (tr, features), validation: (va, features), test: (te, features)) }] {
            XCTAssertThrowsError(try run()) { e in
                guard case EvalError.noUsableRows(let file, "findings", let reason) = e else { return XCTFail("expected noUsableRows, got \(e)") }
                XCTAssertEqual(file, "/data/mimic4label_val.h5")
                XCTAssertTrue(reason.hasPrefix("class 'Edema' has no positive row"), reason)
            }
        }
        XCTAssertNoThrow(try probeTargets(train: va, validation: tr, test: va, o), "a training or test split may lack a positive")
    }

    func testMissingLabelsNameFileAndSet() throws {
        let m = MicroModel.model()
        let s = EvalSplit(MicroModel.split(8, seed: 1), file: "/data/edema_train.h5")
        let o = LinearProbeOptions(modality: .xray, labelSet: "edema_severity")
        XCTAssertThrowsError(try m.linearProbe(o, train: s, validation: s, test: s)) { e in
            XCTAssertTrue("\(e)".contains("/data/edema_train.h5") && "\(e)".contains("edema_severity"), "\(e)")
        }
    }
}
