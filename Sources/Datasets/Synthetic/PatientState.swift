// PatientState — the latent state of one synthetic patient: its conditions (the causes) and the
// findings each modality will show (the effects), sampled from one RNG stream.
//
// Causal structure (probabilities in `sample`): age drives hypertension, coronary disease,
// heart failure, atrial fibrillation and conduction disease; an infarct and hypertension raise
// the risk of heart failure; pneumonia is independent. Each condition then produces *probable*,
// never certain, findings in the X-ray (`XrayFindings`) and the ECG (`ECGFindings`), e.g. heart
// failure → cardiomegaly (often), edema grade 0–3, effusions; ECG LVH / ST-T change / AF. So no
// modality determines another, but each carries information about the other.
//
// Deliberately not here: rendering (XrayPhantom, ECGSynth), text (RadiologyReport,
// CardiologyReport) and labels (CohortLabels).

import TensorCore

/// Territory of a myocardial infarction (decides which ECG leads show it).
public enum InfarctTerritory: Int, CaseIterable, Sendable {
    case anterior, inferior, lateral
    public var name: String { ["anterior", "inferior", "lateral"][rawValue] }
}

/// Conduction disease: right/left bundle branch block or first-degree AV block.
public enum ConductionDisease: Int, Sendable { case none, rbbb, lbbb, avBlock1 }

/// Side of a finding, from the patient's point of view (patient's left is on the image's right).
public enum BodySide: Int, Sendable {
    case right, left, bilateral
    public var name: String { ["right", "left", "bilateral"][rawValue] }
    /// Whether the finding involves the patient's right / left side.
    public var hasRight: Bool { self != .left }
    public var hasLeft: Bool { self != .right }
}

/// Lung lobe of a focal finding.
public enum LungLobe: Int, CaseIterable, Sendable {
    case rightUpper, rightMiddle, rightLower, leftUpper, leftLower
    public var name: String { ["right upper lobe", "right middle lobe", "right lower lobe", "left upper lobe", "left lower lobe"][rawValue] }
    public var side: BodySide { rawValue <= 2 ? .right : .left }
}

/// The latent conditions of a patient (the causes).
public struct LatentConditions: Sendable, Equatable {
    public var age: Float = 50
    public var male = true
    /// 0 = none, 1…3 = severity of heart failure.
    public var heartFailure = 0
    public var infarct: InfarctTerritory? = nil
    /// An acute (ST-elevation) rather than an old infarct.
    public var infarctAcute = false
    /// Coronary disease without infarct (ischemic ST-T changes).
    public var ischemia = false
    public var conduction = ConductionDisease.none
    /// Hypertensive heart disease (left ventricular hypertrophy).
    public var hypertensive = false
    public var atrialFibrillation = false
    public var pneumonia: LungLobe? = nil
    // Incidental findings (no ECG effect).
    public var lungNodule = false
    public var ribFracture = false
    public var pneumothorax: BodySide? = nil
    public var pleuralThickening = false
    // Added conditions (`PatientExtras.swift`).
    /// Chronic obstructive pulmonary disease / emphysema (hyperinflation, low voltage, right axis).
    public var copd = false
    /// Obesity (low lung volumes, low QRS voltage).
    public var obese = false
    /// Prior coronary bypass surgery (median sternotomy wires).
    public var cabg = false
    /// An implanted pacemaker or ICD (generator and leads on the X-ray, paced rhythm on the ECG).
    public var pacemaker: PacerKind? = nil
    /// Intubated, critically ill (ICU) patient: endotracheal tube, lines, portable film.
    public var intubated = false

    /// True when no cardiopulmonary condition is present (incidental findings allowed).
    public var isHealthy: Bool {
        heartFailure == 0 && infarct == nil && !ischemia && conduction == .none && !hypertensive
            && !atrialFibrillation && pneumonia == nil && !copd && pacemaker == nil
    }
}

