// ZeroShotTests — prompt vocabulary and seeded sampling, the authors' max + z-score scoring
// checked by hand, CLIP-style scoring, perfect AUROC on a hand-made aligned embedding space,
// label handling (4 classes with Consolidation rows as negatives, single-label accuracy), the
// end-to-end run on a micro model, and errors naming the missing label set.

import XCTest
import TestSupport
import TensorCore
import Datasets
import MoRE
@testable import Eval

final class ZeroShotTests: XCTestCase {
    func testPromptPoolsMatchTheVocabulary() {
        XCTAssertEqual(Prompts.atelectasis.pool.count, 210)
        XCTAssertEqual(Prompts.cardiomegaly.pool.count, 15)
        XCTAssertEqual(Prompts.edema.pool.count, 18)
        XCTAssertEqual(Prompts.pleuralEffusion.pool.count, 54)
        XCTAssertEqual(Prompts.consolidation.pool.count, 72)
        XCTAssertTrue(Prompts.cardiomegaly.pool.contains(" cardiomegaly unchanged "))
        XCTAssertTrue(Prompts.pleuralEffusion.pool.contains("small left bilateral pleural effusion"))
        XCTAssertEqual(Prompts.atelectasis.pool.first, " subsegmental atelectasis at the mid lung zone")
        XCTAssertEqual(Prompts.edema.pool.last, "decreased pulmonary interstitial edema ")
    }

    func testSamplingIsSeededAndPerClass() throws {
        let a = try Prompts.cheXpertPrompts(Prompts.cheXpert4)
        XCTAssertEqual(a, try Prompts.cheXpertPrompts(Prompts.cheXpert4), "same seed, same prompts")
        XCTAssertNotEqual(a, try Prompts.cheXpertPrompts(Prompts.cheXpert4, seed: 7))
        for (k, c) in Prompts.cheXpert4.enumerated() {
            XCTAssertEqual(a[k].count, 5)
            // Pleural Effusion's pool lists "bilateral pleural effusion" twice, so repeats can occur there.
            if c != "Pleural Effusion" { XCTAssertEqual(Set(a[k]).count, 5, c) }
            XCTAssertTrue(a[k].allSatisfy { Prompts.cheXpert[c]!.pool.contains($0) })
        }
        // A class's prompts do not depend on the other classes evaluated.
        let five = try Prompts.cheXpertPrompts(Prompts.cheXpert5)
        XCTAssertEqual(five[0], a[0]); XCTAssertEqual(five[4], a[3])
        XCTAssertThrowsError(try Prompts.cheXpertPrompts(["Pneumothorax"])) { XCTAssertTrue("\($0)".contains("Pneumothorax")) }
        XCTAssertEqual(try Prompts.ptbxlPrompts(["NORM", "STTC", "MI", "HYP", "CD"]).map { $0[0] },
                       ["Normal ECG", "ST T Change", "Myocardial Infarction", "Hypertrophy", "Conduction Disturbance"])
    }

    func testAuthorsScoringIsMaxThenPopulationZScore() {
        // One class, 3 rows, 2 prompts: max = [0.3, 0.5, 0.9]; mean 17/30; population std.
        let s = authorsZeroShotScores([[[0.1, 0.3], [0.5, 0.2], [0.9, 0.0]]])
        let m = [0.3, 0.5, 0.9], mean = m.reduce(0, +) / 3
        let std = (m.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 3).squareRoot()
        for i in 0..<3 { XCTAssertEqual(s[i][0], (m[i] - mean) / std, accuracy: 1e-12) }
        XCTAssertEqual(s.map { $0[0] }.reduce(0, +), 0, accuracy: 1e-12)
        // Constant scores (std 0) give 0, not NaN.
        XCTAssertEqual(authorsZeroShotScores([[[0.2], [0.2]]]).map { $0[0] }, [0, 0])
    }

    /// Rows of class c are e_c + noise; prompts of class c are e_c + other noise.
    func alignedSpace(rowsPerClass: Int, classes: Int, d: Int = 8) -> (Tensor, [Tensor], LabelTargets) {
        var rng = RNG(seed: 3, stream: 0)
        var rows: [Float] = [], hot: [[Int]] = [], idx: [Int] = []
        for i in 0..<(rowsPerClass * classes) {
            let c = i % classes
            rows += (0..<d).map { ($0 == c ? 1 : 0) + 0.2 * rng.normal() }
            hot.append((0..<classes).map { $0 == c ? 1 : 0 }); idx.append(c)
        }
        let prompts = (0..<classes).map { c in
            Tensor(shape: [3, d], values: (0..<(3 * d)).map { ($0 % d == c ? 1 : 0) + 0.1 * rng.normal() })
        }
        let t = LabelTargets(labelSet: "hand", classNames: (0..<classes).map { "c\($0)" }, rows: Array(0..<idx.count),
                             multiHot: hot, classIndex: idx)
        return (Tensor(shape: [idx.count, d], values: rows), prompts, t)
    }

