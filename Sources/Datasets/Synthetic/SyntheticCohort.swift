// SyntheticCohort — assembles the synthetic tri-modal cohort into dataset splits.
//
// Sets (default sizes; `scaled(pretrain:)` scales them all), every patient in exactly one row:
//   pretrain_{train,val,test}       2600/200/200  X-ray + ECG + both reports, all label sets
//   mimic4label_{train,val,test}     400/100/300  as pretrain, rows whose 13 labels have no −1
//                                                 (the authors drop uncertain rows for this probe)
//   chexpert5x200                   5 × 100       X-ray + report, exactly one of the 5 findings
//   edema_{train,val,test}           300/100/200  X-ray + report, grades 0–3 ≈ 35/30/25/10 %
//   ptbxl_{train,val,test}           600/100/300  ECG + report, rows with ≥ 1 superclass
// Patient ids live in one block of 10⁷ per set, so the sets are disjoint and a set's content
// does not depend on the sizes of the others. Patient `id` draws its state (and any rejection
// sampling) from `RNG(seed:, stream: RNG.stream("patient", id))`, its X-ray, ECG and report
// from streams "patient-xray", "patient-ecg", "patient-report"; rows are generated in parallel,
// so the output is bitwise identical for any thread count and run.
//
// Deliberately not here: writing files (the HDF5 writer), the figure of sample patients
// (`SyntheticGallery`).

import Foundation
import TensorCore

/// Sizes of a train/val/test triple.
public struct SplitSizes: Sendable, Equatable {
    public var train: Int, val: Int, test: Int
    public init(train: Int, val: Int, test: Int) { self.train = train; self.val = val; self.test = test }
    func scaled(_ f: Double) -> SplitSizes {
        func s(_ n: Int) -> Int { max(2, Int((Double(n) * f).rounded())) }
        return SplitSizes(train: s(train), val: s(val), test: s(test))
    }
}

/// Which splits keep the raw 500 Hz ECG (`/ecg_raw`, 240 kB per patient).
public enum RawECGPolicy: String, Sendable, CaseIterable { case none, pretrainTest = "pretrain-test", all }

/// Configuration of the synthetic cohort (plain data with visible defaults).
public struct SyntheticCohortConfig: Sendable, Equatable {
    public var seed: UInt64 = 42
    /// X-ray side length (64 for the tiny config, 224 for the paper config).
    public var xraySize = 64
    public var pretrain = SplitSizes(train: 2600, val: 200, test: 200)
    public var mimic4label = SplitSizes(train: 400, val: 100, test: 300)
    public var chexpert5PerClass = 100
    public var edema = SplitSizes(train: 300, val: 100, test: 200)
    public var ptbxl = SplitSizes(train: 600, val: 100, test: 300)
    public var rawECG = RawECGPolicy.pretrainTest
    /// Scale of the X-ray phantom's acquisition variation, geometry and exposure (lung darkness
    /// and haze included; `XrayVariation`): 1 and 1 is the default cohort, smaller values make
    /// every image more alike so that the findings stand out (a learnability experiment,
    /// PAPER.md §5.1). Each in [0, 1].
    public var xrayVariation = XrayVariation.default

    public init() {}

    /// The same cohort with every set scaled so that pre-training has `patients` patients.
    public func scaled(pretrain patients: Int) -> SyntheticCohortConfig {
        var c = self
        let f = Double(patients) / 3000
        c.pretrain = pretrain.scaled(f)
        c.pretrain.train = max(2, patients - c.pretrain.val - c.pretrain.test)
        c.mimic4label = mimic4label.scaled(f); c.edema = edema.scaled(f); c.ptbxl = ptbxl.scaled(f)
        c.chexpert5PerClass = max(2, Int((Double(chexpert5PerClass) * f).rounded()))
        return c
    }
}

/// The kind of a set decides which patients it accepts and which modalities it stores.
public enum CohortSetKind: String, Sendable, CaseIterable {
    case pretrain, mimic4label, chexpert5x200, edema, ptbxl
    var idBlock: Int { [0, 1, 2, 3, 4][CohortSetKind.allCases.firstIndex(of: self)!] * 10_000_000 }
    var hasXray: Bool { self != .ptbxl }
    var hasECG: Bool { self == .pretrain || self == .mimic4label || self == .ptbxl }
}

/// One split to generate: its file name, kind, rows and the first patient id.
public struct CohortSplitSpec: Sendable, Equatable {
    public var name: String
    public var kind: CohortSetKind
    public var count: Int
    public var firstID: Int
    public var storeRawECG: Bool
}

/// One generated patient (its images go straight into the split's tensors).
public struct SyntheticPatient: Sendable {
    public var id: Int
    public var state: PatientState
    public var regions = XrayRegions()
    public var reportXray = ""
    public var reportECG = ""
    public var mentions = ReportMentions()
}

