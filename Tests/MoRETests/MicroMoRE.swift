import Foundation
import TensorCore
import Datasets
import NN
@testable import MoRE

/// A miniature MoRE (every architectural element, tiny sizes) and a matching random dataset,
/// shared by the trainer and gradient tests.
enum MicroMoRE {
    static let words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "report", "from", "xray", "ecg", "is", ":",
                        "cardiomegaly", "edema", "effusion", "normal", "sinus", "rhythm", "infarct", "no", "mild", "severe",
                        "left", "right", "atrial", "fibrillation", ".", ","]

    static var config: MoREConfig {
        var c = MoREConfig.tiny
        c.name = "micro"
        c.xray = ViTConfig(dim: 16, depth: 1, heads: 2)
        c.xrayImageSize = 16
        c.xrayPatch = 8
        c.ecg = ViTConfig(dim: 16, depth: 1, heads: 2)
        c.ecgLength = 50
        c.ecgStemChannels = 8
        c.text = TextEncoderConfig(family: .bert, vocabSize: words.count, hidden: 16, layers: 1, heads: 2, intermediate: 32,
                                   maxPositions: 64, typeVocab: 2, layerNormEps: 1e-12, padTokenId: 0)
        c.textModel = ""
        c.textMaxLength = 40
        c.optim.batchSize = 4
        c.optim.epochs = 3
        c.optim.checkpointEvery = 2
        c.optim.warmupSteps = 2
        c.optim.learningRate = 1e-3
        return c
    }

    static func tokenizer() throws -> TextTokenizer { try WordPieceTokenizer(tokens: words) }

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
