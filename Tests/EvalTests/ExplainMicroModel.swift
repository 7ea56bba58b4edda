// ExplainMicroModel — a miniature MoRE (every architectural element, tiny sizes) and a
// synthetic-cohort-like split with the label sets the explanation study reads (mimic4,
// ptbxl_super, regions_*), for the explanation tests: MicroModel's configuration with ECGs
// long enough to hold beats.

import Foundation
import TensorCore
import Datasets
import NN
@testable import MoRE

enum ExplainMicroModel {
    /// MicroModel's miniature MoRE (16×16 X-rays in 2×2 patches of 8) with 200-sample ECGs
    /// (36 tokens) and `depth` blocks per tower.
    static func config(depth: Int = 1) -> MoREConfig {
        var c = MicroModel.config
        c.name = "explain-micro"
        c.xray.depth = depth
        c.ecg.depth = depth
        c.ecgLength = 200
        return c
    }

    static func tokenizer() throws -> TextTokenizer { try MicroModel.tokenizer() }

    /// `n` patients: random X-rays; ECGs with a sharp beat every 80 samples (R at 20, 100, 180)
    /// plus noise; every patient positive for cardiomegaly, even rows for effusion, odd rows MI.
    static func split(_ n: Int, seed: UInt64, config c: MoREConfig) -> DatasetSplit {
        var rng = RNG(seed: seed, stream: RNG.stream("explain-micro"))
        let h = c.xrayImageSize, l = c.ecgLength
        let x = Tensor(shape: [n, h, h]) { p in for i in p.indices { p[i] = rng.uniform() } }
        let e = Tensor(shape: [n, 12, l]) { p in
            for i in p.indices {
                let t = i % l
                let d = Float(min((t - 20 + 800) % 80, 80 - (t - 20 + 800) % 80))
                p[i] = 0.02 * rng.uniform(-1, 1) + (d < 3 ? 1 - d / 3 : 0)
            }
        }
        var labels: [String: Tensor] = [:], names: [String: [String]] = [:]
        labels["mimic4"] = Tensor(shape: [n, 4], values: (0..<n).flatMap { i in [0, 1, 0, i % 2 == 0 ? 1 : 0] })
        names["mimic4"] = CohortLabels.mimic4Names
        labels["ptbxl_super"] = Tensor(shape: [n, 5], values: (0..<n).flatMap { i in [0, i % 2 == 1 ? 1 : 0, 0, 0, 0] })
        names["ptbxl_super"] = CohortLabels.ptbxlNames
        let boxes: [String: [Float]] = ["regions_heart": [0.4, 0.5, 0.8, 0.9], "regions_lung_right": [0.1, 0.1, 0.45, 0.8],
                                        "regions_lung_left": [0.55, 0.1, 0.9, 0.8], "regions_cp_right": [0.1, 0.6, 0.3, 0.85],
                                        "regions_cp_left": [0.7, 0.6, 0.9, 0.85], "regions_consolidation": [-1, -1, -1, -1]]
        for (name, b) in boxes {
            labels[name] = Tensor(shape: [n, 4], values: (0..<n).flatMap { _ in b })
            names[name] = CohortLabels.regionNames
        }
        return DatasetSplit(name: "explain-micro", ids: (0..<n).map { "e\($0)" }, xray: x, ecg: e,
                            reportXray: (0..<n).map { _ in "cardiomegaly ." }, reportECG: (0..<n).map { _ in "sinus rhythm ." },
                            labels: labels, labelNames: names)
    }
}
