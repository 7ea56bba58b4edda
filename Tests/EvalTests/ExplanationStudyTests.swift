// ExplanationStudyTests — the synthetic-cohort study end to end on a miniature MoRE: the
// findings, their patients, regions and baselines; missing label sets are typed errors.

import XCTest
import TestSupport
import TensorCore
import Datasets
@testable import MoRE
@testable import Eval

final class ExplanationStudyTests: XCTestCase {
    func testStudyScoresEveryFinding() throws {
        let c = ExplainMicroModel.config(depth: 2)
        let model = MoREModel(config: c, seed: 3)
        let data = ExplainMicroModel.split(6, seed: 5, config: c)
        let (report, details) = try explanationStudy(model: model, split: data, tokenizer: try ExplainMicroModel.tokenizer(),
                                                     options: ExplanationStudyOptions(maxPatients: 4, draws: 50, seed: 1))
        XCTAssertEqual(report.findings.map(\.finding),
                       ["Cardiomegaly", "Pleural Effusion", "Myocardial Infarction", "Myocardial Infarction"])
        XCTAssertEqual(details[0].rows, [0, 1, 2, 3])   // all positive, first 4
        XCTAssertEqual(details[1].rows, [0, 2, 4])      // even rows
        XCTAssertEqual(details[2].rows, [1, 3, 5])      // odd rows
        // Heart box [0.4, 0.8] × [0.5, 0.9] on 16×16: columns 6…12, rows 8…13 → 42 pixels.
        XCTAssertEqual(details[0].scores.rollout.area, 42.0 / 256, accuracy: 1e-12)
        // Beats at 20, 100, 180: QRS–T windows [15, 60) ∪ [95, 140) ∪ [175, 200).
        XCTAssertEqual(details[2].masks[0].filter { $0 }.count, 45 + 45 + 25)
        // ST–T windows [24, 44) ∪ [104, 124) ∪ [184, 200).
        XCTAssertEqual(details[3].masks[0].filter { $0 }.count, 20 + 20 + 16)
        for f in report.findings {
            for s in [f.rollout, f.chefer, f.randomPixel, f.randomToken] {
                XCTAssertTrue((0...1).contains(s.pointing) && (0...1).contains(s.energy), "\(f.finding): \(s)")
            }
            XCTAssertEqual(f.randomPixel.energy, f.randomPixel.area, accuracy: 0.03, f.finding)
        }
        // Each finding's rollout and Chefer scores are those of its own maps and masks, by the
        // definitions written out here (pointing: the first maximum lies in the region; energy:
        // the region's share of the positive part), not merely numbers in [0, 1].
        func byHand(_ maps: [[Float]], _ masks: [[Bool]]) -> (pointing: Double, energy: Double) {
            var hits = 0.0, energy = 0.0
            for (m, k) in zip(maps, masks) {
                let top = m.indices.max { m[$0] < m[$1] || (m[$0] == m[$1] && $0 > $1) }!
                if k[top] { hits += 1 }
                let positive = m.map { Double(max($0, 0)) }, total = positive.reduce(0, +)
                energy += total > 0 ? zip(positive, k).filter { $0.1 }.map(\.0).reduce(0, +) / total : 0
            }
            return (hits / Double(maps.count), energy / Double(maps.count))
        }
        for d in details where !d.rows.isEmpty {
            for (maps, s) in [(d.rolloutMaps, d.scores.rollout), (d.cheferMaps, d.scores.chefer)] {
                let h = byHand(maps, d.masks)
                XCTAssertEqual(s.pointing, h.pointing, accuracy: 1e-12)
                XCTAssertEqual(s.energy, h.energy, accuracy: 1e-9)
            }
        }
        // The same MI patients and explanations serve both ECG regions.
        assertClose(details[2].cheferMaps[0], details[3].cheferMaps[0])
        // Negative controls: no patient without cardiomegaly here; effusion's negatives are the
        // odd rows, MI's the even rows, each scored in its own region.
        XCTAssertNil(report.findings[0].negativeChefer)
        XCTAssertEqual(report.findings[1].negativeChefer?.count, 3)
        XCTAssertEqual(report.findings[2].negativeRollout?.count, 3)
        XCTAssertEqual(report.findings[3].negativeRollout?.count, 3)
        for f in report.findings.dropFirst() {
            for s in [f.negativeRollout!, f.negativeChefer!] {
                XCTAssertTrue((0...1).contains(s.pointing) && (0...1).contains(s.energy) && s.area > 0, "\(f.finding): \(s)")
            }
        }
    }

    /// Without a finding's label set (converted MIMIC pairs carry no PTB-XL labels) the finding
    /// is still explained, on the first patients, but not scored: it is listed as unscored with
    /// the reason instead of failing the whole study.
    func testMissingLabelSetLeavesFindingsUnscoredWithTheReason() throws {
        let c = ExplainMicroModel.config()
        var data = ExplainMicroModel.split(2, seed: 5, config: c)
        data.labels["mimic4"] = nil
        let (report, details) = try explanationStudy(model: MoREModel(config: c, seed: 1), split: data,
                                                     tokenizer: try ExplainMicroModel.tokenizer())
        let mimic = details.filter { $0.unscoredReason?.contains("no mimic4 labels") == true }
        XCTAssertFalse(mimic.isEmpty, "findings of the missing mimic4 set must be marked unscored")
        XCTAssertFalse(report.unscored.isEmpty)
        XCTAssertTrue(report.unscored.allSatisfy { $0.contains("unknown") }, "\(report.unscored)")
        XCTAssertFalse(report.findings.contains { f in mimic.contains { $0.scores.finding == f.finding } },
                       "an unscored finding must not appear among the scored ones")
    }

    /// The one-line summary `more figure figure-attention-*` prints per finding.
    func testSummaryLine() {
        let pe = { (n: Int, p: Double, e: Double, a: Double) in PointingEnergy(count: n, pointing: p, energy: e, area: a) }
        var s = FindingScores(finding: "Cardiomegaly", tower: .xray, prompt: "Cardiomegaly", region: "heart box",
                              rollout: pe(35, 0.0286, 0.1264, 0.121), chefer: pe(35, 0, 0.131, 0.121),
                              randomPixel: pe(35, 0.12, 0.121, 0.121), randomToken: pe(35, 0.114, 0.121, 0.121))
        XCTAssertEqual(s.summary, "Cardiomegaly (xray, heart box, 35 maps): pointing rollout 0.03, Chefer 0.00, random 0.11; "
                       + "energy rollout 0.126, Chefer 0.131; area 0.121")
        s.negativeRollout = pe(100, 0.5, 0.2972, 0.258)
        XCTAssertTrue(s.summary.hasSuffix("; without the finding (100): energy rollout 0.297, area 0.258"), s.summary)
    }
}
