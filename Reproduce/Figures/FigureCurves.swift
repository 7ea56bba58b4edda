// figure-training and figure-roc — the run's learning curves, and per-label ROC curves of the
// MIMIC-style 4-label linear probe with the micro average (as `utils/metrics.py` plots them).

import Foundation
import MoRE
import Eval
import Plot

extension EvalContext {
    /// Loss, in-batch top-1 accuracy and learning rate per optimiser step, from the run's
    /// train_log.csv (next to the checkpoint), with the per-epoch validation values of
    /// val_log.csv when the run finished an epoch (`RunLog`: a malformed log is an error).
    func figureTraining() throws -> Figure {
        let runDir = checkpointURL.deletingLastPathComponent()
        let train = try RunLog(url: runDir.appendingPathComponent("train_log.csv"),
                               required: ["step", "loss", "t2x_top1", "t2e_top1", "lr"]).rows
        let val: [[String: Double]]
        do {
            val = try RunLog(url: runDir.appendingPathComponent("val_log.csv"), required: ["step", "val_loss", "t2x_top1", "t2e_top1"]).rows
        } catch RunLogError.missing, RunLogError.noRows {
            val = []   // a run stopped before its first validation
        }
        func series(_ rows: [[String: Double]], _ x: String, _ y: String, _ name: String, dashed: Bool = false) -> LineSeries {
            let pts = rows.compactMap { r -> (Double, Double)? in
                guard let a = r[x], let b = r[y] else { return nil }
                return (a, b)
            }
            return LineSeries(name: name, x: pts.map(\.0), y: pts.map(\.1), dashed: dashed)
        }
        func nonEmpty(_ s: [LineSeries]) -> [LineSeries] { s.filter { !$0.x.isEmpty } }
        let panels: [any Panel] = [
            LinePanel(series: nonEmpty([series(train, "step", "loss", "train loss (per step)"), series(val, "step", "val_loss", "validation loss (per epoch)", dashed: true)]),
                      title: "Contrastive loss", xLabel: "optimiser step", yLabel: "loss"),
            LinePanel(series: nonEmpty([series(train, "step", "t2x_top1", "text→X-ray"), series(train, "step", "t2e_top1", "text→ECG"),
                               series(val, "step", "t2x_top1", "val text→X-ray", dashed: true), series(val, "step", "t2e_top1", "val text→ECG", dashed: true)]),
                      title: "In-batch top-1 accuracy (batch \(checkpointInfo.config.optim.batchSize); chance \(String(format: "%.3f", 1 / Double(checkpointInfo.config.optim.batchSize))))",
                      xLabel: "optimiser step", yLabel: "top-1", yRange: 0...1),
            LinePanel(series: [series(train, "step", "lr", "learning rate")], title: "Learning rate", xLabel: "optimiser step", yLabel: "lr"),
        ]
        let fig = Figure(name: "figure-training", panels: panels, columns: 1,
                         title: "Pre-training of '\(checkpointInfo.config.name)' on \(trainingDataLabel())", width: 1100, height: 1100)
        return fig
    }

    /// The data the checkpoint was trained on: the name of <data>/pretrain_train.h5 when its hash
    /// is the checkpoint's data hash, else the hash alone.
    func trainingDataLabel() -> String {
        let url = dataDir.appendingPathComponent("pretrain_train.h5")
        if let h = try? fileHash(url), sameHash(h, checkpointInfo.dataHash), let label = try? dataLabel(["pretrain_train"]) { return label }
        return "data \(checkpointInfo.dataHash)"
    }

    /// figure-roc's probe: the MIMIC-4 table's, at 100 % of the labels.
    static let rocProbe = mimic4LabelSpec

    /// The probe's targets (`probeTargets`), and every class of the test split with a positive
    /// and a negative row: a ROC curve is drawn per class (`EvalError.noUsableRows` otherwise).
    static func rocTargets(train: EvalSplit, validation: EvalSplit, test: EvalSplit, _ o: LinearProbeOptions) throws {
        try probeTargets(train: train, validation: validation, test: test, o).test.requireBothValues("figure-roc draws each class's ROC curve")
    }

    /// ROC curves of the 4-label probe (100 % of the labels) on MoRE's frozen X-ray features.
    func figureROC() throws -> Figure {
        let p = EvalContext.rocProbe
        let tr = try split(p.splits.0), va = try split(p.splits.1), te = try split(p.splits.2)
        let o = p.options(seed: seed, fractions: [1.0])
        try EvalContext.rocTargets(train: tr, validation: va, test: te, o)
        guard let r = try model.linearProbe(o, train: tr, validation: va, test: te, tokenizer: tokenizer).first else {
            throw TableError.unknownTable("figure-roc: no probe result")
        }
        var curves: [Plot.ROCCurve] = []
        for (c, name) in r.classNames.enumerated() {
            let labels = r.testLabels.map { $0[c] }, scores = r.testScores.map { $0[c] }
            let roc = try Eval.ROCCurve(labels: labels, scores: scores)
            curves.append(Plot.ROCCurve(name: name, falsePositiveRate: roc.fpr, truePositiveRate: roc.tpr, auroc: r.aurocPerClass[c]))
        }
        let micro = try Eval.ROCCurve.micro(labels: r.testLabels, scores: r.testScores)
        let microAUC = try auroc(labels: r.testLabels.flatMap { $0 }, scores: r.testScores.flatMap { $0 })
        let fig = Figure(name: "figure-roc",
                         panels: [ROCPanel(curves: curves, micro: Plot.ROCCurve(name: "micro average", falsePositiveRate: micro.fpr,
                                                                                 truePositiveRate: micro.tpr, auroc: microAUC),
                                           title: "MIMIC-style 4 labels — linear probe on MoRE X-ray features (100 % labels, \(try dataLabel([p.splits.2])))")],
                         width: 900, height: 800)
        return fig
    }
}
