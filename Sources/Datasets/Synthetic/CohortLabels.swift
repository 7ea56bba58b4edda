// CohortLabels — the label sets of the synthetic cohort, mirroring the paper's downstream tasks.
//
// Label sets (stored under /labels/<name>, column names in `labelNames`):
//   chexpert13          [N, 13]  −1/0/1, MIMIC order, read from the radiology report as a
//                                CheXpert labeler would (not mentioned → 0, as the authors fill NaN)
//   mimic4              [N, 4]   columns 0, 1, 3, 9 of chexpert13 (Atelectasis, Cardiomegaly,
//                                Edema, Pleural Effusion)
//   edema_severity      [N]      0–3, the grade rendered in the image
//   chexpert5_class     [N]      0–4 class index (CheXpert 5×200-style set only)
//   ptbxl_super         [N, 5]   multi-hot NORM, MI, STTC, HYP, CD, from the findings drawn in
//                                the ECG (as a cardiologist annotating the tracing would)
//   ptbxl_super_single  [N]      index into ptbxl_super by the authors' priority
//                                NORM > STTC > MI > HYP > CD; −1 when no superclass applies
//   support_devices     [N, 1]   CheXpert's 14th finding "Support Devices" read from the report
//                                (1 when a tube, line, pacemaker or sternotomy is stated, else 0)
//   conditions          [N, 19]  the latent conditions (ground truth of the generator)
//   regions_*           [N, 4]   X-ray finding boxes (x0, y0, x1, y1) normalised to [0, 1], −1 absent
//                                (box label sets: columns `BoxLabels.columns`, checked by its rule)
// Class-index sets ([N]) carry their class names in the split attribute `classes_<name>` (the
// file's `columns` attribute of a 1-D label names the set itself).
//
// Deliberately not here: generating patients (SyntheticCohort), the report text.

import TensorCore

/// Label names and label-tensor builders of the synthetic cohort.
public enum CohortLabels {
    public static let chexpert13Names = ["Atelectasis", "Cardiomegaly", "Consolidation", "Edema", "Enlarged Cardiomediastinum",
                                         "Fracture", "Lung Lesion", "Lung Opacity", "No Finding", "Pleural Effusion",
                                         "Pleural Other", "Pneumonia", "Pneumothorax"]
    /// Columns of chexpert13 that form the 4-label MIMIC task.
    public static let mimic4Columns = [0, 1, 3, 9]
    public static let mimic4Names = ["Atelectasis", "Cardiomegaly", "Edema", "Pleural Effusion"]
    public static let chexpert5Names = ["Atelectasis", "Cardiomegaly", "Consolidation", "Edema", "Pleural Effusion"]
    public static let edemaSeverityNames = ["none", "mild", "moderate", "severe"]
    public static let ptbxlNames = ["NORM", "MI", "STTC", "HYP", "CD"]
    /// The authors' priority for the single-label version (indices into `ptbxlNames`).
    public static let ptbxlPriority = [0, 2, 1, 3, 4]  // NORM > STTC > MI > HYP > CD
    public static let conditionNames = ["Healthy", "HeartFailure", "MI", "MI-anterior", "MI-inferior", "MI-lateral", "MI-acute",
                                        "Ischemia", "RBBB", "LBBB", "AVBlock1", "Hypertensive", "AtrialFibrillation", "Pneumonia",
                                        "COPD", "Obesity", "CABG", "Pacemaker", "Intubated"]
    public static let regionSets = ["regions_heart", "regions_lung_right", "regions_lung_left", "regions_cp_right",
                                    "regions_cp_left", "regions_consolidation"]
    public static let regionNames = BoxLabels.columns

    /// PTB-XL superclasses (multi-hot, `ptbxlNames` order) of an ECG's findings:
    /// MI = infarct Q waves/ST elevation drawn; STTC = ST depression/T inversion ≥ 0.05 mV;
    /// HYP = LVH voltage; CD = bundle branch block or first-degree AV block;
    /// NORM = none of these and not atrial fibrillation (a rhythm, not a diagnostic superclass).
    /// A prolonged QTc (≥ 0.47 s) is STTC (PTB-XL's LNGQT). A paced ECG has no superclass (PTB-XL
    /// keeps PACE outside the five; the paced QRS hides the intrinsic morphology); premature
    /// complexes, axis deviation and low voltage are rhythm/form statements and do not change
    /// the superclasses.
    public static func ptbxlSuperclasses(_ e: ECGFindings) -> [Float] {
        if e.pacing != nil { return [0, 0, 0, 0, 0] }
        let mi: Float = e.infarct != nil ? 1 : 0
        let sttc: Float = e.stDepression >= 0.05 || e.qtc >= 0.47 ? 1 : 0
        let hyp: Float = e.hasLVH ? 1 : 0
        let cd: Float = e.conduction != .none ? 1 : 0
        let norm: Float = mi + sttc + hyp + cd == 0 && !e.atrialFibrillation ? 1 : 0
        return [norm, mi, sttc, hyp, cd]
    }

