// PatientExtras — the patient-specific content real reports carry beyond the main findings:
// support devices, lung volumes, aortic and incidental findings on the X-ray; axis, ectopy,
// pacing, QT and sinus arrhythmia on the ECG; and the conditions that cause them (COPD,
// obesity, prior bypass surgery, pacemaker, intubation).
//
// Sampled after the main state from the same patient stream (`PatientState.sample`), so the
// main conditions and findings of a patient are the same as without the extras. Prevalences
// (pre-training population): ≥ 1 support device ≈ 30 % (endotracheal tube ≈ 7 %, enteric tube,
// central line/PICC ≈ 13 %, pacemaker/ICD ≈ 6 %, sternotomy ≈ 7 %), low lung volumes ≈ 15 %,
// COPD ≈ 8 %, premature complexes ≈ 6 % each, prolonged QT ≈ 6 %.
//
// Deliberately not here: drawing (XrayDevices, ECGSynth), text (the report writers).

import Foundation
import TensorCore

/// Kind of implanted cardiac device (generator in the left upper chest).
public enum PacerKind: Int, Sendable {
    case singleChamber, dualChamber, icd
}

/// Pacing mode seen on the ECG of a patient with a pacemaker.
public enum PacingMode: Int, Sendable {
    /// VVI: paced ventricular beats at the lower rate, no P waves driving them.
    case ventricular
    /// VDD/DDD tracking sinus P waves: "Atrial-sensed ventricular-paced rhythm".
    case atrialSensed
    /// DDD pacing both chambers: "AV dual-paced rhythm".
    case dualPaced
}

/// Central venous access route.
public enum CentralLine: Int, Sendable {
    case rightIJ, leftSubclavian, rightPICC, leftPICC
    public var name: String { ["right internal jugular central venous catheter", "left subclavian central venous catheter",
                               "right-sided PICC line", "left-sided PICC line"][rawValue] }
}

/// Tubes, lines and implanted devices visible on a chest X-ray.
public struct SupportDevices: Sendable, Equatable {
    /// Endotracheal tube: tip distance above the carina (cm, 0.5 cm steps), nil when absent.
    public var ettAboveCarina: Float? = nil
    /// Enteric (nasogastric) tube with its tip in the stomach.
    public var enteric = false
    /// Central line and its tip: 0 mid SVC, 1 cavoatrial junction, 2 right atrium.
    public var centralLine: CentralLine? = nil
    public var lineTip = 0
    public var pacer: PacerKind? = nil
    /// Median sternotomy wires (post-CABG).
    public var sternotomy = false

    /// At least one support device (the CheXpert "Support Devices" finding).
    public var any: Bool { ettAboveCarina != nil || enteric || centralLine != nil || pacer != nil || sternotomy }

    public static let lineTipNames = ["mid SVC", "cavoatrial junction", "right atrium"]
}

