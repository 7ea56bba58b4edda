// RadiologyReport — a MIMIC-CXR-style chest radiograph report ("FINDINGS: … IMPRESSION: …")
// written from a patient's X-ray findings, with several phrasings per finding, pertinent
// negatives that are sometimes left out, omissions of mild findings and hedged statements
// ("cannot be excluded", "may reflect"). Every sentence records what a CheXpert labeler reads
// from it (`ReportMentions`).
//
// Rates: a mild cardiomegaly is omitted 12 % / hedged 15 %; mild edema omitted 15 % / hedged
// 20 %; atelectasis omitted 15 % / hedged 15 %; a small effusion hedged 20 % / omitted 7 %;
// consolidation hedged ("concerning for", "cannot be excluded") in about a third of reports.
// Patient-specific content (`RadiologyExtras.swift`): the view (stated in 90 % of portable and 75 %
// of PA studies), each support device with its tip position (omitted 8 %), lung volumes, a raised
// hemidiaphragm, aortic tortuosity / calcification, a calcified granuloma, surgical clips and a
// top-normal heart size.
//
// Deliberately not here: the labels (CohortLabels), ECG text (CardiologyReport).

import TensorCore

extension ReportWriter {
    typealias L = ReportMentions.Label

    /// Writes the radiology report of one patient.
    ///
    ///     let (text, mentions) = ReportWriter.radiology(state.xray, pneumonia: true, rng: &rng)
    ///     // "FINDINGS: Moderate cardiomegaly. Mild pulmonary edema. … IMPRESSION: …"
    public static func radiology(_ x: XrayFindings, pneumonia: Bool, rng: inout RNG) -> (text: String, mentions: ReportMentions) {
        var m = ReportMentions()
        var heart: [String] = [], lungs: [String] = [], pleura: [String] = [], bones: [String] = []
        var impression: [String] = []
        let devices = deviceSentences(x, &m, &impression, &rng)
        let severity = ["mild", "moderate", "severe"]

        // Heart and mediastinum.
        let cm = x.cardiomegaly
        if cm > 0 {
            if cm == 1 && rng.bernoulli(0.12) {
                // omitted
            } else if cm == 1 && rng.bernoulli(0.17) {
                heart.append(pick(["Heart size is borderline enlarged.", "The heart is top normal to mildly enlarged.",
                                   "Possible mild cardiomegaly."], &rng))
                m.mention(.cardiomegaly, -1)
            } else if rng.bernoulli(0.08) {
                heart.append("The cardiomediastinal silhouette is enlarged.")
                m.mention(.enlargedCardiomediastinum, 1)
            } else {
                let s = severity[cm - 1], adv = ["mildly", "moderately", "markedly"][cm - 1]
                heart.append(pick(["\(capitalized(s)) cardiomegaly.", "The heart is \(adv) enlarged.",
                                   "\(capitalized(s)) enlargement of the cardiac silhouette.",
                                   "Heart size is \(adv) enlarged."], &rng))
                m.mention(.cardiomegaly, 1)
                if cm >= 2 || rng.bernoulli(0.4) {
                    impression.append(pick(["Cardiomegaly.", "\(capitalized(s)) cardiomegaly."], &rng))
                }
            }
        } else if x.ctr >= 0.47 && rng.bernoulli(0.5) {
            heart.append(pick(["Heart size is top normal.", "The heart is at the upper limits of normal in size."], &rng))
            m.mention(.cardiomegaly, 0)
        } else if rng.bernoulli(0.75) {
            let normal = ["Heart size is normal.", "The cardiac silhouette is within normal limits.", "Normal heart size.",
                          "The cardiomediastinal silhouette is normal."]
            let i = rng.int(below: normal.count)
            heart.append(normal[i])
            m.mention(.cardiomegaly, 0)
            if i == 3 { m.mention(.enlargedCardiomediastinum, 0) }
        }
        if x.wideMediastinum {
            heart.append(pick(["The mediastinum appears widened.", "Widening of the mediastinal contours.",
                               "The superior mediastinum is widened, possibly due to vascular unfolding."], &rng))
            m.mention(.enlargedCardiomediastinum, 1)
        } else if rng.bernoulli(0.3) {
            heart.append(pick(["Mediastinal and hilar contours are normal.", "Hilar contours are unremarkable."], &rng))
            m.mention(.enlargedCardiomediastinum, 0)
        }

        heart += aortaSentences(x, &rng)

        // Lungs: edema, consolidation, atelectasis, nodule.
        if x.edema > 0 {
            let g = x.edema
            if g == 1 && rng.bernoulli(0.15) {
                // omitted
            } else if g == 1 && rng.bernoulli(0.2) {
                lungs.append(pick(["Possible mild interstitial edema.", "Questionable mild pulmonary vascular congestion."], &rng))
                m.mention(.edema, -1)
            } else {
                let phrases = [["Mild pulmonary vascular congestion.", "Mild interstitial pulmonary edema.", "Mild pulmonary edema.",
                                "Minimal interstitial edema."],
                               ["Moderate pulmonary edema.", "Moderate interstitial edema with perihilar haziness.",
                                "Moderate pulmonary vascular congestion and interstitial edema."],
                               ["Severe pulmonary edema.", "Diffuse bilateral alveolar opacities consistent with severe pulmonary edema.",
                                "Marked pulmonary edema with perihilar airspace opacities."]][g - 1]
                let p = pick(phrases, &rng)
                lungs.append(p)
                m.mention(.edema, 1)
                if p.contains("opacities") { m.mention(.lungOpacity, 1) }
                if cm > 0 && rng.bernoulli(0.5) {
                    impression.append("Findings consistent with \(severity[g - 1]) congestive heart failure.")
                } else if g >= 2 || rng.bernoulli(0.5) {
                    impression.append("\(capitalized(severity[g - 1])) pulmonary edema.")
                }
            }
        } else if rng.bernoulli(0.5) {
            lungs.append(pick(["No pulmonary edema.", "No evidence of pulmonary vascular congestion.", "There is no pulmonary edema."], &rng))
            m.mention(.edema, 0)
        }

        if let lobe = x.consolidation {
            let where_ = lobe.name, u = rng.uniform()
            if u < 0.15 {
                lungs.append("Opacity in the \(where_) may reflect atelectasis, though infection cannot be excluded.")
                m.mention(.lungOpacity, 1); m.mention(.pneumonia, -1); m.mention(.atelectasis, -1)
            } else if u < 0.45 {
                lungs.append(pick(["Focal consolidation in the \(where_).", "\(capitalized(where_)) consolidation.",
                                   "Dense consolidation is seen in the \(where_)."], &rng))
                m.mention(.consolidation, 1)
            } else if u < 0.75 {
                lungs.append(pick(["Patchy airspace opacity in the \(where_).", "New opacification of the \(where_)."], &rng))
                m.mention(.lungOpacity, 1)
            } else {
                lungs.append("There is a new \(where_) opacity concerning for pneumonia.")
                m.mention(.lungOpacity, 1); m.mention(.pneumonia, -1)
            }
            if pneumonia && rng.bernoulli(0.75) {
                impression.append(pick(["\(capitalized(where_)) pneumonia.", "Findings compatible with pneumonia in the \(where_).",
                                        "\(capitalized(where_)) consolidation, concerning for pneumonia."], &rng))
                m.mention(.pneumonia, impression.last!.contains("concerning") ? -1 : 1)
                if impression.last!.contains("consolidation") { m.mention(.consolidation, 1) }
            } else if !pneumonia {
                impression.append("Focal opacity in the \(where_), possibly aspiration.")
                m.mention(.lungOpacity, 1)
            }
        } else if rng.bernoulli(0.7) {
            let i = rng.int(below: 3)
            lungs.append(["No focal consolidation.", "No focal consolidation to suggest pneumonia.", "No focal airspace consolidation."][i])
            m.mention(.consolidation, 0)
            if i == 1 { m.mention(.pneumonia, 0) }
        }

        if let side = x.atelectasis {
            let w = side == .bilateral ? "bibasilar" : "\(side.name) basilar"
            let base = side == .bilateral ? "both lung bases" : "the \(side.name) lung base"
            if rng.bernoulli(0.15) {
                // omitted
            } else if rng.bernoulli(0.18) {
                lungs.append("\(capitalized(w)) opacity may reflect atelectasis or early pneumonia.")
                m.mention(.atelectasis, -1); m.mention(.pneumonia, -1); m.mention(.lungOpacity, 1)
            } else {
                let p = pick(["\(capitalized(w)) atelectasis.", "Linear atelectasis at \(base).",
                              "Plate-like atelectasis in \(base).", "Streaky \(w) opacities, likely atelectasis."], &rng)
                lungs.append(p)
                m.mention(.atelectasis, 1)
                if p.contains("opacities") { m.mention(.lungOpacity, 1) }
                if rng.bernoulli(0.3) { impression.append("\(capitalized(w)) atelectasis.") }
            }
        }
        if let lobe = x.nodule {
            if rng.bernoulli(0.25) {
                lungs.append("Possible nodule in the \(lobe.name); recommend chest CT for further evaluation.")
                m.mention(.lungLesion, -1)
            } else {
                lungs.append("A \(8 + rng.int(below: 10)) mm nodular opacity projects over the \(lobe.name).")
                m.mention(.lungLesion, 1)
                impression.append("Pulmonary nodule in the \(lobe.name); CT recommended.")
            }
        }
        lungs += incidentalLungSentences(x, &impression, &rng)
        if x.edema == 0 && x.consolidation == nil && x.atelectasis == nil && x.nodule == nil && rng.bernoulli(0.5) {
            lungs.insert(x.lungVolume == 0 && rng.bernoulli(0.5) ? "Lungs are well expanded and clear." : "The lungs are clear.", at: 0)
        }
        lungs.insert(contentsOf: volumeSentences(x, &impression, &rng), at: 0)

        // Pleura.
        if let side = x.effusion {
            let size = ["small", "moderate", "large"][x.effusionSize - 1]
            let desc = side == .bilateral ? "\(size) bilateral pleural effusions" : "\(size) \(side.name) pleural effusion"
            let angle = side == .bilateral ? "both costophrenic angles" : "the \(side.name) costophrenic angle"
            if x.effusionSize == 1 && rng.bernoulli(0.2) {
                pleura.append("Blunting of \(angle) may reflect a small effusion or pleural thickening.")
                m.mention(.pleuralEffusion, -1); m.mention(.pleuralOther, -1)
            } else if x.effusionSize == 1 && rng.bernoulli(0.07) {
                // omitted
            } else {
                var options = ["\(capitalized(desc)).", "There is a \(desc).", "Blunting of \(angle) consistent with a \(desc)."]
                if x.atelectasis == side { options.append("\(capitalized(desc)) with adjacent compressive atelectasis.") }
                let p = pick(options, &rng)
                pleura.append(p.replacingOccurrences(of: "a small bilateral", with: "small bilateral")
                               .replacingOccurrences(of: "a moderate bilateral", with: "moderate bilateral")
                               .replacingOccurrences(of: "a large bilateral", with: "large bilateral"))
                m.mention(.pleuralEffusion, 1)
                if p.contains("atelectasis") { m.mention(.atelectasis, 1) }
                if x.effusionSize >= 2 || rng.bernoulli(0.5) { impression.append("\(capitalized(desc)).") }
            }
        } else if rng.bernoulli(0.8) {
            if x.pneumothorax == nil && rng.bernoulli(0.4) {
                pleura.append("No pleural effusion or pneumothorax.")
                m.mention(.pneumothorax, 0)
            } else {
                pleura.append(pick(["No pleural effusion.", "No large pleural effusion.", "The costophrenic angles are sharp."], &rng))
            }
            m.mention(.pleuralEffusion, 0)
        }
        if let side = x.pneumothorax {
            pleura.append("Small \(side.name) apical pneumothorax.")
            impression.append("Small \(side.name) pneumothorax.")
            m.mention(.pneumothorax, 1)
        } else if m[.pneumothorax] == nil && rng.bernoulli(0.85) {
            pleura.append("No pneumothorax.")
            m.mention(.pneumothorax, 0)
        }
        if let side = x.pleuralThickening {
            pleura.append(pick(["Mild \(side.name) pleural thickening.", "\(capitalized(side.name)) apical pleural thickening."], &rng))
            m.mention(.pleuralOther, 1)
        }

        if let side = x.elevatedHemidiaphragm, rng.bernoulli(0.8) {
            pleura.append(pick(["Elevation of the \(side.name) hemidiaphragm.", "Mildly elevated \(side.name) hemidiaphragm."], &rng))
        }

        // Bones.
        if let side = x.fracture {
            bones.append(pick(["Healing fracture of the \(side.name) seventh rib.", "Nondisplaced fracture of the \(side.name) lateral seventh rib."], &rng))
            m.mention(.fracture, 1)
        } else if rng.bernoulli(0.25) {
            bones.append(pick(["No acute osseous abnormality.", "Osseous structures are intact."], &rng))
            m.mention(.fracture, 0)
        }
        if x.surgicalClips && rng.bernoulli(0.7) {
            bones.append(pick(["Cholecystectomy clips in the right upper quadrant.", "Surgical clips project over the right upper abdomen."], &rng))
        }

        let anyPositive = m.values.contains { $0 == 1 || $0 == -1 }
        if impression.isEmpty {
            impression.append(anyPositive ? "No acute cardiopulmonary process otherwise."
                              : pick(["No acute cardiopulmonary process.", "No acute intrathoracic abnormality.",
                                      "Normal chest radiograph."], &rng))
        }
        let findings = devices + (rng.bernoulli(0.5) ? lungs + pleura + heart + bones : heart + lungs + pleura + bones)
        let intro = viewSentence(x, &rng)
        let imp = impression.count > 1 && rng.bernoulli(0.3)
            ? impression.enumerated().map { "\($0.offset + 1). \($0.element)" }.joined(separator: " ")
            : impression.joined(separator: " ")
        return ("FINDINGS: \(intro)\(findings.joined(separator: " ")) IMPRESSION: \(imp)", m)
    }
}
