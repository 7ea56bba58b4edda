// SyntheticGallery — one representative patient per condition, for the data figure of PAPER.md
// (sample X-rays and ECG strips per condition) and for eyeballing the generator.
//
// For each condition the gallery searches patient ids in a reserved block (9·10⁷ + 10⁵·k + i,
// disjoint from every cohort set) for the first patient who has that condition *alone* among the
// cardiopulmonary conditions and shows its typical findings (e.g. heart failure with
// cardiomegaly and edema ≥ 2; inferior MI with ST elevation). The result is deterministic per
// seed and is returned as a `DatasetSplit` whose ids name the conditions.
//
// Deliberately not here: drawing (the Plot module), statistics over the cohort.

import TensorCore

extension SyntheticCohort {
    /// Conditions shown in the gallery, in row order.
    public static let galleryConditions = ["Healthy", "HeartFailure", "MI-anterior", "MI-inferior", "MI-lateral",
                                           "Hypertensive", "AtrialFibrillation", "RBBB", "LBBB", "AVBlock1",
                                           "Ischemia", "Pneumonia"]

    /// Whether `s` is a clean, typical example of gallery condition `k`.
    static func isRepresentative(_ s: PatientState, _ k: Int) -> Bool {
        let c = s.conditions, x = s.xray, e = s.ecg
        var alone = c
        alone.lungNodule = false; alone.ribFracture = false; alone.pneumothorax = nil; alone.pleuralThickening = false
        alone.age = 0; alone.male = true
        alone.obese = false  // COPD, bypass, pacemaker (paced ECG) and intubation are not incidental
        var reference = LatentConditions()
        reference.age = 0
        switch galleryConditions[k] {
        case "Healthy":
            return alone == reference && x.cardiomegaly == 0 && x.edema == 0 && x.effusion == nil && x.atelectasis == nil
                && x.consolidation == nil && !e.hasLVH && e.heartRate >= 60 && e.heartRate <= 90
        case "HeartFailure":
            reference.heartFailure = c.heartFailure
            return alone == reference && c.heartFailure >= 2 && x.cardiomegaly >= 2 && x.edema >= 2 && x.effusion != nil
        case "MI-anterior", "MI-inferior", "MI-lateral":
            let t = InfarctTerritory.allCases[k - 2]
            reference.infarct = t; reference.infarctAcute = true
            return alone == reference && e.infarct == t && e.stElevation >= 0.2
        case "Hypertensive":
            reference.hypertensive = true
            return alone == reference && e.voltage >= 1.7 && x.cardiomegaly >= 1
        case "AtrialFibrillation":
            reference.atrialFibrillation = true
            return alone == reference && e.atrialFibrillation && e.heartRate > 80
        case "RBBB", "LBBB", "AVBlock1":
            reference.conduction = [ConductionDisease.rbbb, .lbbb, .avBlock1][k - 7]
            return alone == reference
        case "Ischemia":
            reference.ischemia = true
            return alone == reference && e.stDepression >= 0.15
        case "Pneumonia":
            reference.pneumonia = c.pneumonia
            return alone == reference && x.consolidation != nil && e.heartRate > 100
        default:
            return false
        }
    }

    /// One representative patient per entry of `galleryConditions` (X-ray, 100 Hz and raw ECG,
    /// both reports, all label sets); ids are "gallery-<condition>".
    public static func gallery(_ config: SyntheticCohortConfig) -> DatasetSplit {
        let spec = CohortSplitSpec(name: "gallery", kind: .pretrain, count: galleryConditions.count, firstID: 90_000_000,
                                   storeRawECG: true)
        var ids: [Int] = []
        for k in galleryConditions.indices {
            let base = 90_000_000 + 100_000 * k
            var found = base
            for i in 0..<100_000 {
                var rng = RNG(seed: config.seed, stream: RNG.stream("patient", base + i))
                if isRepresentative(PatientState.sample(&rng), k) { found = base + i; break }
            }
            ids.append(found)
        }
        var split = generate(spec, config: config, ids: ids)
        split.ids = galleryConditions.map { "gallery-\($0)" }
        split.attributes["split"] = "gallery"
        return split
    }
}
