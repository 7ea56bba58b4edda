// RadiologyExtras — the patient-specific sentences of the synthetic radiology report beyond the
// CheXpert findings: the view, support devices with their positions, lung volumes, the aorta,
// and incidental findings (calcified granuloma), as MIMIC-CXR reports state them.
//
// Rates: view stated in 90 % of portable AP and 75 % of PA studies; each device omitted 8 %;
// low volumes / hyperinflation stated 85 %; tortuous aorta 70 %, aortic calcification 65 %,
// granuloma 80 %. A stated device sets the CheXpert "Support Devices" mention.
//
// Deliberately not here: the CheXpert findings (RadiologyReport), drawing (XrayDevices).

import TensorCore

extension ReportWriter {
    /// "Portable AP upright view of the chest. " / "PA and lateral views of the chest. " or "".
    static func viewSentence(_ x: XrayFindings, _ rng: inout RNG) -> String {
        var s = ""
        if x.portableAP && rng.bernoulli(0.9) {
            s = x.devices.ettAboveCarina != nil
                ? pick(["Portable semi-upright AP view of the chest. ", "Single portable AP view of the chest. "], &rng)
                : pick(["Portable AP upright view of the chest. ", "Single portable AP view of the chest. ",
                        "AP portable chest radiograph. "], &rng)
        } else if !x.portableAP && rng.bernoulli(0.75) {
            s = pick(["PA and lateral views of the chest. ", "PA and lateral chest radiographs were obtained. ",
                      "Frontal and lateral views of the chest. "], &rng)
        }
        return rng.bernoulli(0.2) ? s + "Comparison is made to the prior study. " : s
    }

    /// The support-device sentences (findings come first in MIMIC reports), recording the
    /// "Support Devices" mention and sometimes "Lines and tubes as described." in the impression.
    static func deviceSentences(_ x: XrayFindings, _ m: inout ReportMentions, _ impression: inout [String],
                                _ rng: inout RNG) -> [String] {
        let d = x.devices
        var out: [String] = []
        if let cm = d.ettAboveCarina, rng.bernoulli(0.92) {
            let n = cm == cm.rounded() ? String(Int(cm)) : String(format: "%.1f", cm)
            out.append(pick(["Endotracheal tube terminates \(n) cm above the carina.", "ET tube tip is \(n) cm above the carina.",
                             "The endotracheal tube is in place, \(n) cm above the carina."], &rng))
        }
        if d.enteric && rng.bernoulli(0.92) {
            out.append(pick(["Enteric tube courses below the diaphragm with the tip in the stomach.",
                             "Nasogastric tube tip is in the stomach.", "An orogastric tube terminates in the stomach."], &rng))
        }
        if let line = d.centralLine, rng.bernoulli(0.92) {
            let tip = SupportDevices.lineTipNames[d.lineTip]
            out.append(pick(["\(capitalized(line.name)) terminates in the \(tip).", "\(capitalized(line.name)) with tip in the \(tip)."], &rng))
        }
        if let pacer = d.pacer, rng.bernoulli(0.92) {
            switch pacer {
            case .singleChamber:
                out.append(pick(["Left-sided pacemaker with a single lead terminating in the right ventricle.",
                                 "Left chest wall single-lead pacemaker, lead in the right ventricle."], &rng))
            case .dualChamber:
                out.append(pick(["Left-sided dual-chamber pacemaker with leads in the right atrium and right ventricle.",
                                 "Left chest wall pacemaker with leads terminating in the right atrium and right ventricle."], &rng))
            case .icd:
                out.append(pick(["Left-sided AICD with a lead terminating in the right ventricle.",
                                 "Left chest wall ICD with a single lead in the right ventricle."], &rng))
            }
        }
        if d.sternotomy && rng.bernoulli(0.92) {
            out.append(pick(["Median sternotomy wires are intact.", "The patient is status post median sternotomy and CABG.",
                             "Intact median sternotomy wires."], &rng))
        }
        if !out.isEmpty {
            m.supportDevices = 1
            if (d.ettAboveCarina != nil || d.centralLine != nil || d.enteric) && rng.bernoulli(0.4) {
                impression.append("Lines and tubes as described.")
            }
        }
        return out
    }

    /// Lung-volume sentences (low volumes or hyperinflation).
    static func volumeSentences(_ x: XrayFindings, _ impression: inout [String], _ rng: inout RNG) -> [String] {
        if x.lungVolume < 0 && rng.bernoulli(0.85) {
            return [pick(["Low lung volumes.", "Lung volumes are low.", "Low lung volumes with bronchovascular crowding."], &rng)]
        }
        if x.lungVolume > 0 && rng.bernoulli(0.85) {
            if rng.bernoulli(0.35) { impression.append("Hyperinflation consistent with COPD.") }
            return [pick(["The lungs are hyperinflated with flattening of the diaphragms.",
                          "Hyperinflated lungs, consistent with emphysema.", "Hyperexpanded lungs suggest chronic obstructive pulmonary disease."], &rng)]
        }
        return []
    }

    /// Aortic sentences.
    static func aortaSentences(_ x: XrayFindings, _ rng: inout RNG) -> [String] {
        let tortuous = x.tortuousAorta && rng.bernoulli(0.7), calcified = x.aorticCalcification && rng.bernoulli(0.65)
        if tortuous && calcified {
            return [pick(["The thoracic aorta is tortuous and calcified.", "Tortuous, calcified thoracic aorta."], &rng)]
        }
        if tortuous { return [pick(["The thoracic aorta is tortuous.", "Unfolded, tortuous thoracic aorta."], &rng)] }
        if calcified { return [pick(["Atherosclerotic calcification of the aortic knob.", "Aortic knob calcification."], &rng)] }
        return []
    }

    /// Incidental lung sentences (calcified granuloma).
    static func incidentalLungSentences(_ x: XrayFindings, _ impression: inout [String], _ rng: inout RNG) -> [String] {
        guard let lobe = x.granuloma, rng.bernoulli(0.8) else { return [] }
        return [pick(["Calcified granuloma in the \(lobe.name).", "A small calcified granuloma projects over the \(lobe.name)."], &rng)]
    }
}
