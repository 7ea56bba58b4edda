import Foundation
import TensorCore
import Datasets
import NN
import MoRETestSupport
@testable import MoRE

/// A miniature MoRE (every architectural element, tiny sizes) and a matching random dataset,
/// shared by the trainer and gradient tests.
enum MicroMoRE {
    static var config: MoREConfig {
        var c = MicroConfig.architecture(name: "micro")
        c.xrayImageSize = 16
        c.xrayPatch = 8
        c.ecgLength = 50
        c.textMaxLength = 40
        c.optim.batchSize = 4
        c.optim.epochs = 3
        c.optim.checkpointEvery = 2
        c.optim.warmupSteps = 2
        c.optim.learningRate = 1e-3
        c.augment = true   // `tiny` trains without them; the trainer tests keep the augmented path covered
        return c
    }

    static func tokenizer() throws -> TextTokenizer { try MicroConfig.tokenizer() }

    /// `n` random patients whose reports mention one of four findings.
    static func split(_ n: Int, seed: UInt64, config c: MoREConfig) -> DatasetSplit {
        var rng = RNG(seed: seed, stream: RNG.stream("micro-data"))
        let h = c.xrayImageSize
        let findings = ["cardiomegaly", "edema", "effusion", "normal"]
        var rx: [String] = [], re: [String] = []
        let x = Tensor(shape: [n, h, h]) { p in for i in p.indices { p[i] = rng.uniform() } }
        let e = Tensor(shape: [n, 12, c.ecgLength]) { p in for i in p.indices { p[i] = rng.uniform(-1, 1) } }
        for i in 0..<n {
            rx.append("\(findings[i % 4]) is \(["mild", "severe"][i % 2]) .")
            re.append("sinus rhythm . \(["normal", "infarct", "atrial fibrillation"][i % 3]) .")
        }
        return DatasetSplit(name: "micro", ids: (0..<n).map { "m\($0)" }, xray: x, ecg: e, reportXray: rx, reportECG: re)
    }
}
