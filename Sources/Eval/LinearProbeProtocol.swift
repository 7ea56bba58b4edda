// LinearProbeProtocol — the linear-probe evaluation of frozen encoders (issue 5 item 3).
//
//   1. features of the train / validation / test splits from the frozen model, in eval mode
//      (default: *before* the projection head, see below), or any feature matrix (raw-input and
//      random-init baselines);
//   2. a fraction f ∈ {1 %, 10 %, 100 %} of the training rows, drawn with a seed and stratified
//      (`stratifiedSubsample`: classes for single-label sets, label combinations for multi-label
//      sets, every class kept at least once);
//   3. L2-regularised logistic regression (`LogisticRegression`, features standardised on the
//      training rows) with C chosen on the validation split from `cGrid` (per label by
//      validation AUROC for multi-label sets; by validation accuracy for multiclass sets);
//   4. test metrics: multi-label — per-label AUROC and AP, macro means (`MultiLabelMetrics`);
//      multiclass (edema grades 0–3) — accuracy, macro-F1 of the argmax, one-vs-rest AUROC.
//
// Default features: pre-projection (`EmbeddingStage.features`). The projection head was trained
// only to serve the contrastive loss; linear evaluation of contrastive models (SimCLR, CLIP,
// ConVIRT, GLoRIA) reads the representation before it, which keeps more information than the
// 128-d, BatchNorm-ed output. The authors' supervised script instead trains a head on top of the
// (trainable) projector — that is their partial fine-tune protocol, not a frozen probe; the
// 128-d variant is available as `stage: .projected`.
//
// Rows with an uncertain (−1) selected label are left out (EvalLabels.swift); a multi-label
// validation split with a class of one label value is an error before any feature is computed
// (`probeTargets(train:validation:test:)`: that class's C cannot be chosen). Deliberately not
// here: the authors' partial fine-tune (last 3 blocks' qkv + projector + head, MoRE-reference
// §6.3; PartialFineTune.swift); tables and bootstrap intervals (use `testLabels`/`testScores`).

import Foundation
import TensorCore
import Datasets
import MoRE

/// Features of the rows of a label set, aligned with its targets.
public struct ProbeData: Sendable {
    public let features: FeatureMatrix
    public let targets: LabelTargets

    /// allRows: [N, D] features of every row of the split; keeps `targets.rows`.
    public init(allRows: Tensor, targets: LabelTargets) throws {
        guard allRows.rank == 2, allRows.shape[0] > targets.rows.max() ?? 0 else {
            throw EvalError.wrongShape(file: targets.file, field: "features", expected: "[N, D] covering every labelled row",
                                       found: allRows.shape)
        }
        features = try FeatureMatrix(selectRows(allRows, targets.rows))
        self.targets = targets
    }
}

/// Result of one probe (one fraction).
public struct LinearProbeResult: Sendable {
    public let labelSet: String
    public let classNames: [String]
    public let fraction: Double
    public let seed: UInt64
    /// Indices (into the training targets' rows) used for fitting.
    public let trainRows: [Int]
    public let chosenC: [Double]
    public let validationScores: [[Double]]
    /// Test targets [N, C] (one-hot for multiclass) and class indices [N] (multiclass only).
    public let testLabels: [[Int]]
    public let testClasses: [Int]?
    /// Test probabilities: [N, C].
    public let testScores: [[Double]]
    public let aurocPerClass: [Double]
    public let aurocMacro: Double
    /// Multi-label only (nil for multiclass).
    public let averagePrecisionPerClass: [Double]?
    public let averagePrecisionMacro: Double?
    /// Multiclass only (nil for multi-label).
    public let accuracy: Double?
    public let macroF1: Double?
}