/// Generator of the synthetic tri-modal cohort.
public enum SyntheticCohort {
    /// Generator name and version (root attributes `generator`, `generator_version`).
    public static let generator = "MoRE.swift SyntheticCohort"
    public static let version = "2"  // 2: devices, lung volumes, aorta, incidentals; axis, ectopy, pacing, QT, rate

    /// Every split of the cohort, in generation order.
    public static func plan(_ c: SyntheticCohortConfig) -> [CohortSplitSpec] {
        var out: [CohortSplitSpec] = []
        func triple(_ kind: CohortSetKind, _ s: SplitSizes) {
            var id = kind.idBlock
            for (part, n) in [("train", s.train), ("val", s.val), ("test", s.test)] {
                let raw = kind.hasECG && (c.rawECG == .all || (c.rawECG == .pretrainTest && kind == .pretrain && part == "test"))
                out.append(CohortSplitSpec(name: "\(kind.rawValue)_\(part)", kind: kind, count: n, firstID: id, storeRawECG: raw))
                id += n
            }
        }
        triple(.pretrain, c.pretrain)
        triple(.mimic4label, c.mimic4label)
        out.append(CohortSplitSpec(name: "chexpert5x200", kind: .chexpert5x200, count: 5 * c.chexpert5PerClass,
                                   firstID: CohortSetKind.chexpert5x200.idBlock, storeRawECG: false))
        triple(.edema, c.edema)
        triple(.ptbxl, c.ptbxl)
        return out
    }

    /// Draws patient `id` for a set, rejection-sampling within the patient's own stream until it
    /// qualifies (see the file header); `row` picks the class of class-balanced sets.
    static func drawPatient(id: Int, row: Int, spec: CohortSplitSpec, config c: SyntheticCohortConfig) -> (SyntheticPatient, Int?) {
        var rng = RNG(seed: c.seed, stream: RNG.stream("patient", id))
        var reportRNG = RNG(seed: c.seed, stream: RNG.stream("patient-report", id))
        let perClass = max(1, spec.count / 5)
        let targetClass = min(4, row / perClass)
        let edemaTarget: Int = {
            guard spec.kind == .edema else { return 0 }
            let u = rng.uniform()
            return u < 0.35 ? 0 : u < 0.65 ? 1 : u < 0.9 ? 2 : 3
        }()
        for _ in 0..<100_000 {
            let state = PatientState.sample(&rng)
            switch spec.kind {
            case .chexpert5x200:
                let x = state.xray
                let present = [x.atelectasis != nil, x.cardiomegaly > 0, x.consolidation != nil, x.edema > 0, x.effusion != nil]
                if !present[targetClass] || present.filter({ $0 }).count != 1 { continue }
            case .edema:
                if state.xray.edema != edemaTarget { continue }
            case .ptbxl:
                if CohortLabels.ptbxlSuperclasses(state.ecg).allSatisfy({ $0 == 0 }) { continue }
            default: break
            }
            var p = SyntheticPatient(id: id, state: state)
            if spec.kind.hasXray {
                (p.reportXray, p.mentions) = ReportWriter.radiology(state.xray, pneumonia: state.conditions.pneumonia != nil, rng: &reportRNG)
            }
            if spec.kind.hasECG { p.reportECG = ReportWriter.cardiology(state.ecg, rng: &reportRNG) }
            if spec.kind == .mimic4label && p.mentions.chexpert13.contains(-1) { continue }
            if spec.kind == .chexpert5x200 {
                guard let k = CohortLabels.chexpert5Class(state.xray, p.mentions), k == targetClass else { continue }
                return (p, k)
            }
            return (p, nil)
        }
        preconditionFailure("SyntheticCohort: patient \(id) of \(spec.name) found no qualifying state in 100000 draws")
    }

    /// Generates one split in memory.
    public static func generate(_ spec: CohortSplitSpec, config c: SyntheticCohortConfig) -> DatasetSplit {
        generate(spec, config: c, ids: (0..<spec.count).map { spec.firstID + $0 })
    }

