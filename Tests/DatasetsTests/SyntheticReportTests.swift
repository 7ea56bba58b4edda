// SyntheticReportTests — the radiology and cardiology reports, and the labels read from them:
// structure, agreement with the latent state within stated bounds (neither perfect nor random),
// and consistency of every label with the words of its report
// (Sources/Datasets/Synthetic/RadiologyReport.swift, CardiologyReport.swift, ReportWriter.swift).

import XCTest
import TensorCore
import TestSupport
@testable import Datasets

final class SyntheticReportTests: XCTestCase {
    /// 3000 sampled patients with both reports (no images: fast).
    static let patients: [(PatientState, String, ReportMentions, String)] = (0..<3000).map { id in
        var rng = RNG(seed: 11, stream: RNG.stream("patient", id))
        var r = RNG(seed: 11, stream: RNG.stream("patient-report", id))
        let s = PatientState.sample(&rng)
        let (x, m) = ReportWriter.radiology(s.xray, pneumonia: s.conditions.pneumonia != nil, rng: &r)
        return (s, x, m, ReportWriter.cardiology(s.ecg, rng: &r))
    }

    func rate(_ where_: (PatientState) -> Bool, _ what: (PatientState, String, ReportMentions, String) -> Bool) -> Double {
        let sel = Self.patients.filter { where_($0.0) }
        XCTAssertGreaterThan(sel.count, 30, "enough patients for a rate")
        return Double(sel.filter { what($0.0, $0.1, $0.2, $0.3) }.count) / Double(sel.count)
    }

    func testPrefixesAndStructure() {
        XCTAssertEqual(ReportWriter.xrayPrefix, "The report from Xray is: ")
        XCTAssertEqual(ReportWriter.ecgPrefix, "The report from ECG is: ")
        for (_, x, _, e) in Self.patients.prefix(200) {
            XCTAssertTrue(x.hasPrefix("FINDINGS: ") && x.contains(" IMPRESSION: "), x)
            XCTAssertFalse(x.contains("The report from"))
            XCTAssertTrue(e.hasSuffix(" normal ECG.") || e.hasSuffix("Normal ECG.") || e.hasSuffix("Abnormal ECG.") || e.hasSuffix("Borderline ECG."), e)
            XCTAssertFalse(x.contains("  ") || e.contains("  "), "no double spaces")
        }
        XCTAssertGreaterThan(Set(Self.patients.map(\.1)).count, 1500, "phrasing varies")
    }

    func testLabelsAgreeWithTheirReportWords() {
        let words: [ReportMentions.Label: [String]] = [
            .cardiomegaly: ["cardiomegaly", "enlarged", "enlargement"], .edema: ["edema", "congestion", "heart failure"],
            .pleuralEffusion: ["effusion"], .atelectasis: ["atelectasis"], .consolidation: ["consolidation"],
            .pneumonia: ["pneumonia", "infection"], .pneumothorax: ["pneumothorax"], .fracture: ["fracture"],
        ]
        let hedges = ["possible", "may ", "cannot be excluded", "borderline", "top normal", "questionable", "concerning"]
        for (_, text, m, _) in Self.patients {
            let lower = text.lowercased()
            let labels = m.chexpert13
            for (label, ws) in words {
                let v = labels[label.rawValue]
                if v != 0 { XCTAssertTrue(ws.contains { lower.contains($0) }, "\(label) = \(v) but not in: \(text)") }
                if v == -1 { XCTAssertTrue(hedges.contains { lower.contains($0) }, "uncertain \(label) without a hedge: \(text)") }
            }
            let anyFinding = labels.enumerated().contains { $0.offset != 8 && $0.element != 0 }
            XCTAssertEqual(labels[8], anyFinding ? 0 : 1, "No Finding")
        }
    }

    func testRadiologyLabelsMatchTheStateWithinBounds() {
        // Severe enough to be reported: mostly positive, never always (omissions, hedges, synonyms).
        let cm = rate({ $0.xray.cardiomegaly >= 2 }) { _, _, m, _ in m.chexpert13[1] == 1 }
        XCTAssertGreaterThan(cm, 0.8); XCTAssertLessThan(cm, 0.97)
        let mild = rate({ $0.xray.cardiomegaly == 1 }) { _, _, m, _ in m.chexpert13[1] == 1 }
        XCTAssertGreaterThan(mild, 0.5); XCTAssertLessThan(mild, 0.8)
        let eff = rate({ $0.xray.effusion != nil }) { _, _, m, _ in m.chexpert13[9] == 1 }
        XCTAssertGreaterThan(eff, 0.75); XCTAssertLessThan(eff, 0.97)
        let edema = rate({ $0.xray.edema > 0 }) { _, _, m, _ in m.chexpert13[3] == 1 }
        XCTAssertGreaterThan(edema, 0.7); XCTAssertLessThan(edema, 0.97)
        // False positives stay rare.
        let fp = rate({ $0.xray.cardiomegaly == 0 && $0.xray.effusion == nil }) { _, _, m, _ in m.chexpert13[1] == 1 || m.chexpert13[9] == 1 }
        XCTAssertLessThan(fp, 0.01)
        // Cross-modal signal: heart failure shows up in the X-ray labels far more often.
        let hf = rate({ $0.conditions.heartFailure > 0 }) { _, _, m, _ in m.chexpert13[1] == 1 || m.chexpert13[3] == 1 }
        let noHF = rate({ $0.conditions.heartFailure == 0 }) { _, _, m, _ in m.chexpert13[1] == 1 || m.chexpert13[3] == 1 }
        XCTAssertGreaterThan(hf, noHF + 0.4)
    }

    func testCardiologyReportMatchesTheECGWithinBounds() {
        let af = rate({ $0.ecg.atrialFibrillation }) { _, _, _, e in e.contains("Atrial fibrillation") }
        XCTAssertGreaterThan(af, 0.88); XCTAssertLessThan(af, 1)
        let lbbb = rate({ $0.ecg.conduction == .lbbb }) { _, _, _, e in e.contains("Left bundle branch block") }
        XCTAssertEqual(lbbb, 1)
        let mi = rate({ $0.ecg.infarct != nil }) { s, _, _, e in e.lowercased().contains(s.ecg.infarct!.name) || e.contains("STEMI") }
        XCTAssertGreaterThan(mi, 0.7); XCTAssertLessThan(mi, 0.98)
        let lvh = rate({ $0.ecg.voltage >= 1.6 && $0.ecg.conduction != .lbbb }) { _, _, _, e in e.contains("ventricular hypertrophy") || e.contains("LVH") }
        XCTAssertGreaterThan(lvh, 0.95)
        let normal = rate({ $0.conditions.isHealthy && !$0.ecg.hasLVH }) { _, _, _, e in e.hasSuffix("Normal ECG.") && !e.contains("Abnormal") }
        XCTAssertGreaterThan(normal, 0.6)
        // The AF rhythm is not mentioned in the X-ray report; the ECG report never says FINDINGS.
        XCTAssertFalse(Self.patients.contains { $0.3.contains("FINDINGS") || $0.1.contains("fibrillation") })
    }
}
