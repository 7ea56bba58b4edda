// table-params — parameter counts and trainable fractions of the `tiny` and `paper` configs
// (and of `--config` when it is another).
//
// Claim (C2, MoRE-reference §2.9 and the README): with LoRA (r 16, α 8, on query and value)
// and every bias trainable, only ≈0.6 % of the language model is trained. The counts come from
// building both models and counting their parameters — nothing here is typed in.

import Foundation
import MoRE
import NN

/// The table for `tiny`, `paper` and `also` (`--config`) when its values are neither's.
func makeTableParams(outDir: URL, also: MoREConfig? = nil) throws -> URL {
    let t0 = Date()
    var rows: [[String]] = []
    var configs = [MoREConfig.tiny, MoREConfig.paper]
    // A JSON file is named after itself: compare the values, not the names.
    if let also, !configs.contains(where: { var a = also; a.name = $0.name; return a.hash == $0.hash }) { configs.append(also) }
    for c in configs {
        // Counting needs the shapes only: the weights are not drawn (Init.placeholdersOnly).
        let model = Init.$placeholdersOnly.withValue(true) { MoREModel(config: c, seed: c.optim.seed) }
        for s in model.componentSummary {
            rows.append([c.name, s.name, groupedThousands(s.total), groupedThousands(s.trainable), String(format: "%.3f %%", 100 * s.fraction)])
        }
    }
    let doc = TableDocument(
        name: "table-params", title: "Parameter counts and trainable fractions",
        claim: "LoRA-PEFT trains ≈0.6 % of the language model (C2); the towers and heads have the sizes of MoRE-reference §2.9.",
        protocolText: "\(configs.count == 2 ? "Both configs are" : "Each config is") built (`MoREModel(config:seed:)`) and their parameters counted by module; trainable = receives gradients (LoRA adapters and every bias in the text tower, everything in the vision towers and heads). The paper's text model (RoBERTa-base-PM-M3) is represented by a RoBERTa-base-sized encoder with the same shapes.",
        provenance: Provenance(dataset: "none (model sizes only)", datasetHash: "-", config: configs.map(\.name).joined(separator: ", "),
                               configHash: configs.map(\.hash).joined(separator: ", "), seed: 42, checkpoint: "-"),
        parts: [TablePart(title: "Parameters by component", columns: ["config", "component", "parameters", "trainable", "trainable %"],
                          rows: rows,
                          notes: ["Paper (README): \"only 0.6 % of the LLM's parameters\"; MoRE-reference §2.9 arithmetic: text + LoRA 125,235,456 with 692,736 trainable (0.553 %). Paper's own table: \(paperValue)."])])
    return try doc.write(to: outDir, wallSeconds: Date().timeIntervalSince(t0))
}