    /// The single label by priority NORM > STTC > MI > HYP > CD, or −1 when none is set.
    public static func ptbxlSingle(_ multiHot: [Float]) -> Float {
        for c in ptbxlPriority where multiHot[c] > 0 { return Float(c) }
        return -1
    }

    /// The latent conditions as a multi-hot row (`conditionNames` order).
    public static func conditions(_ c: LatentConditions) -> [Float] {
        func b(_ x: Bool) -> Float { x ? 1 : 0 }
        return [b(c.isHealthy), b(c.heartFailure > 0), b(c.infarct != nil), b(c.infarct == .anterior), b(c.infarct == .inferior),
                b(c.infarct == .lateral), b(c.infarct != nil && c.infarctAcute), b(c.ischemia), b(c.conduction == .rbbb),
                b(c.conduction == .lbbb), b(c.conduction == .avBlock1), b(c.hypertensive), b(c.atrialFibrillation),
                b(c.pneumonia != nil), b(c.copd), b(c.obese), b(c.cabg), b(c.pacemaker != nil), b(c.intubated)]
    }

    /// The CheXpert 5×200 class of a patient whose X-ray shows exactly one of the five findings
    /// (and whose report states it positively and no other of the five), else nil.
    public static func chexpert5Class(_ x: XrayFindings, _ m: ReportMentions) -> Int? {
        let present = [x.atelectasis != nil, x.cardiomegaly > 0, x.consolidation != nil, x.edema > 0, x.effusion != nil]
        guard present.filter({ $0 }).count == 1, let c = present.firstIndex(of: true) else { return nil }
        let labels = m.chexpert13
        let cols = [0, 1, 2, 3, 9]
        for (k, col) in cols.enumerated() where (labels[col] != 0) != (k == c) { return nil }
        return labels[cols[c]] == 1 ? c : nil
    }

    /// Builds the label sets for `patients`.
    ///
    /// - Parameters:
    ///   - xray: include the X-ray label sets (chexpert13, mimic4, edema_severity, regions_*).
    ///   - ecg: include the ECG label sets (ptbxl_super, ptbxl_super_single).
    ///   - classes: the chexpert5_class column, when the set has one.
    public static func build(_ patients: [SyntheticPatient], xray: Bool, ecg: Bool, classes: [Int]? = nil)
        -> (labels: [String: Tensor], names: [String: [String]]) {
        let n = patients.count
        var labels: [String: Tensor] = [:], names: [String: [String]] = [:]
        func matrix(_ name: String, _ columns: [String], _ row: (SyntheticPatient) -> [Float]) {
            labels[name] = Tensor(shape: [n, columns.count], values: patients.flatMap(row))
            names[name] = columns
        }
        func vector(_ name: String, _ classNames: [String], _ value: (Int) -> Float) {
            labels[name] = Tensor(shape: [n], values: (0..<n).map(value))
            names[name] = classNames
        }
        matrix("conditions", conditionNames) { conditions($0.state.conditions) }
        if xray {
            matrix("chexpert13", chexpert13Names) { $0.mentions.chexpert13 }
            matrix("support_devices", ["Support Devices"]) { [Float($0.mentions.supportDevices ?? 0)] }
            matrix("mimic4", mimic4Names) { p in let l = p.mentions.chexpert13; return mimic4Columns.map { l[$0] } }
            vector("edema_severity", edemaSeverityNames) { Float(patients[$0].state.xray.edema) }
            let boxes: [(XrayRegions) -> SIMD4<Float>] = [{ $0.heart }, { $0.lungRight }, { $0.lungLeft },
                                                          { $0.costophrenicRight }, { $0.costophrenicLeft }, { $0.consolidation }]
            for (name, box) in zip(regionSets, boxes) {
                matrix(name, regionNames) { p in let b = box(p.regions); return [b.x, b.y, b.z, b.w] }
            }
        }
        if let classes { vector("chexpert5_class", chexpert5Names) { Float(classes[$0]) } }
        if ecg {
            matrix("ptbxl_super", ptbxlNames) { ptbxlSuperclasses($0.state.ecg) }
            vector("ptbxl_super_single", ptbxlNames) { ptbxlSingle(ptbxlSuperclasses(patients[$0].state.ecg)) }
        }
        return (labels, names)
    }
}
