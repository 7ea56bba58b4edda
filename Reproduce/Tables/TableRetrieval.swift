// table-retrieval — cross-modal retrieval on the held-out pre-training test split.
//
// Claim (C4, the README): one text query retrieves both X-rays and ECGs, and X-rays retrieve
// ECGs (and back) although no loss term ever compared the two — only the report anchored them.
// Rows: MoRE and the random-init floor. Chance R@K = K/N.

import Foundation
import MoRE
import Eval

extension EvalContext {
    /// The label set of retrieval's class-level precision@K (table-retrieval, table-ablation):
    /// its rows without a usable label are left out of every direction.
    static let retrievalLabelSet = "mimic4"

    func tableRetrieval() throws -> TableDocument {
        let s = try split("pretrain_test")
        let ks = [1, 5, 10]
        var recallRows: [[String]] = [], precisionRows: [[String]] = []
        var n = 0
        for (name, m) in encoders {
            for r in try m.retrieval(s, tokenizer: tokenizer, labelSet: EvalContext.retrievalLabelSet, ks: ks) {
                n = r.count
                let ci = try ks.map { k in try bootstrap.recallAtK(ranks: r.ranks, k: k) }
                recallRows.append([name, r.direction.rawValue] + zip(ks, ci).map { fmt(r.recall[$0.0] ?? .nan, $0.1.lower, $0.1.upper) })
                precisionRows.append([name, r.direction.rawValue] + ks.map { fmt(r.precision[$0] ?? .nan) })
            }
        }
        recallRows.append(["chance", "any"] + ks.map { fmt(Double($0) / Double(max(n, 1))) })
        recallRows.append(["paper (MoRE)", "any"] + ks.map { _ in paperValue })
        return TableDocument(
            name: "table-retrieval", title: "Cross-modal retrieval (held-out patients)",
            claim: "C4 — text→X-ray and text→ECG retrieval work, and X-ray↔ECG retrieval works through the text anchor alone (no X-ray–ECG loss term).",
            protocolText: "On the pre-training test split (\(n) patients with an X-ray, an ECG and both reports, rows with a usable 4-label vector), every query is compared with every candidate by cosine similarity of the projected embeddings; the query's own patient is the true match. Text queries are the joined report pairs (with the authors' prefixes). Recall@K = fraction of queries whose match ranks in the top K (95 % CI by bootstrap over queries). Class-level precision@K = fraction of the top K that share at least one positive finding of the 4 labels (Atelectasis, Cardiomegaly, Edema, Pleural Effusion) with the query; a query without any of the four has no relevant candidates.",
            provenance: try provenance(["pretrain_test"]),
            parts: [TablePart(title: "Recall@K", columns: ["encoder", "direction"] + ks.map { "R@\($0) [95 % CI]" }, rows: recallRows),
                    TablePart(title: "Class-level precision@K (shares a positive 4-label finding)", columns: ["encoder", "direction"] + ks.map { "P@\($0)" },
                              rows: precisionRows, csvSuffix: "precision")])
    }
}
