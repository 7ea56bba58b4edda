// ZeroShot — zero-shot classification with prompts, two scoring protocols.
//
// `.authors` (MoRE-reference §6.1–6.2, the authors' scripts, after GLoRIA): for image i and
// class c with prompts p = 1…P_c,
//
//     s_ic = max_p cos(z_i, t_cp)                       cosine of L2-normalised embeddings
//     ŝ_ic = (s_ic − mean_i s_ic) / std_i s_ic          z-score per class over the evaluation set
//                                                       (population std, ddof 0; std 0 → ŝ = 0)
//     per-class AUROC and AUPRC of ŝ_·c; macro = unweighted mean over classes.
//
// `.clip` (CLIP's prompt ensembling, our second row): each class embedding is the mean of its
// L2-normalised prompt embeddings, re-normalised, u_c = normalise(Σ_p t̂_cp); the scores are the
// softmax over classes of cos(z_i, u_c)/τ, with τ the model's contrastive temperature.
//
// Targets come from a named label set (`LabelTargets`): single-label sets (one class per row,
// e.g. `chexpert5_class`, `ptbxl_super_single` — the authors' priority order NORM > STTC > MI >
// HYP > CD) also report accuracy of the argmax; multi-label sets (`ptbxl_super`, `mimic4`)
// report per-class metrics only. The AUROC/AP are the existing metrics (`MultiLabelMetrics`);
// a class with a single label value present gets `nan` and is left out of the macro mean.
//
// Deliberately not here: the prompt vocabularies (Prompts.swift), tables and bootstrap
// intervals (the caller resamples `labels`/`scores` with `Bootstrap`).

import Foundation
import TensorCore
import Datasets
import MoRE

/// How prompt similarities become class scores.
public enum ZeroShotScoring: String, Sendable, CaseIterable {
    /// Max over prompts, then per-class z-score over the evaluation set (the authors').
    case authors
    /// Mean of normalised prompt embeddings, softmax over classes (CLIP-style).
    case clip
}

/// How a prompt is put to the text tower.
public enum ZeroShotPromptForm: String, Sendable, CaseIterable {
    /// The prompt alone, one segment without prefix (the authors').
    case alone
    /// In the form of every training text: the sentence pair with the authors' prefixes, the
    /// prompt as the report of its modality and the other report empty — X-ray prompts as
    /// ("The report from Xray is: <prompt>", "The report from ECG is: "), ECG prompts as
    /// ("The report from Xray is: ", "The report from ECG is: <prompt>"). Ours, a diagnostic.
    case report

    /// The (first, second) segments of `prompt` for a task scoring `modality`.
    public func segments(_ prompt: String, modality: EmbeddingModality) -> (String, String?) {
        switch (self, modality) {
        case (.alone, _), (.report, .text): return (prompt, nil)
        case (.report, .xray): return (reportPrefixXray + prompt, reportPrefixECG)
        case (.report, .ecg): return (reportPrefixXray, reportPrefixECG + prompt)
        }
    }
}

/// A zero-shot task: classes, their prompts, the label set and the modality scored.
public struct ZeroShotTask: Sendable {
    public var name: String
    public var modality: EmbeddingModality
    public var labelSet: String
    public var classNames: [String]
    /// prompts[c]: the prompts of class c.
    public var prompts: [[String]]
    /// Token length the prompts are encoded with (the authors: 512 X-ray, 128 ECG); never more
    /// than the config's `textMaxLength`.
    public var promptMaxLength: Int
    /// Rows of a single-label set whose class is not among `classNames`.
    public var otherClassRows: OtherClassRows
    /// How each prompt is encoded (default: alone, as the authors).
    public var promptForm: ZeroShotPromptForm = .alone

    public init(name: String, modality: EmbeddingModality, labelSet: String, classNames: [String], prompts: [[String]],
                promptMaxLength: Int, otherClassRows: OtherClassRows = .negatives) {
        self.name = name; self.modality = modality; self.labelSet = labelSet; self.classNames = classNames
        self.prompts = prompts; self.promptMaxLength = promptMaxLength; self.otherClassRows = otherClassRows
    }

    /// The task's targets on `split` (`file` names it in errors): its classes of its label set,
    /// rows of other classes as `otherClassRows` says. What `zeroShot` scores; the tables' label
    /// check reads it from the labels alone (Reproduce/Tables/LabelContentCheck.swift).
    public func targets(_ split: DatasetSplit, file: String) throws -> LabelTargets {
        try LabelTargets(split, labelSet: labelSet, file: file, classes: classNames, otherClassRows: otherClassRows, protocolName: name)
    }