    func testAlignedSpaceGivesPerfectAUROCForBothScorings() throws {
        let (rows, prompts, t) = alignedSpace(rowsPerClass: 10, classes: 4)
        for scoring in ZeroShotScoring.allCases {
            let r = try zeroShotEvaluate(task: "hand", rows: rows, prompts: prompts, targets: t, scoring: scoring, temperature: 0.02)
            XCTAssertEqual(r.aurocPerClass, [1, 1, 1, 1], "\(scoring)")
            XCTAssertEqual(r.aurocMacro, 1); XCTAssertEqual(r.averagePrecisionMacro, 1)
            XCTAssertEqual(r.accuracy, 1)
            if scoring == .clip { for row in r.scores { XCTAssertEqual(row.reduce(0, +), 1, accuracy: 1e-12) } }
        }
        // Prompts of the wrong classes (shifted by one): AUROC collapses.
        let shifted = Array(prompts[1...]) + [prompts[0]]
        let bad = try zeroShotEvaluate(task: "hand", rows: rows, prompts: shifted, targets: t, scoring: .authors, temperature: 0.02)
        XCTAssertLessThan(bad.aurocMacro, 0.5)
    }

    func testFourClassTaskKeepsConsolidationRowsAsNegatives() throws {
        var s = MicroModel.split(10, seed: 5)
        s.labels["chexpert5_class"] = Tensor(shape: [10], values: [0, 1, 2, 3, 4, 0, 1, 2, 3, 4])
        s.labelNames["chexpert5_class"] = CohortLabels.chexpert5Names
        let t = try LabelTargets(s, labelSet: "chexpert5_class", file: "cx.h5", classes: Prompts.cheXpert4, protocolName: "zs")
        XCTAssertEqual(t.rows, Array(0..<10))
        XCTAssertEqual(t.multiHot[2], [0, 0, 0, 0], "a Consolidation image is negative for all four")
        XCTAssertEqual(t.multiHot[3], [0, 0, 1, 0])
        XCTAssertEqual(t.classIndex, [0, 1, -1, 2, 3, 0, 1, -1, 2, 3])
        let dropped = try LabelTargets(s, labelSet: "chexpert5_class", file: "cx.h5", classes: Prompts.cheXpert4,
                                       otherClassRows: .drop, protocolName: "zs")
        XCTAssertEqual(dropped.rows, [0, 1, 3, 4, 5, 6, 8, 9])
    }

    func testEndToEndOnMicroModel() throws {
        let m = MicroModel.model(), tok = try MicroModel.tokenizer()
        var s = MicroModel.split(10, seed: 6)
        s.labels["chexpert5_class"] = Tensor(shape: [10], values: [0, 1, 2, 3, 4, 0, 1, 2, 3, 4])
        s.labelNames["chexpert5_class"] = CohortLabels.chexpert5Names
        let results = try m.zeroShot(try .cheXpert(classes: 5), split: s, file: "cx.h5", tokenizer: tok)
        XCTAssertEqual(results.map(\.scoring), [.authors, .clip])
        for r in results {
            XCTAssertEqual(r.classNames, Prompts.cheXpert5)
            XCTAssertEqual(r.scores.count, 10)
            // The targets are the split's classes, one-vs-rest; each class's AUROC and the macro
            // mean are those of its own score column (not merely numbers in [0, 1]).
            XCTAssertEqual(r.labels.map { $0.firstIndex(of: 1) }, [0, 1, 2, 3, 4, 0, 1, 2, 3, 4])
            for c in 0..<5 {
                XCTAssertEqual(r.aurocPerClass[c], try auroc(labels: r.labels.map { $0[c] }, scores: r.scores.map { $0[c] }),
                               "\(r.scoring) class \(c)")
            }
            XCTAssertEqual(r.aurocMacro, r.aurocPerClass.reduce(0, +) / 5, accuracy: 1e-12)
            let argmax = r.scores.map { s in s.indices.max { s[$0] < s[$1] }! }
            XCTAssertEqual(try XCTUnwrap(r.accuracy), Double(zip(argmax, [0, 1, 2, 3, 4, 0, 1, 2, 3, 4]).filter { $0 == $1 }.count) / 10,
                           accuracy: 1e-12)
        }
        // Deterministic: the same call gives the same scores.
        XCTAssertEqual(try m.zeroShot(try .cheXpert(classes: 5), split: s, file: "cx.h5", tokenizer: tok)[0].scores, results[0].scores)
        // Embeddings of every row given by the caller: the same scores; a wrong shape is an error.
        let z = try m.embed(s, modality: .xray, file: "cx.h5")
        XCTAssertEqual(try m.zeroShot(try .cheXpert(classes: 5), split: s, file: "cx.h5", tokenizer: tok, embeddings: z).map(\.scores),
                       results.map(\.scores))
        XCTAssertThrowsError(try m.zeroShot(try .cheXpert(classes: 5), split: s, file: "cx.h5", tokenizer: tok,
                                            embeddings: selectRows(z, [0, 1]))) { e in
            XCTAssertTrue("\(e)".contains("cx.h5") && "\(e)".contains("[10, 128]"), "\(e)")
        }
    }

