// Embeddings — extraction of embeddings of a whole split (or of arbitrary strings) with a frozen
// MoRE model, for every evaluation protocol and for `more embed`.
//
//     X-ray:  z_x = g_x(f_x(x))      ECG: z_e = g_e(f_e(e))      text: z_t = g_t(f_t(tokens))
//
// `.projected` gives the 128-d z (the contrastive space); `.features` the pooled encoder output
// h before the projection head (X-ray/ECG CLS after the final LayerNorm, the text tower's
// pooled state). Extraction runs in evaluation mode (no DropKey, dropout off, BatchNorm on its
// running statistics, so rows are independent of each other) under `noGrad`, in batches of
// `batchSize` rows in row order; the model's train/eval mode is restored afterwards. Since
// every row is computed independently, the result does not depend on the batch size up to
// float rounding of differently shaped products (≤ 1e-5 measured), and it is bitwise
// identical across runs and thread counts.
//
// Text: a dataset's "report" text is the authors' sentence pair (prefixed radiology report,
// prefixed cardiology report; `tokenizeReports`); prompts and queries are encoded alone, no
// prefix (as the authors' zero-shot scripts), truncated to `maxLength`. The pooling is the
// model config's (`textPooling`): with `.paddedMean` (the authors') every row is padded to
// `maxLength`, because the mean then includes the padding.
//
// Deliberately not here: scoring (ZeroShot, RetrievalProtocol), files (`more embed`).

import Foundation
import TensorCore
import Autodiff
import NN
import Datasets
import MoRE

/// Which modality of a split to embed.
public enum EmbeddingModality: String, Sendable, CaseIterable {
    case xray, ecg
    /// The report pair (radiology + cardiology report, with the authors' prefixes).
    case text
}

/// Where to take the vector: after the projection head (128-d) or before it.
public enum EmbeddingStage: String, Sendable, CaseIterable {
    case projected, features
}

/// How to run an extraction.
public struct EmbeddingOptions {
    public var stage: EmbeddingStage
    /// Rows per forward pass.
    public var batchSize: Int
    /// Called after each batch with (rows done, rows total).
    public var progress: ((Int, Int) -> Void)?

    public init(stage: EmbeddingStage = .projected, batchSize: Int = 64, progress: ((Int, Int) -> Void)? = nil) {
        self.stage = stage; self.batchSize = batchSize; self.progress = progress
    }
}

/// Loads a checkpoint for evaluation; with `expect` its config must be that one.
/// Throws `EvalError.configMismatch` naming the checkpoint and both configs.
public func loadEvaluationModel(checkpoint url: URL, expect: MoREConfig? = nil) throws -> (MoREModel, LoadedCheckpoint) {
    do {
        let (m, ck) = try MoREModel.load(checkpoint: url, expect: expect)
        m.eval()
        return (m, ck)
    } catch CheckpointError.configMismatch(let file, let expected, let found) {
        throw EvalError.configMismatch(checkpoint: file, expected: expected, found: found)
    }
}

extension MoREModel {
    /// Runs `body` in evaluation mode without graph recording, then restores the mode.
    func evaluating<R>(_ body: () throws -> R) rethrows -> R {
        let wasTraining = isTraining
        eval()
        defer { train(wasTraining) }
        return try noGrad(body)
    }

    /// Output width of `modality` at `stage`.
    public func embeddingWidth(_ modality: EmbeddingModality, stage: EmbeddingStage) -> Int {
        if stage == .projected { return config.projectionDim }
        switch modality {
        case .xray: return config.xray.dim
        case .ecg: return config.ecg.dim
        case .text: return config.text.hidden
        }
    }

    /// Embeds N rows in batches: `forward(rows)` returns [b, D]. Output [N, D].
    func embedRows(count n: Int, width d: Int, options o: EmbeddingOptions, _ forward: (Range<Int>) throws -> Tensor) throws -> Tensor {
        guard o.batchSize >= 1 else {
            throw EvalError.invalidParameter(name: "batchSize", value: "\(o.batchSize)", reason: "must be at least 1")
        }
        let out = Tensor(zeros: [n, d])
        try evaluating {
            var start = 0
            while start < n {
                let end = min(n, start + o.batchSize)
                let z = try forward(start..<end)
                precondition(z.shape == [end - start, d], "embedRows: forward returned \(z.shape), expected [\(end - start), \(d)]")
                (out.pointer + start * d).update(from: z.pointer, count: (end - start) * d)
                o.progress?(end, n)
                start = end
            }
        }
        return out
    }