/// What the X-ray phantom renders.
public struct XrayFindings: Sendable, Equatable {
    /// Cardiothoracic ratio (heart width / thorax width); normal ≈ 0.44.
    public var ctr: Float = 0.44
    /// 0 none, 1 mild, 2 moderate, 3 severe pulmonary edema.
    public var edema = 0
    public var effusion: BodySide? = nil
    /// 1 small, 2 moderate, 3 large.
    public var effusionSize = 0
    public var atelectasis: BodySide? = nil
    public var consolidation: LungLobe? = nil
    public var nodule: LungLobe? = nil
    public var pneumothorax: BodySide? = nil
    public var fracture: BodySide? = nil
    public var pleuralThickening: BodySide? = nil
    /// Portable AP projection (sicker patients): magnifies the heart ≈ 12 % and flattens effusions.
    public var portableAP = false
    /// Mediastinal widening (e.g. unfolded aorta): "enlarged cardiomediastinum".
    public var wideMediastinum = false
    // Added findings (`PatientExtras.swift`).
    /// Tubes, lines and implanted devices drawn over the chest.
    public var devices = SupportDevices()
    /// −1 low lung volumes (raised domes), 0 normal, +1 hyperinflation (low, flattened domes).
    public var lungVolume = 0
    /// A raised hemidiaphragm (right or left).
    public var elevatedHemidiaphragm: BodySide? = nil
    /// Tortuous (unfolded) thoracic aorta: a larger aortic knob.
    public var tortuousAorta = false
    /// Calcification of the aortic knob: a bright rim.
    public var aorticCalcification = false
    /// A calcified granuloma (small very dense dot) in a lobe.
    public var granuloma: LungLobe? = nil
    /// Cholecystectomy clips under the right hemidiaphragm.
    public var surgicalClips = false

    /// Cardiomegaly grade from the CTR: < 0.50 → 0, < 0.55 → 1, < 0.60 → 2, else 3.
    public var cardiomegaly: Int { ctr < 0.50 ? 0 : ctr < 0.55 ? 1 : ctr < 0.60 ? 2 : 3 }
}

/// What the ECG beat model renders (strengths in mV where given).
public struct ECGFindings: Sendable, Equatable {
    /// Mean ventricular rate (beats/min).
    public var heartRate: Float = 70
    public var atrialFibrillation = false
    /// PR interval (s); > 0.20 is first-degree AV block.
    public var pr: Float = 0.16
    public var conduction = ConductionDisease.none
    public var infarct: InfarctTerritory? = nil
    /// Depth of pathological Q waves (mV, 0 = none) and ST elevation (mV, 0 = none).
    public var qDepth: Float = 0
    public var stElevation: Float = 0
    /// Multiplier on QRS voltage (1 = normal; LVH ≈ 1.5–2.1).
    public var voltage: Float = 1
    /// Repolarisation abnormality: ST depression / T inversion strength (mV, 0 = none).
    public var stDepression: Float = 0
    /// T-wave inversion in the infarct territory (old infarct).
    public var territoryTInversion = false

    // Added findings (`PatientExtras.swift`).
    /// Frontal QRS axis the dipole is rotated to (degrees, before disease components).
    public var axis: Float = 42
    /// Pacing (from an implanted pacemaker), nil when the rhythm is intrinsic.
    public var pacing: PacingMode? = nil
    /// Number of ventricular / atrial premature complexes in the 10 s strip.
    public var pvcs = 0
    public var pacs = 0
    /// Heart-rate corrected QT interval (Bazett, s); > 0.47 is prolonged.
    public var qtc: Float = 0.41
    /// Marked respiratory sinus arrhythmia (young patients).
    public var sinusArrhythmia = false

    /// ECG shows LVH voltage.
    public var hasLVH: Bool { voltage >= 1.35 }
}

/// One patient: latent conditions and the findings of both images.
public struct PatientState: Sendable, Equatable {
    public var conditions = LatentConditions()
    public var xray = XrayFindings()
    public var ecg = ECGFindings()

    @inline(__always) static func sigmoid(_ x: Float) -> Float { 1 / (1 + Foundation.exp(-x)) }

    /// Samples the conditions, then the findings they probably cause.
    public static func sample(_ rng: inout RNG) -> PatientState {
        var s = PatientState()
        s.conditions = sampleConditions(&rng)
        s.xray = sampleXray(s.conditions, &rng)
        s.ecg = sampleECG(s.conditions, &rng)
        sampleExtras(&s, &rng)
        return s
    }

