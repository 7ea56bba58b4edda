// more data synth — generates the synthetic tri-modal cohort (the embedded default dataset) and
// writes one HDF5 file per split into --out:
//
//   pretrain_{train,val,test}.h5      X-ray + ECG + both reports + all label sets
//   mimic4label_{train,val,test}.h5   same content, rows without uncertain (−1) labels
//   chexpert5x200.h5                  X-ray + report, 5 classes × K (K = 100 by default)
//   edema_{train,val,test}.h5         X-ray + report, edema grades 0–3
//   ptbxl_{train,val,test}.h5         ECG + report, PTB-XL superclasses
//
// Each file is written to a temporary name, and all are renamed into place together once every
// split is written (FileTransaction), so a failed or interrupted run leaves neither a half-written
// split nor new splits beside an earlier cohort's. Prints per-split rows, size and time, then the
// totals.
// Deliberately not here: the generator (Sources/Datasets/Synthetic), the file format (HDF5/).

import ArgumentParser
import Datasets
import Foundation

struct DataSynth: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Generate the synthetic tri-modal cohort (one HDF5 file per split).",
        discussion: """
            Patients have latent cardiopulmonary conditions that show up in the X-ray phantom, the \
            12-lead ECG and the two reports. Same seed → byte-identical files, for any thread count.
            """)

    @Option(name: .long, help: "Output folder (created if missing).")
    var out: String

    @Option(name: .long, help: ArgumentHelp(
        "Pre-training patients, at least 10. Every other set scales from the default cohort's sizes by N/3000, "
            + "keeping at least 2 rows per split (chexpert5x200: 5 × max(2, round(N/30)), so 10 rows for N = 50); "
            + "PAPER.md, 'Splits and sizes'.", valueName: "N"))
    var patients: Int = 3000

    @Option(name: .long, help: "Random seed.")
    var seed: UInt64 = 42

    @Option(name: .long, help: "X-ray side length: 64 (tiny config) or 224 (paper config).")
    var xraySize: Int = 64

    @Option(name: .long, help: "Scale of the X-ray phantoms' acquisition variation (geometry, exposure, lung darkness, haze) in [0, 1]; 1 = the default cohort. A learnability experiment (PAPER.md §5.1).")
    var xrayVariation: Float = 1

    @Option(name: .long, help: "Scale of the geometric part alone (rotation, scale, shift) in [0, 1]; overrides --xray-variation for it.")
    var xrayGeometryVariation: Float?

    @Option(name: .long, help: "Scale of the exposure part alone (contrast, brightness, gamma, heel effect, lung darkness, haze) in [0, 1]; overrides --xray-variation for it.")
    var xrayExposureVariation: Float?

    /// The phantom's variation from the three options: each part's own option, else --xray-variation.
    var variation: XrayVariation {
        XrayVariation(geometry: xrayGeometryVariation ?? xrayVariation, exposure: xrayExposureVariation ?? xrayVariation)
    }

    @Option(name: .long, help: "Which splits keep the raw 500 Hz ECG (/ecg_raw): none, pretrain-test, all.")
    var rawEcg: String = RawECGPolicy.pretrainTest.rawValue

    @Option(name: .long, help: "zlib level 1-9 for the numeric datasets (default: uncompressed).")
    var deflate: Int?

    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        guard xraySize == 64 || xraySize == 224 else { throw ValidationError("--xray-size must be 64 or 224, got \(xraySize)") }
        for (flag, value) in [("--xray-variation", xrayVariation), ("--xray-geometry-variation", xrayGeometryVariation ?? 1),
                              ("--xray-exposure-variation", xrayExposureVariation ?? 1)] {
            guard (0...1).contains(value) else { throw ValidationError("\(flag) must be in [0, 1], got \(value)") }
        }
        guard patients >= 10 else { throw ValidationError("--patients must be at least 10, got \(patients)") }
        let memory = ProcessInfo.processInfo.physicalMemory, limit = maxPatients(memory: memory)
        guard patients <= limit else {
            throw ValidationError("--patients \(patients) would need about \(patients / 1000 * bytesPerPatient / 1_000_000) GB of memory, "
                                  + "more than half of this machine's \(memory / 1_000_000_000) GB; at most \(limit) here")
        }
        guard RawECGPolicy(rawValue: rawEcg) != nil else {
            throw ValidationError("--raw-ecg must be one of \(RawECGPolicy.allCases.map(\.rawValue).joined(separator: ", ")), got \(rawEcg)")
        }
        if let d = deflate, !(1...9).contains(d) { throw ValidationError("--deflate must be 1-9, got \(d)") }
    }

    /// A generous estimate of the memory per pre-training patient while the cohort is generated:
    /// with every downstream set about two patients' X-rays and ECGs in float32 (5,900 patients
    /// for the default 3,000), plus the raw 500 Hz ECG when every split keeps it.
    var bytesPerPatient: Int {
        2 * 4 * (xraySize * xraySize + 12 * 1000 + (rawEcg == RawECGPolicy.all.rawValue ? 12 * 5000 : 0))
    }

    /// The largest --patients whose estimate fits in half of `memory` bytes.
    func maxPatients(memory: UInt64) -> Int { Int(memory / 2 / UInt64(bytesPerPatient)) }

    func run() throws {
        try compute.apply()
        var config = SyntheticCohortConfig().scaled(pretrain: patients)
        config.seed = seed
        config.xraySize = xraySize
        config.xrayVariation = variation
        config.rawECG = RawECGPolicy(rawValue: rawEcg) ?? .pretrainTest
        let folder = URL(fileURLWithPath: out)
        // An --out that is a file, or lies under one, is named in plain words (ConvertPaths.swift),
        // not as Foundation's "NSCocoaErrorDomain error 512".
        try requireWritableOutputFolder(folder)
        try createOutputFolder(folder)
        let options = HDF5WriteOptions(deflateLevel: deflate)
        let start = Date()
        var generation = 0.0, bytes = 0, rows = 0
        let summary = variation.summary.isEmpty ? "" : ", " + variation.summary
        print("synthetic cohort: seed \(seed), X-ray \(xraySize)x\(xraySize)\(summary), \(patients) pre-training patients -> \(folder.path)")
        // The splits are one cohort: each is written under a temporary name and all are renamed
        // together at the end, so a failure (a full disk, an interruption) leaves the folder's
        // previous cohort whole, never new splits beside old ones of another seed or size.
        let files = FileTransaction()
        for spec in SyntheticCohort.plan(config) {
            let t0 = Date()
            let split = SyntheticCohort.generate(spec, config: config)
            let t1 = Date()
            var size = 0
            try files.stage(folder.appendingPathComponent("\(spec.name).h5")) { tmp in
                try writeHDF5(split, to: tmp, options: options)
                size = (try? FileManager.default.attributesOfItem(atPath: tmp.path)[.size] as? Int) ?? 0
            }
            generation += t1.timeIntervalSince(t0); bytes += size; rows += split.count
            let file = "\(spec.name).h5".padding(toLength: 22, withPad: " ", startingAt: 0)
            print(file + String(format: "%5d rows  %8.1f MB  generated in %5.2f s, written in %5.2f s",
                                split.count, Double(size) / 1e6,
                         t1.timeIntervalSince(t0), Date().timeIntervalSince(t1)))
        }
        try files.commit()
        print(String(format: "%d patients, %.1f MB in %d files; generation %.1f s, total %.1f s",
                     rows, Double(bytes) / 1e6, SyntheticCohort.plan(config).count, generation, Date().timeIntervalSince(start)))
    }
}