    /// X-ray embeddings. images: [N, H, W] in [0, 1] → [N, 128] (or [N, D_x] features).
    public func embedXrays(_ images: Tensor, options o: EmbeddingOptions = EmbeddingOptions()) throws -> Tensor {
        let s = config.xrayImageSize
        guard images.rank == 3, images.shape[1] == s, images.shape[2] == s else {
            throw EvalError.wrongShape(file: "(input)", field: "xray", expected: xrayShapeHint(config: config, found: images.shape), found: images.shape)
        }
        return try embedRows(count: images.shape[0], width: embeddingWidth(.xray, stage: o.stage), options: o) { r in
            let x = selectRows(images, Array(r))
            return (o.stage == .projected ? embedXray(x) : xrayFeatures(x)).value
        }
    }

    /// ECG embeddings. ecg: [N, 12, L] → [N, 128] (or [N, D_e] features).
    public func embedECGs(_ ecg: Tensor, options o: EmbeddingOptions = EmbeddingOptions()) throws -> Tensor {
        guard ecg.rank == 3, ecg.shape[1] == config.ecgLeads, ecg.shape[2] == config.ecgLength else {
            throw EvalError.wrongShape(file: "(input)", field: "ecg", expected: "[N, \(config.ecgLeads), \(config.ecgLength)]",
                                       found: ecg.shape)
        }
        return try embedRows(count: ecg.shape[0], width: embeddingWidth(.ecg, stage: o.stage), options: o) { r in
            let e = selectRows(ecg, Array(r))
            return (o.stage == .projected ? embedECG(e) : ecgFeatures(e)).value
        }
    }

    /// The projection head of `modality` applied to encoder features (`stage: .features` rows):
    /// [N, D] → [N, 128]. Rows are independent of their batch, so `project(features(x))` is bit
    /// for bit the `.projected` embedding of x; a caller that needs both extracts the tower once.
    /// `file` (the features' source) names a row that comes out NaN or ±Inf, as `embed` does.
    public func project(_ features: Tensor, modality: EmbeddingModality, file: String = "(features)", batchSize: Int = 64) throws -> Tensor {
        let d = embeddingWidth(modality, stage: .features)
        guard features.rank == 2, features.shape[1] == d else {
            throw EvalError.wrongShape(file: file, field: "\(modality.rawValue) features", expected: "[N, \(d)]", found: features.shape)
        }
        let z = try embedRows(count: features.shape[0], width: config.projectionDim, options: EmbeddingOptions(batchSize: batchSize)) { r in
            let f = Variable(selectRows(features, Array(r)))
            switch modality {
            case .xray: return projectorXray(f).value
            case .ecg: return projectorECG(f).value
            case .text: return projectorText(f).value
            }
        }
        try requireFinite(z, file: file, modality: modality)
        return z
    }

    /// Throws `EvalError.nonFiniteEmbedding` naming `file` and the first row of `z` ([N, D]) that
    /// holds a NaN or ±Inf.
    private func requireFinite(_ z: Tensor, file: String, modality: EmbeddingModality) throws {
        if let row = z.firstNonFiniteRow {
            throw EvalError.nonFiniteEmbedding(file: file, modality: modality.rawValue, row: row)
        }
    }

    /// Text embeddings of an encoded batch (rows of `enc`): [N, 128] (or [N, D_t]).
    public func embedEncodedText(_ enc: BatchEncoding, options o: EmbeddingOptions = EmbeddingOptions()) throws -> Tensor {
        let padToMax = config.textPooling == .paddedMean
        return try embedRows(count: enc.batch, width: embeddingWidth(.text, stage: o.stage), options: o) { r in
            let t = tokenBatch(enc, rows: Array(r), padToMax: padToMax)
            return (o.stage == .projected ? embedText(t) : textFeatures(t)).value
        }
    }

    /// Embeddings of free strings (prompts, queries), no prefix added, each encoded alone or,
    /// with `second`, as the sentence pair (texts[i], second[i]); truncated to `maxLength`
    /// (default: the config's `textMaxLength`; never more). texts: [N] → [N, 128].
    public func embedStrings(_ texts: [String], pairedWith second: [String]? = nil, tokenizer: TextTokenizer, maxLength: Int? = nil,
                             options o: EmbeddingOptions = EmbeddingOptions()) throws -> Tensor {
        let length = min(maxLength ?? config.textMaxLength, config.textMaxLength)
        guard length >= 2 else { throw EvalError.invalidParameter(name: "maxLength", value: "\(length)", reason: "must be at least 2") }
        let enc = try tokenizer.encodeBatch(texts, second, maxLength: length, padToMaxLength: config.textPooling == .paddedMean)
        return try embedEncodedText(enc, options: o)
    }