    /// CheXpert-style: 4 classes (the authors'; Consolidation images kept as negatives of all
    /// four by default) or 5 with our Consolidation prompts. labelSet: a class index per row
    /// (`chexpert5_class`) or a multi-hot set with these column names.
    public static func cheXpert(classes: Int = 4, labelSet: String = "chexpert5_class", seed: UInt64 = Prompts.publishedSeed,
                                promptsPerClass: Int = Prompts.perClass,
                                otherClassRows: OtherClassRows = .negatives) throws -> ZeroShotTask {
        guard classes == 4 || classes == 5 else {
            throw EvalError.invalidParameter(name: "classes", value: "\(classes)", reason: "CheXpert zero-shot has 4 or 5 classes")
        }
        let names = classes == 4 ? Prompts.cheXpert4 : Prompts.cheXpert5
        return ZeroShotTask(name: "zero-shot CheXpert \(classes)-class", modality: .xray, labelSet: labelSet, classNames: names,
                            prompts: try Prompts.cheXpertPrompts(names, n: promptsPerClass, seed: seed), promptMaxLength: 512,
                            otherClassRows: otherClassRows)
    }

    /// PTB-XL superclasses with the authors' prompts: single-label (`ptbxl_super_single`, the
    /// authors' priority mapping) or multi-label (`ptbxl_super`).
    public static func ptbxl(singleLabel: Bool, labelSet: String? = nil) throws -> ZeroShotTask {
        let names = ["NORM", "MI", "STTC", "HYP", "CD"]
        return ZeroShotTask(name: "zero-shot PTB-XL superclass (\(singleLabel ? "single-label, priority NORM>STTC>MI>HYP>CD" : "multi-label"))",
                            modality: .ecg, labelSet: labelSet ?? (singleLabel ? "ptbxl_super_single" : "ptbxl_super"),
                            classNames: names, prompts: try Prompts.ptbxlPrompts(names), promptMaxLength: 128, otherClassRows: .drop)
    }
}

/// The outcome of one zero-shot evaluation.
public struct ZeroShotResult: Sendable {
    public let task: String
    public let scoring: ZeroShotScoring
    public let classNames: [String]
    /// Kept rows of the split: [N'].
    public let rows: [Int]
    /// Binary targets: [N', C].
    public let labels: [[Int]]
    /// Class scores: [N', C].
    public let scores: [[Double]]
    public let aurocPerClass: [Double]
    public let aurocMacro: Double
    public let averagePrecisionPerClass: [Double]
    public let averagePrecisionMacro: Double
    /// Accuracy of the argmax for single-label targets (rows of another class excluded); nil otherwise.
    public let accuracy: Double?
}

/// Class scores from similarities. similarity[c]: [N][P_c] cosines of each row with class c's
/// prompts → [N][C]. `.authors`: max over prompts, z-scored per class over the N rows.
public func authorsZeroShotScores(_ similarity: [[[Double]]]) -> [[Double]] {
    let c = similarity.count
    guard let n = similarity.first?.count else { return [] }
    var out = [[Double]](repeating: [Double](repeating: 0, count: c), count: n)
    for k in 0..<c {
        let s = similarity[k].map { $0.max() ?? 0 }
        let mean = s.reduce(0, +) / Double(n)
        let variance = s.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)
        let std = variance.squareRoot()
        for i in 0..<n { out[i][k] = std > 0 ? (s[i] - mean) / std : 0 }
    }
    return out
}

/// CLIP-style class scores. rows: [N, D]; prompts[c]: [P_c, D] → softmax over classes of
/// cos(z_i, normalise(mean_p t̂_cp)) / temperature: [N][C].
public func clipZeroShotScores(rows: Tensor, prompts: [Tensor], temperature: Double) throws -> [[Double]] {
    guard temperature > 0 else { throw EvalError.invalidParameter(name: "temperature", value: "\(temperature)", reason: "must be positive") }
    let d = rows.shape[1]
    let classes = Tensor(zeros: [prompts.count, d])
    for (k, p) in prompts.enumerated() {
        let pn = l2NormalizedRows(p), m = p.shape[0]
        for j in 0..<d {
            var s: Float = 0
            for r in 0..<m { s += pn.pointer[r * d + j] }
            classes.pointer[k * d + j] = s / Float(m)
        }
    }
    let cos = try cosineSimilarity(rows, classes)
    return cos.map { row in
        let logits = row.map { $0 / temperature }
        let mx = logits.max() ?? 0
        let e = logits.map { Foundation.exp($0 - mx) }
        let z = e.reduce(0, +)
        return e.map { $0 / z }
    }
}