    /// Prevalences of a hospital population with a chest X-ray and an ECG (age 25–90).
    static func sampleConditions(_ rng: inout RNG) -> LatentConditions {
        var c = LatentConditions()
        c.age = 25 + 65 * Foundation.pow(rng.uniform(), 0.8)
        c.male = rng.bernoulli(0.52)
        let a = (c.age - 60) / 15
        c.hypertensive = rng.bernoulli(sigmoid(-0.7 + 0.9 * a))
        let coronary = rng.bernoulli(sigmoid(-1.5 + 0.8 * a + 0.5 * (c.hypertensive ? 1 : 0) + 0.3 * (c.male ? 1 : 0)))
        if coronary {
            if rng.bernoulli(0.5) {
                let u = rng.uniform()
                c.infarct = u < 0.4 ? .anterior : u < 0.8 ? .inferior : .lateral
                c.infarctAcute = rng.bernoulli(0.25)
            } else {
                c.ischemia = true
            }
        }
        let hfLogit = -2.3 + 0.7 * a + 0.9 * (c.hypertensive ? 1 : 0) + 1.3 * (c.infarct != nil ? 1 : 0)
        if rng.bernoulli(sigmoid(hfLogit)) {
            let u = rng.uniform()
            c.heartFailure = u < 0.4 ? 1 : u < 0.8 ? 2 : 3
        }
        let hf: Float = c.heartFailure > 0 ? 1 : 0
        c.atrialFibrillation = rng.bernoulli(sigmoid(-2.9 + 0.8 * a + 1.3 * hf + 0.4 * (c.hypertensive ? 1 : 0)))
        if rng.bernoulli(sigmoid(-2.5 + 0.5 * a + 0.7 * hf)) {
            let u = rng.uniform()
            let lbbb: Float = hf > 0 ? 0.5 : 0.25
            c.conduction = u < lbbb ? .lbbb : u < lbbb + (1 - lbbb) / 2 ? .rbbb : .avBlock1
        }
        if rng.bernoulli(0.13) {
            let u = rng.uniform()
            c.pneumonia = u < 0.35 ? .rightLower : u < 0.6 ? .leftLower : u < 0.75 ? .rightUpper : u < 0.9 ? .rightMiddle : .leftUpper
        }
        c.lungNodule = rng.bernoulli(0.04)
        c.ribFracture = rng.bernoulli(0.03)
        if rng.bernoulli(0.02) { c.pneumothorax = rng.bernoulli(0.5) ? .right : .left }
        c.pleuralThickening = rng.bernoulli(0.03)
        return c
    }

    static func randomSide(_ rng: inout RNG, bilateral: Float, right: Float) -> BodySide {
        let u = rng.uniform()
        return u < bilateral ? .bilateral : u < bilateral + right ? .right : .left
    }

    /// Chest X-ray findings given the conditions.
    static func sampleXray(_ c: LatentConditions, _ rng: inout RNG) -> XrayFindings {
        var x = XrayFindings()
        x.portableAP = rng.bernoulli(0.2 + (c.heartFailure > 0 || c.pneumonia != nil || c.infarctAcute ? 0.3 : 0))
        var ctr = 0.44 + 0.035 * rng.normal() + (c.male ? 0.008 : 0) + 0.01 * max(0, (c.age - 50) / 40)
        if c.heartFailure > 0 {
            // Most (not all) failing hearts are dilated.
            ctr += rng.bernoulli(0.8) ? 0.045 + 0.03 * Float(c.heartFailure) + 0.02 * rng.normal() : 0.01
        }
        if c.hypertensive { ctr += 0.02 + 0.012 * rng.normal() }
        if c.infarct != nil && rng.bernoulli(0.5) { ctr += 0.025 }
        if c.atrialFibrillation { ctr += 0.01 }
        x.ctr = min(0.72, max(0.36, ctr))

        if c.heartFailure > 0 {
            let table: [[Float]] = [[0.45, 0.40, 0.15, 0], [0.2, 0.35, 0.35, 0.1], [0.05, 0.2, 0.4, 0.35]]
            let u = rng.uniform()
            var acc: Float = 0
            for (g, p) in table[c.heartFailure - 1].enumerated() { acc += p; if u < acc { x.edema = g; break } }
        } else if c.infarctAcute && rng.bernoulli(0.25) {
            x.edema = rng.bernoulli(0.6) ? 1 : 2
        } else if rng.bernoulli(0.03) {
            x.edema = 1  // volume overload of other causes
        }

        if c.heartFailure > 0 && rng.bernoulli(0.2 + 0.15 * Float(c.heartFailure)) {
            x.effusion = randomSide(&rng, bilateral: 0.5, right: 0.3)
            x.effusionSize = min(3, max(1, c.heartFailure - (rng.bernoulli(0.5) ? 1 : 0)))
        } else if let lobe = c.pneumonia, rng.bernoulli(0.25) {
            x.effusion = lobe.side
            x.effusionSize = rng.bernoulli(0.75) ? 1 : 2
        } else if rng.bernoulli(0.02) {
            x.effusion = rng.bernoulli(0.5) ? .right : .left
            x.effusionSize = 1
        }

        if let eff = x.effusion, rng.bernoulli(0.35) {
            x.atelectasis = eff
        } else if rng.bernoulli(0.06 + (c.pneumonia != nil ? 0.12 : 0) + (c.heartFailure > 0 ? 0.08 : 0)) {
            x.atelectasis = randomSide(&rng, bilateral: 0.3, right: 0.35)
        }

        if let lobe = c.pneumonia, rng.bernoulli(0.88) {
            x.consolidation = lobe
        } else if c.pneumonia == nil && rng.bernoulli(0.015) {
            x.consolidation = LungLobe(rawValue: rng.int(below: 5))
        }
        if c.lungNodule { x.nodule = LungLobe(rawValue: rng.int(below: 5)) }
        x.pneumothorax = c.pneumothorax
        if c.ribFracture { x.fracture = rng.bernoulli(0.5) ? .right : .left }
        if c.pleuralThickening { x.pleuralThickening = rng.bernoulli(0.5) ? .right : .left }
        x.wideMediastinum = rng.bernoulli(0.02 + (c.hypertensive ? 0.08 : 0) + (c.age > 75 ? 0.03 : 0))
        return x
    }

