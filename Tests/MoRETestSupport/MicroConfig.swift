// MicroConfig — the miniature MoRE architecture shared by the test targets that build micro
// models (MoRETests, EvalTests, ReproduceTests): `tiny` with every tower shrunk to width 16 and
// one block, the ECG stem to 8 channels, and a random one-layer BERT text tower; plus a small
// WordPiece vocabulary for it. Each test sets its own name, input sizes and optimisation on top.
// Deliberately no data here: each suite draws the rows its assertions need.

import Datasets
import NN
import MoRE

public enum MicroConfig {
    /// A small WordPiece vocabulary covering the micro reports.
    public static let words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "report", "from", "xray", "ecg", "is", ":",
                               "cardiomegaly", "edema", "effusion", "normal", "sinus", "rhythm", "infarct", "no", "mild", "severe",
                               "left", "right", "atrial", "fibrillation", ".", ","]

    public static func tokenizer() throws -> TextTokenizer { try WordPieceTokenizer(tokens: words) }

    /// `tiny` with ViTs of width 16 (1 block, 2 heads), an 8-channel ECG stem and a random
    /// BERT text tower of width 16 (1 layer, 2 heads, FFN 32) over `vocabSize` tokens.
    public static func architecture(name: String, vocabSize: Int = words.count, maxPositions: Int = 64) -> MoREConfig {
        var c = MoREConfig.tiny
        c.name = name
        c.xray = ViTConfig(dim: 16, depth: 1, heads: 2)
        c.ecg = ViTConfig(dim: 16, depth: 1, heads: 2)
        c.ecgStemChannels = 8
        c.text = TextEncoderConfig(family: .bert, vocabSize: vocabSize, hidden: 16, layers: 1, heads: 2, intermediate: 32,
                                   maxPositions: maxPositions, typeVocab: 2, layerNormEps: 1e-12, padTokenId: 0)
        c.textModel = ""
        return c
    }
}
