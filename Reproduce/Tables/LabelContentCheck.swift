// LabelContentCheck — what the tables and figures need *in* their label sets, checked on the
// labels alone (no X-ray, ECG or report is read): the classes a zero-shot task, a probe or a
// figure selects, label values that are valid (0/1, or −1 where uncertain, in a multi-hot set; a
// class index in a single-label set), rows left with a usable label, and the classes that need
// both label values (a multi-label probe's validation split: each class's C is chosen by its
// validation AUROC; figure-roc's test split: a ROC curve per class; the attention figures: a
// patient with the finding).
//
// One source of truth: each `LabelRead` calls the evaluation's own target-building code
// (`ZeroShotTask.targets`, `probeTargets(train:validation:test:)`,
// `PartialFineTuneOptions.targets`, `retrievalTargets`, `labelColumn`, `checkExplanationLabels`)
// with the tasks, probe specs and class lists the tables and figures themselves use
// (`EvalContext.zeroShotCXRTasks`, `.mimic4LabelSpec`, `.textToXrayFigures`, …), so the check
// raises the evaluation's `EvalError` — naming the file, the label set and the class — and the
// two cannot drift. `DataRequirements` lists the reads of each table and figure; `more data
// check` shows their gaps, `more table` / `more figure` throw the first before the model loads.
//
// Deliberately not here: what the evaluation tolerates (a class with a single label value in a
// test split's AUROC is `nan` and left out of the macro mean, AUROC.swift; a training split
// without a positive of a class), failures that depend on the model or the features, and the
// number of rows a t-SNE or a bootstrap needs beyond one.

import Foundation
import Datasets
import Eval

/// One use of label sets by a table or figure: the splits it reads, in order, and the
/// evaluation's code that builds its targets from them (throwing the evaluation's `EvalError`).
struct LabelRead: Sendable {
    var splits: [String]
    var read: @Sendable (_ splits: [EvalSplit]) throws -> Void

    /// The seed the reads build tasks and probe options with: it draws prompts and probe
    /// subsets, not the classes and rows the labels give.
    static let seed = Prompts.publishedSeed

    /// The zero-shot tasks of table-zeroshot-cxr on chexpert5x200 (4 and 5 classes).
    static let zeroShotCXR = LabelRead(splits: ["chexpert5x200"]) { s in
        for (_, task) in try EvalContext.zeroShotCXRTasks(seed: seed) { _ = try task.targets(s[0].split, file: s[0].file) }
    }

    /// The zero-shot tasks of table-zeroshot-ecg on ptbxl_test (single- and multi-label).
    static let zeroShotECG = LabelRead(splits: ["ptbxl_test"]) { s in
        for (_, task) in try EvalContext.zeroShotECGTasks() { _ = try task.targets(s[0].split, file: s[0].file) }
    }

    /// Retrieval's class-level precision@K on pretrain_test (table-retrieval, table-ablation).
    static let retrieval = LabelRead(splits: ["pretrain_test"]) { s in
        _ = try retrievalTargets(s[0], labelSet: EvalContext.retrievalLabelSet)
    }

    /// A probe on its three splits (the label fractions do not change what is read), and the
    /// partial fine-tune row's targets too when `fineTune`.
    static func probe(_ p: EvalContext.ProbeSpec, fineTune: Bool = false) -> LabelRead {
        LabelRead(splits: [p.splits.0, p.splits.1, p.splits.2]) { s in
            _ = try probeTargets(train: s[0], validation: s[1], test: s[2], p.options(seed: seed))
            if fineTune {
                let o = p.fineTuneOptions(seed: seed)
                for split in s { _ = try o.targets(split) }
            }
        }
    }

    /// A probe table: its probe, and its partial fine-tune row when it has one.
    static func probeTable(_ p: EvalContext.ProbeSpec) -> LabelRead { probe(p, fineTune: p.partialFineTune) }

    /// table-ablation's headline metrics: the two zero-shot tasks, retrieval and the two probes.
    static let headline = [
        LabelRead(splits: ["chexpert5x200"]) { s in _ = try EvalContext.headlineZeroShotTasks(seed: seed).cxr.targets(s[0].split, file: s[0].file) },
        LabelRead(splits: [EvalContext.headlineProbes.ecg.splits.2]) { s in
            _ = try EvalContext.headlineZeroShotTasks(seed: seed).ecg.targets(s[0].split, file: s[0].file)
        },
        retrieval, probe(EvalContext.headlineProbes.xray), probe(EvalContext.headlineProbes.ecg),
    ]

    /// figure2's rows: the classes that colour its points.
    static let tsne = EvalContext.tsneSets.map { set in
        LabelRead(splits: [set.split]) { s in _ = try EvalContext.tsneTargets(s[0], labelSet: set.labelSet) }
    }

    /// figure3 or figure4: the findings its query names, counted among the hits.
    static func textToXray(_ figure: String) -> LabelRead {
        LabelRead(splits: [EvalContext.textToXraySplit]) { s in
            _ = try EvalContext.findingColumns(s[0], findings: EvalContext.textToXrayFigures[figure]?.findings ?? [])
        }
    }

    /// figure-roc's probe and its per-class ROC curves.
    static let roc = LabelRead(splits: [EvalContext.rocProbe.splits.0, EvalContext.rocProbe.splits.1, EvalContext.rocProbe.splits.2]) { s in
        try EvalContext.rocTargets(train: s[0], validation: s[1], test: s[2], EvalContext.rocProbe.options(seed: seed))
    }

    /// The attention figures' explanation study on pretrain_test: its findings' patients and
    /// region boxes, where the split has their label sets.
    static let explanation = LabelRead(splits: ["pretrain_test"]) { s in try checkExplanationLabels(s[0].split, file: s[0].file) }
}

/// The label sets of a dataset folder's split files, each read once (ids and `/labels` only).
final class LabelCache {
    let folder: URL
    private var splits: [String: EvalSplit] = [:]

    init(folder: URL) { self.folder = folder }

    /// Split `name` of the folder with its ids and label sets (`EvalSplit.file`: its path).
    func split(_ name: String) throws -> EvalSplit {
        if let s = splits[name] { return s }
        let url = folder.appendingPathComponent(name + ".h5")
        let s = EvalSplit(try readHDF5(url, fields: [DatasetSchema.ids, DatasetSchema.labels]), file: url.path)
        splits[name] = s
        return s
    }
}

extension DataRequirements {
    /// The gaps in the content of the label sets (`labels`), each read once its splits have no
    /// gap in `structural` (what `missing(in:)` found: a read of a missing file or label set would
    /// only repeat it). A read's `EvalError` is a gap of the split it names; a split whose labels
    /// cannot be read is unusable.
    func labelGaps(_ cache: LabelCache, structural: [MissingData]) -> [MissingData] {
        var out: [MissingData] = []
        for r in labels where !structural.contains(where: { r.splits.contains($0.split) }) {
            var splits: [EvalSplit] = [], gap: MissingData?
            for name in r.splits where gap == nil {
                do { splits.append(try cache.split(name)) } catch {
                    gap = MissingData(split: name, problem: .unusable("its labels cannot be read: \(plainReason(error))"))
                }
            }
            if gap == nil {
                do { try r.read(splits) } catch let e as EvalError {
                    let named = zip(r.splits, splits).first { $0.1.file == e.file || $0.1.split.name == e.file }?.0
                    gap = MissingData(split: named ?? r.splits[0], problem: .labels(e))
                } catch {
                    gap = MissingData(split: r.splits[0], problem: .unusable(plainReason(error)))
                }
            }
            if let gap, !out.contains(gap) { out.append(gap) }
        }
        return out
    }
}
