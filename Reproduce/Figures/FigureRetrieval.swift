// figure3, figure4, figure5 — retrieval shown as pictures (the paper's Figs. 3–5).
//
// Figs. 3–4: the X-rays a text query retrieves ("Cardiomegaly is severe"; "There is presence
// of Edema and Effusion"), each with its true labels. As the authors' script: take the top
// 5·n hits and keep every 5th, so the grid spans the ranking rather than near-duplicates.
// The title also counts how many of those 5·n hits carry every finding the query names, next
// to that fraction over the whole test set (what retrieval at chance gives): the six pictures
// are examples, the count is the figure's measurement.
// Fig. 5: X-ray → ECG retrieval with the reports of the query and of each retrieved ECG.

import Foundation
import MoRE
import Eval
import Plot
import TensorCore

extension EvalContext {
    /// figure3 and figure4: the text query and the 4-label classes it names (counted among the hits).
    static let textToXrayFigures = [
        "figure3": (query: "Cardiomegaly is severe", findings: ["Cardiomegaly"], number: 3),
        "figure4": (query: "There is presence of Edema and Effusion", findings: ["Edema", "Pleural Effusion"], number: 4),
    ]

    /// The split figure3 and figure4 retrieve from, and the label set whose findings they count.
    static let textToXraySplit = "mimic4label_test", textToXrayLabelSet = "mimic4"

    /// The columns of `findings` in the 4-label set of `s`, a value per row: what the retrieval
    /// figures count (`EvalError.unknownClass` for a finding the set does not have).
    static func findingColumns(_ s: EvalSplit, findings: [String]) throws -> [[Float]] {
        try findings.map { try labelColumn(s.split, textToXrayLabelSet, $0, file: s.file, protocolName: "text → X-ray figure") }
    }

    func labelCaption(_ s: EvalSplit, row: Int) -> String {
        let set = EvalContext.textToXrayLabelSet
        guard let t = s.split.labels[set], let names = s.split.labelNames[set] else { return "" }
        let c = names.count
        let pos = (0..<c).filter { t.pointer[row * c + $0] == 1 }.map { names[$0] }
        return pos.isEmpty ? "no 4-label finding" : pos.joined(separator: ", ")
    }

    /// How many of `rows` are positive (label 1; uncertain −1 is not) for every one of
    /// `findings` in the split's 4-label table, and that fraction over all rows of the split.
    func findingHits(_ s: EvalSplit, rows: [Int], findings: [String]) throws -> (hits: Int, baseRate: Double) {
        let columns = try EvalContext.findingColumns(s, findings: findings)
        func positive(_ r: Int) -> Bool { columns.allSatisfy { $0[r] == 1 } }
        let all = (0..<s.split.count).filter(positive).count
        return (rows.filter(positive).count, Double(all) / Double(max(1, s.split.count)))
    }

    /// - Parameter findings: the 4-label classes the query names (counted among the hits).
    func figureTextToXray(name: String, query: String, findings: [String], figureNumber: Int) throws -> Figure {
        let s = try split(EvalContext.textToXraySplit)
        let z = try model.embed(s.split, modality: .xray, file: s.file, options: EmbeddingOptions(stage: .projected))
        let show = 6
        let hits = try model.topK(textQuery: query, candidates: z, k: show * 5, tokenizer: tokenizer)
        let picked = stride(from: 0, to: hits.count, by: 5).map { hits[$0] }
        let (found, base) = try findingHits(s, rows: hits.map(\.index), findings: findings)
        let percent = { (x: Double) in String(format: "%.0f %%", 100 * x) }
        let tally = "top \(hits.count): \(found) with \(findings.joined(separator: " and ")) (\(percent(Double(found) / Double(max(1, hits.count)))));"
            + " in the whole test set: \(percent(base)), what retrieval at chance gives"
        let h = model.config.xrayImageSize
        let panels: [any Panel] = picked.enumerated().map { rank, hit in
            let px = Array(UnsafeBufferPointer(start: s.split.xray!.pointer + hit.index * h * h, count: h * h))
            return ImagePanel(pixels: px, height: h, width: h, title: "rank \(rank * 5 + 1), cos \(String(format: "%.3f", hit.score))",
                              caption: labelCaption(s, row: hit.index))
        }
        let fig = Figure(name: name, panels: panels, columns: 3,
                         title: "Fig. \(figureNumber) — X-rays retrieved for \"\(query)\" (\(datasetLabel(s.split)); true labels below)\n\(tally)",
                         width: 1100, height: 900)
        return fig
    }

    func figureXrayToECG() throws -> Figure {
        let s = try split("pretrain_test")
        try requireReports(s.split, file: s.file, protocolName: "figure5")
        let zx = try model.embed(s.split, modality: .xray, file: s.file, options: EmbeddingOptions(stage: .projected))
        let ze = try model.embed(s.split, modality: .ecg, file: s.file, options: EmbeddingOptions(stage: .projected))
        // The query: the first test patient whose report mentions cardiomegaly (else patient 0).
        let q = s.split.reportXray.firstIndex { $0.lowercased().contains("cardiomegaly") && !$0.lowercased().contains("no cardiomegaly") } ?? 0
        let hits = try topK(query: selectRows(zx, [q]), candidates: ze, k: 3)
        let h = model.config.xrayImageSize, l = model.config.ecgLength
        let qx = Array(UnsafeBufferPointer(start: s.split.xray!.pointer + q * h * h, count: h * h))
        var panels: [any Panel] = [ImagePanel(pixels: qx, height: h, width: h, title: "query X-ray (patient \(s.split.ids[q]))",
                                              caption: s.split.reportXray[q])]
        for (r, hit) in hits.enumerated() {
            let sig = Array(UnsafeBufferPointer(start: s.split.ecg!.pointer + hit.index * 12 * l, count: 12 * l))
            let same = hit.index == q ? " — the query's own ECG" : ""
            panels.append(ECGPanel(signal: sig, samplingRate: 100, title: "ECG rank \(r + 1), cos \(String(format: "%.3f", hit.score))\(same)",
                                   text: "ECG report: " + s.split.reportECG[hit.index] + "\nX-ray report: " + String(s.split.reportXray[hit.index].prefix(160)),
                                   paperGrid: false))
        }
        let fig = Figure(name: "figure5", panels: panels, columns: 4,
                         title: "Fig. 5 — X-ray → ECG retrieval through the text anchor (\(datasetLabel(s.split)); model-ready ECGs)",
                         width: 1800, height: 900, columnWeights: [0.8, 1, 1, 1])
        return fig
    }
}
