// figure2 — t-SNE of X-ray embeddings (the paper's Fig. 2).
//
// The paper shows CheXpert (top) and MIMIC (bottom) for MoRE, GLoRIA and MedKLIP. We have
// neither baseline, so the columns are MoRE, the X-ray–text-only pre-training (the ablation
// run without the ECG modality, and MoRE on the same reduced budget beside it when the
// ablation budget differs from the main run's — the probe tables' rows) and the random-init
// encoder (the same architecture before pre-training). Without ablation runs (a dataset
// without pre-training splits) only MoRE and random init. As the authors' notebook: 128-d projected X-ray
// embeddings, t-SNE with 2 components (perplexity 30, or (N − 1)/3 below 91 points; PCA init,
// seed), points coloured by class — the CheXpert-style class, and for the MIMIC-style set the
// argmax over the 4 labels ("no finding" when none is positive).

import Foundation
import MoRE
import Eval
import Plot

extension EvalContext {
    /// figure2's rows: the set shown, its split, and the label set whose classes colour the points.
    static let tsneSets = [(title: "CheXpert-style 5×200", split: "chexpert5x200", labelSet: "chexpert5_class"),
                           (title: "MIMIC-style 4-label test", split: "mimic4label_test", labelSet: "mimic4")]

    /// The targets of a figure2 row: every class of `labelSet`, the rows with a usable label —
    /// at least two, the fewest points t-SNE can place (so `data check` and `more figure` say so
    /// before any embedding, instead of t-SNE after it).
    static func tsneTargets(_ s: EvalSplit, labelSet: String) throws -> LabelTargets {
        let targets = try LabelTargets(s.split, labelSet: labelSet, file: s.file, protocolName: "figure2")
        guard targets.rows.count >= 2 else {
            throw EvalError.noUsableRows(file: s.file, labelSet: labelSet,
                                         reason: "figure2's t-SNE needs at least 2 rows with a usable label, found \(targets.rows.count)")
        }
        return targets
    }

    func figureTSNE() throws -> Figure {
        let columns = try probeEncoders(.xray).encoders   // MoRE and random init alone without ablation runs
        var panels: [any Panel] = []
        for (setName, splitName, labelSet) in EvalContext.tsneSets {
            let s = try split(splitName)
            let targets = try EvalContext.tsneTargets(s, labelSet: labelSet)
            var names = targets.classNames
            let classes: [Int]
            if let c = targets.classIndex { classes = c } else {
                names.append("no finding")
                classes = targets.multiHot.map { row in row.firstIndex(of: 1) ?? names.count - 1 }
            }
            var sub = s.split
            sub.xray = sub.xray.map { selectRows($0, targets.rows) }
            for (i, (encName, m)) in columns.enumerated() {
                let z = try m.embed(sub, modality: .xray, file: s.file, options: EmbeddingOptions(stage: .projected))
                let perplexity = tsnePerplexity(rows: targets.rows.count)
                let t = try TSNE(perplexity: perplexity, seed: seed).fit(z)
                let reduced = perplexity < 30 ? ", perplexity \(String(format: "%g", perplexity)) for \(targets.rows.count) points" : ""
                panels.append(ScatterPanel(points: t.embedding.map(Float.init), labels: classes, classNames: names,
                                           title: "\(encName) — \(setName) (KL \(String(format: "%.2f", t.klDivergence))\(reduced))",
                                           showLegend: i == columns.count - 1))
            }
        }
        let fig = Figure(name: "figure2", panels: panels, columns: columns.count,
                         title: "Fig. 2 — t-SNE of X-ray embeddings (\(try dataLabel(EvalContext.tsneSets.map(\.split))))",
                         width: 120 + 590 * columns.count, height: 1050)
        return fig
    }
}

/// The authors' perplexity 30, lowered to (N − 1) / 3 for sets of fewer than 91 points (t-SNE
/// needs perplexity < N; a small converted split, e.g. after `--limit`, still gets a figure).
func tsnePerplexity(rows n: Int) -> Double {
    min(30, max(1, Double(n - 1) / 3))
}