    /// ECG findings given the conditions.
    static func sampleECG(_ c: LatentConditions, _ rng: inout RNG) -> ECGFindings {
        var e = ECGFindings()
        // Paroxysmal AF: a quarter of AF patients are in sinus rhythm on the day of the ECG.
        e.atrialFibrillation = c.atrialFibrillation && rng.bernoulli(0.75)
        if e.atrialFibrillation {
            e.heartRate = min(160, max(55, 92 + 22 * rng.normal() + (c.heartFailure > 0 ? 8 : 0)))
        } else {
            var hr = 72 + 8 * rng.normal()
            if c.heartFailure > 0 { hr += 8 }
            if c.pneumonia != nil { hr += 22 + 6 * rng.normal() }
            if c.isHealthy && c.age < 50 && rng.bernoulli(0.15) { hr = 52 + 3 * rng.normal() }
            e.heartRate = min(150, max(42, hr))
        }
        e.pr = 0.155 + 0.015 * rng.normal()
        e.conduction = c.conduction
        if c.conduction == .avBlock1 { e.pr = rng.uniform(0.22, 0.32) }

        if let t = c.infarct, rng.bernoulli(0.88) {
            e.infarct = t
            e.qDepth = rng.uniform(0.12, 0.5)
            if c.infarctAcute {
                e.stElevation = rng.uniform(0.08, 0.35)
            } else {
                e.territoryTInversion = rng.bernoulli(0.4)
            }
        }
        if c.hypertensive && rng.bernoulli(0.6) {
            e.voltage = rng.uniform(1.4, 2.1)
        } else if c.heartFailure > 0 && rng.bernoulli(0.3) {
            e.voltage = rng.uniform(1.35, 1.9)
        } else if c.male && c.age < 40 && rng.bernoulli(0.08) {
            e.voltage = rng.uniform(1.35, 1.6)  // athletic/young voltage
        } else {
            e.voltage = 1 + 0.1 * rng.normal()
            e.voltage = min(1.3, max(0.7, e.voltage))
        }
        var st: Float = 0
        if c.ischemia && rng.bernoulli(0.6) { st = rng.uniform(0.05, 0.22) }
        if c.heartFailure > 0 && rng.bernoulli(0.25) { st = max(st, rng.uniform(0.05, 0.15)) }
        if e.hasLVH && rng.bernoulli(0.4) { st = max(st, rng.uniform(0.06, 0.2)) }  // strain pattern
        if e.atrialFibrillation && rng.bernoulli(0.2) { st = max(st, rng.uniform(0.04, 0.12)) }
        if c.isHealthy && rng.bernoulli(0.03) { st = rng.uniform(0.03, 0.08) }  // nonspecific
        e.stDepression = st
        return e
    }
}

import Foundation
