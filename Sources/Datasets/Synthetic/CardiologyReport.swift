// CardiologyReport — a MIMIC-IV-ECG-style machine report ("Sinus rhythm. Left ventricular
// hypertrophy. Abnormal ECG.") written from the ECG findings as an interpretation program would
// state them: a rhythm statement, conduction, hypertrophy, infarct and repolarisation statements,
// and a summary (Normal / Borderline / Abnormal ECG).
//
// Like a real machine it is imperfect: 6 % of AF is read as "Sinus arrhythmia"; small Q waves
// (< 0.25 mV) are called "Possible … infarct" or missed; mild ST-T changes are called
// "Nonspecific" or missed; LVH is not called in LBBB; 3 % of normal tracings get a nonspecific
// T-wave statement.
// Patient-specific statements: the measured ventricular rate ("Vent. rate 72 BPM", as printed in
// the tracing header; MIMIC-IV-ECG keeps it in machine_measurements.csv), paced rhythms (then no
// further morphology statements), sinus arrhythmia, premature complexes (a single one missed
// 10 %), axis deviation from the rendered QRS axis (< −30° left, > 100° right; "Leftward" /
// "Rightward axis" at −30…−15° / 90…100° in half the tracings), low QRS voltage, prolonged QT.
//
// Deliberately not here: measurements from the rendered signal (the statements come from the
// findings), the radiology report.

import TensorCore

