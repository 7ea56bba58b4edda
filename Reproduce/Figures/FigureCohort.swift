// figure-cohort — what the synthetic cohort looks like: one representative patient per
// condition (`SyntheticCohort.gallery`), its X-ray phantom and three ECG leads (II, V2, V5,
// the first 5 s at 100 Hz, in mV as stored), with the condition and the first words of each
// report. It needs no model: it documents the data section of PAPER.md.

import Foundation
import Datasets
import Plot

func cohortFigure(seed: UInt64) throws -> Figure {
    var config = SyntheticCohortConfig()
    config.seed = seed
    let g = SyntheticCohort.gallery(config)
    guard let x = g.xray, let e = g.ecg else { throw TableError.missingSplit(file: "(gallery)", split: "gallery X-rays/ECGs") }
    let h = x.shape[1], w = x.shape[2], leads = e.shape[1], l = e.shape[2]
    let shownLeads = [1, 7, 10], names = ["II", "V2", "V5"], samples = min(l, 500)
    var panels: [any Panel] = []
    for i in 0..<g.count {
        let px = Array(UnsafeBufferPointer(start: x.pointer + i * h * w, count: h * w))
        let condition = SyntheticCohort.galleryConditions[i]
        panels.append(ImagePanel(pixels: px, height: h, width: w, title: condition,
                                 caption: String(g.reportXray[i].replacingOccurrences(of: "FINDINGS: ", with: "").prefix(70)) + "…"))
        var sig: [Float] = []
        for lead in shownLeads {
            let start = e.pointer + (i * leads + lead) * l
            sig += Array(UnsafeBufferPointer(start: start, count: samples))
        }
        panels.append(ECGPanel(signal: sig, samplingRate: 100, leadNames: names, title: condition + " — ECG",
                               text: g.reportECG[i], spacing: 3.0, paperGrid: false))
    }
    let fig = Figure(name: "figure-cohort", panels: panels, columns: 6,
                     title: "The synthetic cohort: one patient per condition (X-ray phantom; ECG leads II, V2, V5, 5 s; reports)",
                     width: 2100, height: 1500, columnWeights: [0.55, 1, 0.55, 1, 0.55, 1])
    return fig
}
