// SyntheticReportTests — the radiology and cardiology reports, and the labels read from them:
// structure, agreement with the latent state within stated bounds (neither perfect nor random),
// and consistency of every label with the words of its report
// (Sources/Datasets/Synthetic/RadiologyReport.swift, RadiologyExtras.swift, CardiologyReport.swift,
// ReportWriter.swift), and the prevalences and links of the added content (PatientExtras.swift).

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
        let af = rate({ $0.ecg.atrialFibrillation && $0.ecg.pacing == nil }) { _, _, _, e in e.contains("Atrial fibrillation") }
        XCTAssertGreaterThan(af, 0.88); XCTAssertLessThan(af, 1)
        let lbbb = rate({ $0.ecg.conduction == .lbbb && $0.ecg.pacing == nil }) { _, _, _, e in e.contains("Left bundle branch block") }
        XCTAssertEqual(lbbb, 1)
        let mi = rate({ $0.ecg.infarct != nil && $0.ecg.pacing == nil }) { s, _, _, e in e.lowercased().contains(s.ecg.infarct!.name) || e.contains("STEMI") }
        XCTAssertGreaterThan(mi, 0.7); XCTAssertLessThan(mi, 0.98)
        let lvh = rate({ $0.ecg.voltage >= 1.6 && $0.ecg.conduction != .lbbb && $0.ecg.pacing == nil }) { _, _, _, e in e.contains("ventricular hypertrophy") || e.contains("LVH") }
        XCTAssertGreaterThan(lvh, 0.95)
        let normal = rate({ $0.conditions.isHealthy && !$0.ecg.hasLVH }) { _, _, _, e in e.hasSuffix("Normal ECG.") && !e.contains("Abnormal") }
        // Axis, premature complexes, borderline QT and sinus arrhythmia make some healthy tracings borderline.
        XCTAssertGreaterThan(normal, 0.45); XCTAssertLessThan(normal, 0.8)
        // The AF rhythm is not mentioned in the X-ray report; the ECG report never says FINDINGS.
        XCTAssertFalse(Self.patients.contains { $0.3.contains("FINDINGS") || $0.1.contains("fibrillation") })
    }

    func testSupportDevicesArePrevalentLinkedAndStated() {
        let any = rate({ _ in true }) { s, _, _, _ in s.xray.devices.any }
        XCTAssertGreaterThan(any, 0.22); XCTAssertLessThan(any, 0.38, "MIMIC-like: a quarter to a third of studies")
        // The pacemaker is the X-ray ↔ ECG link: most pacemaker patients have a paced ECG.
        let paced = rate({ $0.conditions.pacemaker != nil }) { s, _, _, e in s.ecg.pacing != nil && e.contains("paced rhythm") }
        XCTAssertGreaterThan(paced, 0.75); XCTAssertLessThan(paced, 0.95)
        let withCD = rate({ $0.conditions.conduction == .lbbb || $0.conditions.conduction == .avBlock1 }) { s, _, _, _ in s.conditions.pacemaker != nil }
        let withoutCD = rate({ $0.conditions.conduction == .none }) { s, _, _, _ in s.conditions.pacemaker != nil }
        XCTAssertGreaterThan(withCD, 3 * withoutCD, "conduction disease makes a pacemaker more likely")
        // The label agrees with the report's words and is right most of the time.
        let words = ["tube", "catheter", "PICC", "pacemaker", "ICD", "sternotomy"]
        for (s, x, m, _) in Self.patients {
            XCTAssertEqual(m.supportDevices == 1, words.contains { x.contains($0) }, x)
            if !s.xray.devices.any { XCTAssertNil(m.supportDevices, x) }
        }
        let stated = rate({ $0.xray.devices.any }) { _, _, m, _ in m.supportDevices == 1 }
        XCTAssertGreaterThan(stated, 0.88); XCTAssertLessThan(stated, 1)
        let ett = rate({ $0.xray.devices.ettAboveCarina != nil }) { s, x, _, _ in
            let cm = s.xray.devices.ettAboveCarina!
            return x.contains("\(cm == cm.rounded() ? String(Int(cm)) : String(cm)) cm above the carina")
        }
        XCTAssertGreaterThan(ett, 0.85, "the tube position is stated")
        let view = rate({ $0.xray.portableAP }) { _, x, _, _ in x.contains("AP") }
        XCTAssertGreaterThan(view, 0.85)
        let low = rate({ $0.xray.lungVolume < 0 }) { _, x, _, _ in x.contains("ow lung volumes") || x.contains("volumes are low") }
        XCTAssertGreaterThan(low, 0.8); XCTAssertLessThan(low, 0.95)
    }

    func testECGStatementsFollowTheRenderedRhythmRateAndAxis() {
        for (s, _, _, e) in Self.patients {
            let hr = Int(s.ecg.heartRate.rounded())
            XCTAssertTrue(e.hasPrefix("Vent. rate \(hr) BPM. "), e)
            if s.ecg.pacing == nil && !s.ecg.atrialFibrillation {
                if hr > 100 { XCTAssertTrue(e.contains("Sinus tachycardia"), e) }
                if s.ecg.heartRate < 60 { XCTAssertTrue(e.contains("Sinus bradycardia"), e) }
                if ECGSynth.frontalAxis(s.ecg) < -30 { XCTAssertTrue(e.contains("Left axis deviation"), e) }
                if ECGSynth.frontalAxis(s.ecg) > 100 { XCTAssertTrue(e.contains("Right axis deviation"), e) }
            }
            XCTAssertEqual(s.ecg.pacing != nil, e.contains("paced"), e)
        }
        let pvc = rate({ $0.ecg.pvcs > 0 }) { _, _, _, e in e.contains("Ventricular premature complex") }
        XCTAssertGreaterThan(pvc, 0.9); XCTAssertLessThan(pvc, 1)
        let qt = rate({ $0.ecg.qtc >= 0.47 && $0.ecg.pacing == nil }) { _, _, _, e in e.contains("Prolonged QT") }
        XCTAssertGreaterThan(qt, 0.75)
        let lowV = rate({ $0.ecg.voltage < 0.72 && $0.ecg.pacing == nil && $0.ecg.conduction != .lbbb }) { _, _, _, e in e.contains("Low") && e.contains("voltage") }
        XCTAssertGreaterThan(lowV, 0.85)
    }
}
