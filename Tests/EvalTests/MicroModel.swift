// MicroModel — a miniature MoRE (every architectural element, tiny sizes, random weights) and
// a matching random labelled dataset for the evaluation-protocol tests. The architecture is
// Tests/MoRETestSupport/MicroConfig.swift's, shared with Tests/MoRETests/MicroMoRE.swift.

import Foundation
import TensorCore
import Datasets
import NN
import MoRE
import MoRETestSupport

enum MicroModel {
    static var config: MoREConfig {
        var c = MicroConfig.architecture(name: "micro-eval")
        c.xrayImageSize = 16
        c.xrayPatch = 8
        c.ecgLength = 50
        c.textMaxLength = 40
        return c
    }

    static func model(seed: UInt64 = 7) -> MoREModel { MoREModel(config: config, seed: seed) }

    static func tokenizer() throws -> TextTokenizer { try MicroConfig.tokenizer() }

    /// `n` random patients with reports, a multi-label set "findings" [N, 3] (with one −1 row)
    /// and a single-label set "grade" [N] in 0–3.
    static func split(_ n: Int, seed: UInt64) -> DatasetSplit {
        let c = config
        var rng = RNG(seed: seed, stream: RNG.stream("micro-eval-data"))
        let h = c.xrayImageSize
        let x = Tensor(shape: [n, h, h]) { p in for i in p.indices { p[i] = rng.uniform() } }
        let e = Tensor(shape: [n, 12, c.ecgLength]) { p in for i in p.indices { p[i] = rng.uniform(-1, 1) } }
        let findings = ["cardiomegaly", "edema", "effusion", "normal"]
        var rx: [String] = [], re: [String] = [], multi: [Float] = [], grade: [Float] = []
        for i in 0..<n {
            rx.append("\(findings[i % 4]) is \(["mild", "severe"][i % 2]) .")
            re.append("sinus rhythm . \(["normal", "infarct", "atrial fibrillation"][i % 3]) .")
            multi += [i % 4 == 0 ? 1 : 0, i % 4 == 1 ? 1 : 0, i == 3 ? -1 : (i % 4 == 2 ? 1 : 0)]
            grade.append(Float(i % 4))
        }
        return DatasetSplit(name: "micro", ids: (0..<n).map { "m\($0)" }, xray: x, ecg: e, reportXray: rx, reportECG: re,
                            labels: ["findings": Tensor(shape: [n, 3], values: multi), "grade": Tensor(shape: [n], values: grade)],
                            labelNames: ["findings": ["Cardiomegaly", "Edema", "Pleural Effusion"],
                                         "grade": ["none", "mild", "moderate", "severe"]])
    }
}