/// Scores and metrics of a task from precomputed embeddings: rows [N', D] (already the kept
/// rows of `targets`), prompts[c] [P_c, D].
public func zeroShotEvaluate(task: String, rows: Tensor, prompts: [Tensor], targets: LabelTargets, scoring: ZeroShotScoring,
                             temperature: Double) throws -> ZeroShotResult {
    guard rows.shape[0] == targets.count else { throw EvalError.mismatch(field: "zero-shot rows", expected: targets.count, found: rows.shape[0]) }
    guard prompts.count == targets.classNames.count else {
        throw EvalError.mismatch(field: "zero-shot prompt classes", expected: targets.classNames.count, found: prompts.count)
    }
    let scores: [[Double]]
    switch scoring {
    case .authors: scores = authorsZeroShotScores(try prompts.map { try cosineSimilarity(rows, $0) })
    case .clip: scores = try clipZeroShotScores(rows: rows, prompts: prompts, temperature: temperature)
    }
    let m = try MultiLabelMetrics(labels: targets.multiHot, scores: scores)
    var accuracy: Double? = nil
    if let idx = targets.classIndex {
        let own = idx.indices.filter { idx[$0] >= 0 }
        if !own.isEmpty {
            accuracy = try ConfusionMatrix(labels: own.map { idx[$0] }, scores: own.map { scores[$0] }).accuracy
        }
    }
    return ZeroShotResult(task: task, scoring: scoring, classNames: targets.classNames, rows: targets.rows, labels: targets.multiHot,
                          scores: scores, aurocPerClass: m.aurocPerClass, aurocMacro: m.aurocMacro,
                          averagePrecisionPerClass: m.averagePrecisionPerClass, averagePrecisionMacro: m.averagePrecisionMacro,
                          accuracy: accuracy)
}

extension MoREModel {
    /// The projected embeddings of a task's prompts, one [P_c, 128] tensor per class, encoded in
    /// `task.promptForm` with `task.promptMaxLength` (what `zeroShot` scores against).
    public func promptEmbeddings(_ task: ZeroShotTask, tokenizer: TextTokenizer, batchSize: Int = 64) throws -> [Tensor] {
        try task.prompts.map { ps in
            let seg = ps.map { task.promptForm.segments($0, modality: task.modality) }
            let second = seg.compactMap(\.1)
            return try embedStrings(seg.map(\.0), pairedWith: second.isEmpty ? nil : second, tokenizer: tokenizer,
                                    maxLength: task.promptMaxLength, options: EmbeddingOptions(batchSize: batchSize))
        }
    }

    /// Runs a zero-shot task on a split (`file` names it in errors) with every scoring asked for.
    /// The rows' embeddings are the projected ones of `task.modality` — computed here, or given as
    /// `embeddings` ([split.count, 128], every row of the split) by a caller that has them; prompts
    /// are encoded in `task.promptForm` (alone by default).
    ///
    ///     let r = try model.zeroShot(try .cheXpert(classes: 4), split: s, file: path, tokenizer: tok)
    public func zeroShot(_ task: ZeroShotTask, split: DatasetSplit, file: String, tokenizer: TextTokenizer,
                         scorings: [ZeroShotScoring] = ZeroShotScoring.allCases, batchSize: Int = 64,
                         embeddings: Tensor? = nil, progress: ((Int, Int) -> Void)? = nil) throws -> [ZeroShotResult] {
        guard task.modality != .text else { throw EvalError.invalidParameter(name: "modality", value: "text", reason: "zero-shot scores X-rays or ECGs") }
        let targets = try task.targets(split, file: file)
        let rows: Tensor
        if let embeddings {
            guard embeddings.shape == [split.count, config.projectionDim] else {
                throw EvalError.wrongShape(file: file, field: "\(task.modality.rawValue) embeddings", expected: "[\(split.count), \(config.projectionDim)]",
                                           found: embeddings.shape)
            }
            rows = selectRows(embeddings, targets.rows)
        } else {
            var sub = split
            sub.ids = targets.rows.map { split.ids[$0] }
            sub.xray = split.xray.map { selectRows($0, targets.rows) }
            sub.ecg = split.ecg.map { selectRows($0, targets.rows) }
            let options = EmbeddingOptions(stage: .projected, batchSize: batchSize, progress: progress)
            rows = try embed(sub, modality: task.modality, file: file, options: options, protocolName: task.name)
        }
        let prompts = try promptEmbeddings(task, tokenizer: tokenizer, batchSize: batchSize)
        let tau = Double(temperature.value.scalars[0])
        return try scorings.map {
            try zeroShotEvaluate(task: task.name, rows: rows, prompts: prompts, targets: targets, scoring: $0, temperature: tau)
        }
    }
}
