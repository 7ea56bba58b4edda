// PartialFineTune — the authors' supervised protocol (`multimodal_infer.py`, MoRE-reference
// §6.3): not a frozen probe, but a partial fine-tune of the pre-trained tower.
//
//   trainable: qkv.weight of the last 3 ViT blocks, the whole projection head (initialised from
//              the pre-trained projector), and a new head Dropout(0.1) → Linear(128 → C);
//   loss:      BCE with logits, mean over the B·C cells (written as a 2-way cross-entropy with
//              logits [0, s], which is the same function, numerically stable);
//   optimiser: AdamW lr 3e-5, weight decay 0.02; cosine annealing with warm restarts (T₀ = 5
//              epochs, floor 3e-6), stepped per epoch;
//   stopping:  early stopping with patience 3 on the validation loss; the weights of the epoch
//              with the best validation macro AUROC are restored for the test.
//
// Differences from the authors: no AMP, no X-ray augmentation during fine-tuning (their script
// imports a dataset class that does not exist, §6.3), a default of 5 epochs instead of 20 (the
// laptop budget; an option), the batch order drawn from a seed. The tower runs in training mode
// (DropKey at the config's rate, BatchNorm on batch statistics), as in their loop.
//
// The model's weights are changed in place: pass a freshly loaded copy. Deliberately not here:
// the fusion head with ECG modality dropout (`MultiModalHead`), multiclass targets.

import Foundation
import TensorCore
import Autodiff
import NN
import Datasets
import MoRE

/// Settings of the partial fine-tune (defaults: the authors', except `epochs`).
public struct PartialFineTuneOptions: Sendable {
    public var modality: EmbeddingModality
    public var labelSet: String
    public var classes: [String]?
    public var lastBlocks = 3
    public var learningRate: Double = 3e-5
    public var minLearningRate: Double = 3e-6
    public var restartEpochs: Double = 5
    public var weightDecay: Float = 0.02
    public var headDropout: Float = 0.1
    public var epochs = 5
    public var patience = 3
    public var batchSize = 64
    public var seed: UInt64 = 42

    public init(modality: EmbeddingModality, labelSet: String, classes: [String]? = nil) {
        self.modality = modality; self.labelSet = labelSet; self.classes = classes
    }

    /// How errors name the protocol: "partial fine-tune (mimic4)".
    public var protocolName: String { "partial fine-tune (\(labelSet))" }

    /// The targets of one split: `labelSet`'s `classes`, which must be multi-label ([N, C] 0/1;
    /// else `EvalError.labelShape`). What the fine-tune reads first; the tables' label check
    /// reads it from the labels alone (Reproduce/Tables/LabelContentCheck.swift).
    public func targets(_ s: EvalSplit) throws -> LabelTargets {
        let t = try LabelTargets(s.split, labelSet: labelSet, file: s.file, classes: classes, protocolName: protocolName)
        guard !t.isSingleLabel else { throw EvalError.labelShape(file: s.file, labelSet: labelSet, expected: "[N, C] multi-hot", found: [t.count]) }
        return t
    }
}

/// What the fine-tune did and its test metrics (of the restored best epoch).
public struct PartialFineTuneResult: Sendable {
    public let classNames: [String]
    public let trainableParameters: Int
    public let validationLoss: [Double]
    public let validationAUROC: [Double]
    public let bestEpoch: Int
    public let testLabels: [[Int]]
    public let testScores: [[Double]]
    public let test: MultiLabelMetrics
}