    /// `--prompt-form report`: the prompt as its modality's report in the prefixed training pair,
    /// the other report empty; its embedding is that of the pair, not of the prompt alone.
    func testReportPromptFormEncodesTheTrainingPair() throws {
        XCTAssertEqual(ZeroShotPromptForm.alone.segments("mild edema", modality: .xray).0, "mild edema")
        XCTAssertNil(ZeroShotPromptForm.alone.segments("mild edema", modality: .xray).1)
        let x = ZeroShotPromptForm.report.segments("mild edema", modality: .xray)
        XCTAssertEqual(x.0, "The report from Xray is: mild edema")
        XCTAssertEqual(x.1, "The report from ECG is: ")
        let e = ZeroShotPromptForm.report.segments("Normal ECG", modality: .ecg)
        XCTAssertEqual(e.0, "The report from Xray is: ")
        XCTAssertEqual(e.1, "The report from ECG is: Normal ECG")

        let m = MicroModel.model(), tok = try MicroModel.tokenizer()
        var s = MicroModel.split(10, seed: 6)
        s.labels["chexpert5_class"] = Tensor(shape: [10], values: [0, 1, 2, 3, 4, 0, 1, 2, 3, 4])
        s.labelNames["chexpert5_class"] = CohortLabels.chexpert5Names
        var task = try ZeroShotTask.cheXpert(classes: 5)
        let alone = try m.zeroShot(task, split: s, file: "cx.h5", tokenizer: tok, scorings: [.clip])[0].scores
        task.promptForm = .report
        let report = try m.zeroShot(task, split: s, file: "cx.h5", tokenizer: tok, scorings: [.clip])[0].scores
        XCTAssertNotEqual(alone, report, "the prompts must be encoded differently")
        let pair = try m.embedStrings([x.0], pairedWith: [x.1!], tokenizer: tok)
        let single = try m.embedStrings(["mild edema"], tokenizer: tok)
        XCTAssertNotEqual(pair.scalars, single.scalars)
    }

    func testMissingLabelSetNamesFileAndSet() throws {
        let m = MicroModel.model(), tok = try MicroModel.tokenizer(), s = MicroModel.split(6, seed: 7)
        XCTAssertThrowsError(try m.zeroShot(try .ptbxl(singleLabel: true), split: s, file: "/data/ptbxl_test.h5", tokenizer: tok)) { e in
            guard case let EvalError.missingLabels(file, set, _, available)? = e as? EvalError else { return XCTFail("\(e)") }
            XCTAssertEqual(file, "/data/ptbxl_test.h5"); XCTAssertEqual(set, "ptbxl_super_single")
            XCTAssertEqual(Set(available), ["findings", "grade"])
            XCTAssertTrue("\(e)".contains("ptbxl_super_single") && "\(e)".contains("/data/ptbxl_test.h5"))
        }
        XCTAssertThrowsError(try LabelTargets(s, labelSet: "findings", file: "f.h5", classes: ["Edema", "Atelectasis"],
                                              protocolName: "zs")) { e in
            XCTAssertTrue("\(e)".contains("Atelectasis") && "\(e)".contains("findings"), "\(e)")
        }
    }
}