    /// Generates the rows of patient `ids` (one per row) with the rules of `spec`.
    static func generate(_ spec: CohortSplitSpec, config c: SyntheticCohortConfig, ids: [Int]) -> DatasetSplit {
        let n = ids.count, s = c.xraySize, L = ECGSynth.rawLength, l = L / ECGDecimator.factor
        let xray = spec.kind.hasXray ? Tensor(zeros: [n, s, s]) : nil
        let ecg = spec.kind.hasECG ? Tensor(zeros: [n, 12, l]) : nil
        let raw = spec.storeRawECG ? Tensor(zeros: [n, 12, L]) : nil
        var patients = [SyntheticPatient?](repeating: nil, count: n)
        var classes = [Int](repeating: 0, count: n)
        patients.withUnsafeMutableBufferPointer { pp in
            classes.withUnsafeMutableBufferPointer { cc in
                ThreadPool.shared.parallelFor(n) { row in
                    let id = ids[row]
                    var (p, k) = drawPatient(id: id, row: row, spec: spec, config: c)
                    if let xray {
                        var r = RNG(seed: c.seed, stream: RNG.stream("patient-xray", id))
                        p.regions = XrayPhantom.render(p.state.xray, male: p.state.conditions.male, size: s,
                                                       into: xray.pointer + row * s * s, variation: c.xrayVariation, rng: &r)
                    }
                    if let ecg {
                        var r = RNG(seed: c.seed, stream: RNG.stream("patient-ecg", id))
                        var buffer = [Float](repeating: 0, count: 12 * L)
                        buffer.withUnsafeMutableBufferPointer { b in
                            ECGSynth.render(p.state.ecg, male: p.state.conditions.male, into: b.baseAddress!, rng: &r)
                            ECGDecimator.decimate12(b.baseAddress!, length: L, into: ecg.pointer + row * 12 * l)
                            if let raw { (raw.pointer + row * 12 * L).update(from: b.baseAddress!, count: 12 * L) }
                        }
                    }
                    pp[row] = p
                    cc[row] = k ?? 0
                }
            }
        }
        let done = patients.map { $0! }
        let (labels, built) = CohortLabels.build(done, xray: spec.kind.hasXray, ecg: spec.kind.hasECG,
                                                 classes: spec.kind == .chexpert5x200 ? classes : nil)
        var names = built
        var attributes = attributes(spec, config: c)
        for (name, classes) in names where labels[name]?.rank == 1 {
            attributes[DatasetSchema.classesAttribute(name)] = classes.joined(separator: ",")  // class names of a class-index label
            names[name] = nil
        }
        return DatasetSplit(name: spec.name, ids: done.map { String(format: "synth-%08d", $0.id) },
                            xray: xray, ecg: ecg, ecgRaw: raw,
                            reportXray: spec.kind.hasXray ? done.map(\.reportXray) : [],
                            reportECG: spec.kind.hasECG ? done.map(\.reportECG) : [],
                            labels: labels, labelNames: names, attributes: attributes)
    }

    /// Root attributes of a generated split.
    static func attributes(_ spec: CohortSplitSpec, config c: SyntheticCohortConfig) -> [String: String] {
        var a: [String: String] = [
            "source": "synthetic cohort",
            "generator": generator,
            "generator_version": version,
            "seed": String(c.seed),
            "split": spec.name,
            "set": spec.kind.rawValue,
            "patients": String(spec.count),
            "first_patient_id": String(spec.firstID),
            "label_source": "chexpert13/mimic4/support_devices from the radiology report (labeler rules); edema_severity from the image; "
                + "ptbxl_super from the ECG findings; conditions = latent generator state",
        ]
        if spec.kind.hasXray {
            a["xray_size"] = String(c.xraySize)
            a.merge(c.xrayVariation.attributes) { $1 }   // none for the default (its files unchanged)
            a["xray_preprocessing"] = "none: phantom intensities in [0, 1] (bright = dense), before CLAHE/normalisation"
            a["regions"] = "boxes (x0, y0, x1, y1) in image coordinates normalised to [0, 1], -1 when absent; "
                + "patient's right is on the image left"
        }
        var pre: [String] = []
        if spec.kind.hasXray { pre.append("xray: none (phantom intensities in [0, 1])") }
        if spec.kind.hasECG { pre.append("ecg: 500 Hz synthesis, FIR anti-alias (61 taps, 40 Hz) and decimation to 100 Hz; no filtering") }
        a["preprocessing"] = pre.joined(separator: "; ")
        if spec.kind.hasECG {
            a["ecg_lead_order"] = ECGSynth.leadNames.joined(separator: ",")
            a["ecg_units"] = "mV"
            a["ecg_sample_rate"] = "100"
            a["ecg_raw_sample_rate"] = "500"
            a["ecg_preprocessing"] = "500 Hz dipole model; 100 Hz = 61-tap Hamming windowed-sinc low-pass (40 Hz) then "
                + "decimation by 5 of I, II, V1-V6, limb leads re-derived; baseline wander and noise kept (no filtering)"
        }
        return a
    }

    /// Generates every split of the cohort (in `plan` order).
    public static func generateAll(_ c: SyntheticCohortConfig) -> [DatasetSplit] {
        plan(c).map { generate($0, config: c) }
    }
}