extension PatientState {
    /// Samples the added conditions and their X-ray / ECG findings (see the file header).
    static func sampleExtras(_ s: inout PatientState, _ rng: inout RNG) {
        var c = s.conditions
        let a = (c.age - 60) / 15
        let hf: Float = c.heartFailure > 0 ? 1 : 0
        c.copd = rng.bernoulli(sigmoid(-2.7 + 0.7 * a + 0.3 * (c.male ? 1 : 0)))
        c.obese = rng.bernoulli(0.18)
        c.cabg = (c.infarct != nil || c.ischemia) && rng.bernoulli(0.35 + 0.1 * a)
        let cd: Float = c.conduction == .lbbb || c.conduction == .avBlock1 ? 2.2 : c.conduction == .rbbb ? 1.2 : 0
        if rng.bernoulli(sigmoid(-4.6 + 0.6 * a + cd + 1.2 * (c.atrialFibrillation ? 1 : 0) + 1.0 * hf)) {
            let u = rng.uniform()
            c.pacemaker = hf > 0 && u < 0.35 ? .icd : c.atrialFibrillation || u < 0.55 ? .singleChamber : .dualChamber
        }
        c.intubated = rng.bernoulli(0.03 + 0.22 * (c.heartFailure == 3 ? 1 : 0) + 0.14 * (c.pneumonia != nil ? 1 : 0)
                                    + 0.2 * (c.infarctAcute ? 1 : 0) + 0.05 * (c.copd ? 1 : 0))
        s.conditions = c

        // X-ray.
        var x = s.xray
        var d = SupportDevices()
        if c.intubated {
            x.portableAP = true
            d.ettAboveCarina = (rng.uniform(1.5, 7.5) * 2).rounded() / 2
            d.enteric = rng.bernoulli(0.8)
        } else {
            d.enteric = rng.bernoulli(0.02 + 0.04 * hf)
        }
        if rng.bernoulli(c.intubated ? 0.65 : 0.05 + 0.1 * hf + 0.06 * (c.pneumonia != nil ? 1 : 0)) {
            let u = rng.uniform()
            d.centralLine = u < 0.4 ? .rightIJ : u < 0.55 ? .leftSubclavian : u < 0.85 ? .rightPICC : .leftPICC
            let t = rng.uniform()
            d.lineTip = t < 0.55 ? 0 : t < 0.85 ? 1 : 2
        }
        d.pacer = c.pacemaker
        d.sternotomy = c.cabg
        x.devices = d
        if d.ettAboveCarina != nil || d.centralLine != nil { x.portableAP = x.portableAP || rng.bernoulli(0.7) }
        if c.copd && rng.bernoulli(0.75) {
            x.lungVolume = 1
        } else if rng.bernoulli(0.07 + (c.obese ? 0.35 : 0) + 0.1 * hf + (x.portableAP ? 0.08 : 0)) {
            x.lungVolume = -1
        }
        if rng.bernoulli(0.04) { x.elevatedHemidiaphragm = rng.bernoulli(0.55) ? .right : .left }
        x.tortuousAorta = rng.bernoulli(sigmoid(-2.2 + 1.1 * a + 0.6 * (c.hypertensive ? 1 : 0)))
        x.aorticCalcification = rng.bernoulli(sigmoid(-2.6 + 1.3 * a))
        if rng.bernoulli(0.06) { x.granuloma = LungLobe(rawValue: rng.int(below: 5)) }
        x.surgicalClips = rng.bernoulli(0.03 + 0.03 * max(0, a))
        s.xray = x

        // ECG.
        var e = s.ecg
        var axis = 45 + 18 * rng.normal() - 8 * a - (e.hasLVH ? 12 : 0)
        if c.copd && rng.bernoulli(0.6) { axis += rng.uniform(35, 70) }
        if rng.bernoulli(0.05 + 0.03 * max(0, a)) { axis -= rng.uniform(45, 80) }  // left anterior fascicle
        e.axis = min(150, max(-90, axis))
        if let pacer = c.pacemaker, rng.bernoulli(0.85) {
            if e.atrialFibrillation || pacer == .singleChamber {
                e.pacing = .ventricular
                e.heartRate = [60, 70, 70, 80][rng.int(below: 4)]
            } else {
                e.pacing = rng.bernoulli(0.6) ? .atrialSensed : .dualPaced
                if e.pacing == .dualPaced { e.heartRate = [60, 70][rng.int(below: 2)] }
                else { e.heartRate = max(60, min(110, e.heartRate)) }
            }
        }
        if e.pacing == nil {
            if rng.bernoulli(0.05 + 0.05 * hf + 0.04 * (c.infarct != nil || c.ischemia ? 1 : 0)) {
                e.pvcs = 1 + (rng.bernoulli(0.4) ? 1 + rng.int(below: 2) : 0)
            }
            if !e.atrialFibrillation && rng.bernoulli(0.05 + 0.03 * max(0, a) + (c.copd ? 0.06 : 0)) {
                e.pacs = 1 + (rng.bernoulli(0.35) ? 1 + rng.int(below: 2) : 0)
            }
            e.sinusArrhythmia = !e.atrialFibrillation && c.isHealthy && c.age < 50 && e.heartRate < 95 && rng.bernoulli(0.3)
        }
        var qtc = 0.415 + 0.018 * rng.normal() + 0.02 * hf + (c.ischemia || c.infarct != nil ? 0.01 : 0)
        if rng.bernoulli(0.03) { qtc += rng.uniform(0.04, 0.08) }  // drugs, electrolytes
        e.qtc = min(0.56, max(0.36, qtc))
        if !e.hasLVH && (c.copd && rng.bernoulli(0.45) || c.obese && rng.bernoulli(0.2)
                         || (x.effusionSize >= 2 && rng.bernoulli(0.3))) {
            e.voltage = rng.uniform(0.5, 0.7)
        }
        s.ecg = e
    }
}