extension MoREModel {
    /// Fine-tunes `o.modality`'s tower partially on `train` (multi-label targets), selects on
    /// `validation`, scores `test`. Changes this model's weights.
    public func partialFineTune(_ o: PartialFineTuneOptions, train: EvalSplit, validation: EvalSplit,
                                test: EvalSplit) throws -> PartialFineTuneResult {
        guard o.modality != .text else { throw EvalError.invalidParameter(name: "modality", value: "text", reason: "fine-tunes the X-ray or ECG tower") }
        guard o.epochs >= 1, o.batchSize >= 1 else {
            throw EvalError.invalidParameter(name: "epochs/batchSize", value: "\(o.epochs)/\(o.batchSize)", reason: "must be at least 1")
        }
        let name = o.protocolName
        func inputs(_ s: EvalSplit, _ t: LabelTargets) throws -> Tensor {
            let x = o.modality == .xray ? s.split.xray : s.split.ecg
            guard let x else { throw EvalError.missingModality(file: s.file, modality: o.modality.rawValue, protocolName: name) }
            return selectRows(x, t.rows)
        }
        let (tt, vt, te) = (try o.targets(train), try o.targets(validation), try o.targets(test))
        let (xt, xv, xe) = (try inputs(train, tt), try inputs(validation, vt), try inputs(test, te))
        let c = tt.classNames.count
        let tower = o.modality == .xray ? xrayModel : ecgModel
        let projector = o.modality == .xray ? projectorXray : projectorECG
        let head = Linear(config.projectionDim, c, seed: o.seed, name: "finetune_head")
        let dropout = Dropout(o.headDropout)
        // Trainable set: qkv of the last blocks, the projector, the head.
        setTrainable(false)
        for b in tower.blocks.items.suffix(o.lastBlocks) { b.attn.qkv.weight.requiresGrad = true }
        projector.setTrainable(true)
        let params = trainableParameters() + head.namedParameters(prefix: "finetune_head")
        let optimizer = AdamW(parameters: params, lr: Float(o.learningRate), weightDecay: o.weightDecay)
        let schedule = CosineWarmRestarts(baseLR: o.learningRate, minLR: o.minLearningRate, period: o.restartEpochs)

        func logits(_ x: Tensor) -> Variable {
            let h = o.modality == .xray ? xrayFeatures(x) : ecgFeatures(x)
            return head(dropout(projector(h)))
        }
        func bce(_ s: Variable, _ y: [[Int]]) -> Variable {
            let n = y.count * c
            let pair = concat([Variable(Tensor(zeros: [n, 1])), reshape(s, [n, 1])], axis: 1)
            return crossEntropy(pair, targets: y.flatMap { $0 })
        }
        /// Eval-mode logits and mean BCE of a whole set, in batches.
        func evaluate(_ x: Tensor, _ y: [[Int]]) -> (scores: [[Double]], loss: Double) {
            let wasTraining = isTraining
            eval(); head.eval(); dropout.eval()
            defer { self.train(wasTraining); head.train(wasTraining); dropout.train(wasTraining) }
            var scores: [[Double]] = [], loss = 0.0
            noGrad {
                var start = 0
                while start < y.count {
                    let r = Array(start..<min(y.count, start + o.batchSize))
                    let s = logits(selectRows(x, r))
                    loss += Double(bce(s, r.map { y[$0] }).value.scalars[0]) * Double(r.count)
                    let v = s.value.scalars
                    scores += r.indices.map { i in (0..<c).map { Double(v[i * c + $0]) } }
                    start += o.batchSize
                }
            }
            return (scores, loss / Double(y.count))
        }

        TrainingRandomness.seed = o.seed
        var valLoss: [Double] = [], valAUC: [Double] = [], best = -1, bestAUC = -Double.infinity
        var bestLoss = Double.infinity, wait = 0, step = 0
        var snapshot: [Tensor] = params.map { $0.1.value.copy() }
        let stepsPerEpoch = tt.count < 2 ? 0 : (tt.count - 2) / o.batchSize + 1   // the batches of the loop below
        let label = "\(EvaluationProgress.fileName(train.file)) partial fine-tune", totalSteps = o.epochs * stepsPerEpoch
        EvaluationProgress.report?(.training, label, 0, totalSteps)
        for epoch in 0..<o.epochs {
            optimizer.lr = Float(schedule.lr(at: Double(epoch)))
            self.train(); head.train(); dropout.train()
            var rng = RNG(seed: o.seed, stream: RNG.stream("finetune-epoch", epoch))
            let order = rng.permutation(tt.count)
            var start = 0
            while start + 1 < order.count {   // BatchNorm needs at least 2 rows
                let r = Array(order[start..<min(order.count, start + o.batchSize)])
                TrainingRandomness.step = step
                let loss = bce(logits(selectRows(xt, r)), r.map { tt.multiHot[$0] })
                loss.backward()
                optimizer.update()
                zeroGrad(); head.zeroGrad()
                step += 1
                start += o.batchSize
                EvaluationProgress.report?(.training, label, step, totalSteps)
            }
            let v = evaluate(xv, vt.multiHot)
            let auc = try MultiLabelMetrics(labels: vt.multiHot, scores: v.scores).aurocMacro
            valLoss.append(v.loss); valAUC.append(auc)
            if auc > bestAUC || best < 0 { bestAUC = auc; best = epoch; snapshot = params.map { $0.1.value.copy() } }
            if v.loss < bestLoss { bestLoss = v.loss; wait = 0 } else { wait += 1; if wait >= o.patience { break } }
        }
        for (k, p) in params.enumerated() { p.1.value = snapshot[k] }
        let t = evaluate(xe, te.multiHot)
        return PartialFineTuneResult(classNames: tt.classNames, trainableParameters: params.reduce(0) { $0 + $1.1.value.count },
                                     validationLoss: valLoss, validationAUROC: valAUC, bestEpoch: best, testLabels: te.multiHot,
                                     testScores: t.scores, test: try MultiLabelMetrics(labels: te.multiHot, scores: t.scores.map { $0.map(sigmoid) }))
    }
}