/// Fits a probe on `fraction` of `train` (seeded, stratified), C chosen on `validation`, and
/// scores `test`. All three must use the same label set and classes.
public func linearProbe(train: ProbeData, validation: ProbeData, test: ProbeData, fraction: Double, seed: UInt64,
                        cGrid: [Double] = LogisticRegression.defaultCGrid,
                        probe: LogisticRegression = LogisticRegression()) throws -> LinearProbeResult {
    for (name, d) in [("validation", validation), ("test", test)] where d.targets.classNames != train.targets.classNames {
        throw EvalError.invalidParameter(name: "\(name) classes", value: "\(d.targets.classNames)",
                                         reason: "must equal the training classes \(train.targets.classNames)")
    }
    let c = train.targets.classNames.count
    let multiclass = train.targets.isSingleLabel
    if multiclass {
        for d in [train, validation, test] where d.targets.classIndex!.contains(-1) {
            throw EvalError.invalidParameter(name: "otherClassRows", value: "negatives",
                                             reason: "a multiclass probe needs every row in a selected class (\(d.targets.file)); use .drop")
        }
    }
    let rows = multiclass
        ? try stratifiedSubsample(labels: train.targets.classIndex!, fraction: fraction, seed: seed)
        : try stratifiedSubsample(labels: train.targets.multiHot, fraction: fraction, seed: seed)
    let x = train.features.rows(rows)
    let selection: ProbeSelection
    if multiclass {
        selection = try probe.fitMultinomialWithValidation(train: x, trainLabels: rows.map { train.targets.classIndex![$0] },
                                                           validation: validation.features,
                                                           validationLabels: validation.targets.classIndex!, classes: c, cGrid: cGrid)
    } else {
        selection = try probe.fitMultiLabelWithValidation(train: x, trainLabels: rows.map { train.targets.multiHot[$0] },
                                                          validation: validation.features,
                                                          validationLabels: validation.targets.multiHot, cGrid: cGrid)
    }
    let p = try selection.model.probabilities(test.features)
    let scores = (0..<test.features.rows).map { Array(p[($0 * c)..<(($0 + 1) * c)]) }
    if multiclass {
        let y = test.targets.classIndex!
        let cm = try ConfusionMatrix(labels: y, scores: scores)
        let auc = try aurocOneVsRest(labels: y, scores: scores)
        return LinearProbeResult(labelSet: train.targets.labelSet, classNames: train.targets.classNames, fraction: fraction, seed: seed,
                                 trainRows: rows, chosenC: selection.chosenC, validationScores: selection.validationScores,
                                 testLabels: test.targets.multiHot, testClasses: y, testScores: scores,
                                 aurocPerClass: auc.perClass, aurocMacro: auc.macro, averagePrecisionPerClass: nil,
                                 averagePrecisionMacro: nil, accuracy: cm.accuracy, macroF1: cm.macroF1)
    }
    let m = try MultiLabelMetrics(labels: test.targets.multiHot, scores: scores)
    return LinearProbeResult(labelSet: train.targets.labelSet, classNames: train.targets.classNames, fraction: fraction, seed: seed,
                             trainRows: rows, chosenC: selection.chosenC, validationScores: selection.validationScores,
                             testLabels: test.targets.multiHot, testClasses: nil, testScores: scores,
                             aurocPerClass: m.aurocPerClass, aurocMacro: m.aurocMacro,
                             averagePrecisionPerClass: m.averagePrecisionPerClass, averagePrecisionMacro: m.averagePrecisionMacro,
                             accuracy: nil, macroF1: nil)
}

/// A split with the file it was read from (for messages and provenance).
public struct EvalSplit {
    public var split: DatasetSplit
    public var file: String
    public init(_ split: DatasetSplit, file: String) { self.split = split; self.file = file }
}

/// What a linear probe of a model evaluates.
public struct LinearProbeOptions: Sendable {
    public var modality: EmbeddingModality
    public var labelSet: String
    /// Classes (columns) to keep; nil = all of the label set.
    public var classes: [String]?
    /// Where features are read; default before the projection head (see the file header).
    public var stage: EmbeddingStage
    public var fractions: [Double]
    public var seed: UInt64
    public var cGrid: [Double]
    public var batchSize: Int

    public init(modality: EmbeddingModality, labelSet: String, classes: [String]? = nil, stage: EmbeddingStage = .features,
                fractions: [Double] = [0.01, 0.1, 1.0], seed: UInt64 = 42, cGrid: [Double] = LogisticRegression.defaultCGrid,
                batchSize: Int = 64) {
        self.modality = modality; self.labelSet = labelSet; self.classes = classes; self.stage = stage
        self.fractions = fractions; self.seed = seed; self.cGrid = cGrid; self.batchSize = batchSize
    }
}