extension ReportWriter {
    /// Writes the ECG machine report of one patient.
    ///
    ///     ReportWriter.cardiology(state.ecg, rng: &rng)   // "Sinus tachycardia. Borderline ECG."
    public static func cardiology(_ e: ECGFindings, rng: inout RNG) -> String {
        var s: [String] = ["Vent. rate \(Int(e.heartRate.rounded())) BPM"]
        var abnormal = false, borderline = false
        if let mode = e.pacing {
            s.append(["Ventricular paced rhythm", "Atrial-sensed ventricular-paced rhythm", "AV dual-paced rhythm"][mode.rawValue])
            if rng.bernoulli(0.5) { s.append("No further analysis attempted due to paced rhythm") }
            s.append("Abnormal ECG")
            return s.joined(separator: ". ") + "."
        }
        // Rhythm (+ first-degree AV block).
        var rhythm: String
        if e.atrialFibrillation {
            if rng.bernoulli(0.06) {
                rhythm = "Sinus arrhythmia"; borderline = true
            } else if e.heartRate > 100 {
                rhythm = "Atrial fibrillation with rapid ventricular response"; abnormal = true
            } else {
                rhythm = rng.bernoulli(0.15) ? "Atrial fibrillation with controlled ventricular response" : "Atrial fibrillation"
                abnormal = true
            }
        } else {
            rhythm = e.heartRate > 100 ? "Sinus tachycardia" : e.heartRate < 60 ? "Sinus bradycardia" : "Sinus rhythm"
            if e.heartRate > 100 || e.heartRate < 60 { borderline = true }
            if e.sinusArrhythmia && rng.bernoulli(0.8) {
                rhythm = e.heartRate < 60 ? "Sinus bradycardia with sinus arrhythmia" : "Sinus arrhythmia"; borderline = true
            }
        }
        var prStatement: String? = nil
        if !e.atrialFibrillation && e.pr > 0.2 {
            let u = rng.uniform()
            if e.pr < 0.23 && u < 0.25 {
                // missed
            } else if u < 0.8 {
                rhythm += " with 1st degree A-V block"; borderline = true
            } else {
                prStatement = "Prolonged PR interval"; borderline = true
            }
        }
        s.append(rhythm)
        if let p = prStatement { s.append(p) }
        for (count, kind) in [(e.pvcs, "Ventricular"), (e.pacs, "Atrial")] where count > 0 {
            if count == 1 && rng.bernoulli(0.1) { continue }
            s.append(count == 1 ? "\(kind) premature complex" : "\(kind) premature complexes"); borderline = true
        }

        switch e.conduction {
        case .rbbb:
            s.append(rng.bernoulli(0.1) ? "Incomplete right bundle branch block" : "Right bundle branch block"); abnormal = true
        case .lbbb:
            s.append("Left bundle branch block"); abnormal = true
        default: break
        }

        let axis = ECGSynth.frontalAxis(e)
        if axis < -30 {
            s.append("Left axis deviation"); abnormal = true
        } else if axis < -15 && rng.bernoulli(0.5) {
            s.append("Leftward axis"); borderline = true
        } else if axis > 100 {
            s.append("Right axis deviation"); abnormal = true
        } else if axis > 90 && rng.bernoulli(0.5) {
            s.append("Rightward axis"); borderline = true
        }

        // Hypertrophy (the strain pattern is reported with it).
        var strainReported = false
        if e.conduction != .lbbb {
            if e.voltage >= 1.6 {
                if e.stDepression > 0 && rng.bernoulli(0.6) {
                    s.append(pick(["Left ventricular hypertrophy with repolarization abnormality",
                                   "LVH with secondary repolarization abnormality"], &rng))
                    strainReported = true
                } else {
                    s.append("Left ventricular hypertrophy")
                }
                abnormal = true
            } else if e.voltage >= 1.35 {
                let u = rng.uniform()
                if u < 0.5 { s.append("Minimal voltage criteria for LVH, may be normal variant"); borderline = true }
                else if u < 0.75 { s.append("Left ventricular hypertrophy"); abnormal = true }
            } else if e.voltage >= 1.2 && rng.bernoulli(0.1) {
                s.append("Minimal voltage criteria for LVH, may be normal variant"); borderline = true
            } else if e.voltage < 0.72 && rng.bernoulli(0.9) || e.voltage < 0.8 && rng.bernoulli(0.3) {
                s.append(pick(["Low QRS voltages in limb leads", "Low voltage QRS"], &rng)); borderline = true
            }
        }

        // Infarction.
        if let t = e.infarct {
            let name = capitalized(t.name)
            if e.stElevation > 0 {
                if e.stElevation >= 0.15 {
                    s.append(pick(["\(name) injury pattern", "Acute \(t.name) infarct", "\(name) ST elevation - consider acute infarct"], &rng))
                    if rng.bernoulli(0.4) { s.append("** ** ACUTE MI / STEMI ** **") }
                } else {
                    s.append(pick(["\(name) ST elevation - consider acute infarct", "Consider \(t.name) injury"], &rng))
                }
                abnormal = true
            } else if e.qDepth >= 0.25 {
                s.append("\(name) infarct - age undetermined"); abnormal = true
            } else {
                let u = rng.uniform()
                if u < 0.5 { s.append("Possible \(t.name) infarct - age undetermined"); abnormal = true }
                else if u < 0.7 && t == .anterior { s.append("Poor R wave progression - consider anterior infarct"); abnormal = true }
            }
            if e.territoryTInversion && rng.bernoulli(0.6) {
                s.append("\(name) T wave changes may be due to myocardial ischemia"); abnormal = true
            }
        }

        // Repolarisation.
        if e.stDepression > 0 && !strainReported && e.conduction != .lbbb {
            if e.stDepression >= 0.15 {
                s.append(pick(["ST-T changes - possible ischemia", "Lateral ST-T changes may be due to myocardial ischemia",
                               "ST depression - possible subendocardial injury"], &rng))
                abnormal = true
            } else if rng.bernoulli(0.7) {
                s.append(pick(["Nonspecific ST-T wave changes", "Nonspecific T wave abnormality"], &rng))
                borderline = true
            }
        } else if !abnormal && !borderline && rng.bernoulli(0.03) {
            s.append("Nonspecific T wave abnormality"); borderline = true
        }

        if e.qtc >= 0.47 && rng.bernoulli(0.85) {
            s.append("Prolonged QT interval"); abnormal = true
        } else if e.qtc >= 0.45 && rng.bernoulli(0.4) {
            s.append("Borderline prolonged QT interval"); borderline = true
        }

        if abnormal {
            s.append("Abnormal ECG")
        } else if borderline {
            s.append(s.count == 2 && rng.bernoulli(0.5) ? "Otherwise normal ECG" : "Borderline ECG")
        } else {
            s.append("Normal ECG")
        }
        return s.joined(separator: ". ") + "."
    }
}