    /// Embeddings of one modality of a split (`file` names it in errors): [N, D]. A row that
    /// comes out NaN or ±Inf is an error naming it, so no protocol scores it.
    public func embed(_ split: DatasetSplit, modality: EmbeddingModality, file: String, tokenizer: TextTokenizer? = nil,
                      options o: EmbeddingOptions = EmbeddingOptions(), protocolName: String = "embedding") throws -> Tensor {
        let z = try embedRowsOf(split, modality: modality, file: file, tokenizer: tokenizer,
                                options: EvaluationProgress.observing(o, file: file, modality: modality), protocolName: protocolName)
        try requireFinite(z, file: file, modality: modality)
        return z
    }

    private func embedRowsOf(_ split: DatasetSplit, modality: EmbeddingModality, file: String, tokenizer: TextTokenizer?,
                             options o: EmbeddingOptions, protocolName: String) throws -> Tensor {
        do {
            switch modality {
            case .xray:
                guard let x = split.xray else { throw EvalError.missingModality(file: file, modality: "xray", protocolName: protocolName) }
                return try embedXrays(x, options: o)
            case .ecg:
                guard let e = split.ecg else { throw EvalError.missingModality(file: file, modality: "ecg", protocolName: protocolName) }
                return try embedECGs(e, options: o)
            case .text:
                try requireReports(split, file: file, protocolName: protocolName)
                guard let tokenizer else {
                    throw EvalError.invalidParameter(name: "tokenizer", value: "nil", reason: "text embeddings need the model's tokenizer")
                }
                let enc = try tokenizeReports(xrayReports: split.reportXray, ecgReports: split.reportECG, tokenizer: tokenizer, config: config)
                return try embedEncodedText(enc, options: o)
            }
        } catch EvalError.wrongShape(_, let field, let expected, let found) {
            throw EvalError.wrongShape(file: file, field: field, expected: expected, found: found)
        }
    }
}

/// Rows scaled to unit L2 norm (rows of norm 0 stay 0). x: [N, D] → [N, D].
public func l2NormalizedRows(_ x: Tensor) -> Tensor {
    let n = x.shape[0], d = x.count / max(n, 1)
    let out = Tensor(zeros: x.shape)
    let src = x.pointer, dst = out.pointer
    for i in 0..<n {
        var s: Float = 0
        for j in 0..<d { s = s.addingProduct(src[i * d + j], src[i * d + j]) }
        let inv: Float = s > 0 ? 1 / s.squareRoot() : 0
        for j in 0..<d { dst[i * d + j] = src[i * d + j] * inv }
    }
    return out
}

/// Cosine similarities of the rows of a and b: a [N, D], b [M, D] → [N][M] (Double).
public func cosineSimilarity(_ a: Tensor, _ b: Tensor) throws -> [[Double]] {
    guard a.rank == 2, b.rank == 2, a.shape[1] == b.shape[1] else {
        throw EvalError.invalidParameter(name: "embeddings", value: "\(a.shape) vs \(b.shape)", reason: "must be [N, D] and [M, D]")
    }
    let an = l2NormalizedRows(a), bn = l2NormalizedRows(b)
    let n = a.shape[0], m = b.shape[0], d = a.shape[1]
    let pa = an.pointer, pb = bn.pointer
    var out = [[Double]](repeating: [], count: n)
    for i in 0..<n {
        var row = [Double](repeating: 0, count: m)
        for j in 0..<m {
            var s: Double = 0
            for k in 0..<d { s = s.addingProduct(Double(pa[i * d + k]), Double(pb[j * d + k])) }
            row[j] = s
        }
        out[i] = row
    }
    return out
}

/// Both reports of every row, or `EvalError.missingModality` naming the first one `split` lacks
/// ("report_xray", then "report_ecg"): what a text embedding, or a figure that prints reports, needs.
public func requireReports(_ split: DatasetSplit, file: String, protocolName: String) throws {
    guard split.reportXray.count == split.count else {
        throw EvalError.missingModality(file: file, modality: "report_xray", protocolName: protocolName)
    }
    guard split.reportECG.count == split.count else {
        throw EvalError.missingModality(file: file, modality: "report_ecg", protocolName: protocolName)
    }
}