/// Targets of a probe on one split (multiclass sets drop rows of unselected classes).
public func probeTargets(_ s: EvalSplit, _ o: LinearProbeOptions) throws -> LabelTargets {
    try LabelTargets(s.split, labelSet: o.labelSet, file: s.file, classes: o.classes, otherClassRows: .drop,
                     protocolName: "linear probe (\(o.labelSet))")
}

/// Targets of a probe's three splits, checked for what the fit needs of their labels alone: of
/// a multi-label set, every class of the validation split with a positive and a negative row
/// (each class's C is chosen by its validation AUROC, undefined otherwise). What the probe
/// reads before any feature; `more table` and `more data check` call it on the labels alone
/// (Reproduce/Tables/LabelContentCheck.swift).
public func probeTargets(train: EvalSplit, validation: EvalSplit, test: EvalSplit, _ o: LinearProbeOptions) throws
    -> (train: LabelTargets, validation: LabelTargets, test: LabelTargets) {
    let t = (train: try probeTargets(train, o), validation: try probeTargets(validation, o), test: try probeTargets(test, o))
    if !t.validation.isSingleLabel { try t.validation.requireBothValues("the probe chooses each class's C by its validation AUROC") }
    return t
}

/// Runs the probe at every fraction on already-extracted features (any encoder or raw input):
/// features of every row of each split, [N, D].
public func linearProbe(_ o: LinearProbeOptions, train: (EvalSplit, Tensor), validation: (EvalSplit, Tensor),
                        test: (EvalSplit, Tensor)) throws -> [LinearProbeResult] {
    let targets = try probeTargets(train: train.0, validation: validation.0, test: test.0, o)
    let tr = try ProbeData(allRows: train.1, targets: targets.train)
    let va = try ProbeData(allRows: validation.1, targets: targets.validation)
    let te = try ProbeData(allRows: test.1, targets: targets.test)
    return try EvaluationProgress.countingFits("\(EvaluationProgress.fileName(train.0.file)) \(o.labelSet) probe", total: o.fractions.count * o.cGrid.count) {
        try o.fractions.map { try linearProbe(train: tr, validation: va, test: te, fraction: $0, seed: o.seed, cGrid: o.cGrid) }
    }
}

/// Raw-input baseline features: the modality's values flattened per row. [N, …] → [N, D].
public func rawInputFeatures(_ s: EvalSplit, modality: EmbeddingModality) throws -> Tensor {
    let t: Tensor?
    switch modality {
    case .xray: t = s.split.xray
    case .ecg: t = s.split.ecg
    case .text: t = nil
    }
    guard let t else { throw EvalError.missingModality(file: s.file, modality: modality.rawValue, protocolName: "raw-input baseline") }
    return t.reshaped([t.shape[0], t.count / max(t.shape[0], 1)])
}

extension MoREModel {
    /// The linear probe of this (frozen) model's `o.modality` encoder at every fraction.
    ///
    ///     let r = try model.linearProbe(LinearProbeOptions(modality: .xray, labelSet: "mimic4"),
    ///                                   train: EvalSplit(tr, file: a), validation: EvalSplit(va, file: b), test: EvalSplit(te, file: c))
    /// `testFeatures`: the test split's features at `o.stage`, from a caller that extracted them
    /// already (table-ablation shares them with the zero-shot); nil extracts them here.
    public func linearProbe(_ o: LinearProbeOptions, train: EvalSplit, validation: EvalSplit, test: EvalSplit,
                            tokenizer: TextTokenizer? = nil, testFeatures: Tensor? = nil,
                            progress: ((Int, Int) -> Void)? = nil) throws -> [LinearProbeResult] {
        // Check the labels before spending time on features.
        _ = try probeTargets(train: train, validation: validation, test: test, o)
        let options = EmbeddingOptions(stage: o.stage, batchSize: o.batchSize, progress: progress)
        func features(_ s: EvalSplit) throws -> Tensor {
            try embed(s.split, modality: o.modality, file: s.file, tokenizer: tokenizer, options: options, protocolName: "linear probe")
        }
        return try Eval.linearProbe(o, train: (train, try features(train)), validation: (validation, try features(validation)),
                                    test: (test, try testFeatures ?? features(test)))
    }
}
