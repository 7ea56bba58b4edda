// FigureAttention — `figure-attention-xray` and `figure-attention-ecg`: where the model looks
// when an X-ray (ECG) is compared with a finding's prompt, by attention rollout and by
// Chefer et al.'s gradient-weighted relevance, on synthetic-cohort patients whose finding
// location is known; plus `explanation-scores.json` with the study's scores (FigureCommand
// writes it with the figures). On converted data (no regions_* boxes, no PTB-XL labels on the
// MIMIC pairs) the same maps are drawn without a box and without scores, and the JSON lists
// those findings as unscored with the reason.
//
// X-ray figure: for Cardiomegaly and Pleural Effusion, the three explained patients with the
// highest similarity to the prompt, each as [X-ray with the region box drawn in white |
// rollout overlay | Chefer overlay] (JET, min–max normalised as the authors display it).
// ECG figure: the two MI patients with the highest similarity, each as [12 leads shaded by
// rollout | shaded by Chefer] (min–max shading); the text names the infarct territory's leads and the scores.
// Deliberately not here: the CLI command (More.swift), computing relevance (Eval/Explain).

import Foundation
import TensorCore
import Datasets
import MoRE
import Eval
import Plot

/// Draws both attention figures from `split` (synthetic or converted; read from `file`, which
/// errors name) and returns them with the scores of the whole study (`explanation-scores.json`);
/// the ECG figure only when the study explained an ECG finding. The caller writes them
/// (`FigureOutput`).
func attentionFigures(model: MoREModel, split: DatasetSplit, file: String, tokenizer: TextTokenizer,
                      options: ExplanationStudyOptions = ExplanationStudyOptions()) throws
    -> (report: ExplanationReport, figures: [Figure]) {
    var split = split
    split.prepareECGForModel()      // show the ECG as the model sees it
    let (report, details) = try explanationStudy(model: model, split: split, file: file, tokenizer: tokenizer, options: options)
    var figures = [try xrayAttentionFigure(split: split, details: details.filter { $0.scores.tower == .xray })]
    if let mi = details.first(where: { $0.scores.tower == .ecg }) {
        figures.append(try ecgAttentionFigure(split: split, mi: mi, all: details.filter { $0.scores.tower == .ecg }))
    }
    return (report, figures)
}

/// Indices (into a finding's explained rows) of the `k` highest explained similarities.
func topPatients(_ f: FindingExplanation, _ k: Int) -> [Int] {
    Array(f.tokens.score.indices.sorted { f.tokens.score[$0] != f.tokens.score[$1] ? f.tokens.score[$0] > f.tokens.score[$1] : $0 < $1 }
        .prefix(k))
}

/// `image: [S, S]` with the outline of `mask` (pixels in the mask next to one outside) set to 1.
func outlined(_ image: [Float], mask: [Bool], size: Int) -> [Float] {
    var out = image
    for r in 0..<size {
        for c in 0..<size where mask[r * size + c] {
            let edge = r == 0 || c == 0 || r == size - 1 || c == size - 1
                || !mask[(r - 1) * size + c] || !mask[(r + 1) * size + c] || !mask[r * size + c - 1] || !mask[r * size + c + 1]
            if edge { out[r * size + c] = 1 }
        }
    }
    return out
}

/// The ECG map for display: the distributed relevance divided by the number of tokens covering
/// each sample (so the first and last 20 samples, seen by fewer tokens, are not darker), minus
/// its minimum — the panel scales by the maximum, so this is the authors' min–max display (an
/// unnormalised rollout is a large constant plus a small varying part). Scores use the
/// undivided map (Eval/Explain/ECGRelevanceMap.swift).
func ecgDisplayMap(_ tokens: [Float], leads: Int, length: Int) -> [Float] {
    let m = ecgTimeRelevance(tokens: tokens, length: length)
    let cover = ecgTimeRelevance(tokens: [Float](repeating: 1, count: tokens.count), length: length)
    let mean = zip(m, cover).map { $1 > 0 ? $0 / $1 : 0 }
    let lo = mean.min() ?? 0
    let row = mean.map { $0 - lo }
    return (0..<leads).flatMap { _ in row }
}

func percent(_ x: Double) -> String { String(format: "%.0f%%", 100 * x) }

func xrayAttentionFigure(split: DatasetSplit, details: [FindingExplanation]) throws -> Figure {
    guard let x = split.xray else { throw EvalError.missingModality(file: split.name, modality: "xray", protocolName: "figure-attention-xray") }
    let size = x.shape[1], px = x.scalars
    var panels: [any Panel] = []
    for f in details {
        let tokens = f.tokens.chefer.shape[1], grid = Int(Double(tokens).squareRoot().rounded())
        for i in topPatients(f, 3) {
            let row = f.rows[i]
            let image = Array(px[row * size * size ..< (row + 1) * size * size])
            let scored = f.unscoredReason == nil
            let energy = { (m: [Float]) in scored ? "energy in box " + percent(energyInRegion(m, mask: f.masks[i])) : "region unknown: not scored" }
            panels.append(ImagePanel(pixels: scored ? outlined(image, mask: f.masks[i], size: size) : image, height: size, width: size,
                                     title: "\(split.ids[row]): \(f.scores.finding)",
                                     caption: (scored ? "box: \(f.scores.region)" : f.selection)
                                        + "\ncos(z, \"\(f.scores.prompt)\") = \(String(format: "%.3f", f.tokens.score[i]))"))
            let r = f.tokens.rollout.scalars, c = f.tokens.chefer.scalars
            panels.append(HeatmapPanel(image: image, height: size, width: size,
                                       relevance: Array(r[i * tokens ..< (i + 1) * tokens]), relevanceHeight: grid, relevanceWidth: grid,
                                       title: "Attention rollout", caption: energy(f.rolloutMaps[i])))
            panels.append(HeatmapPanel(image: image, height: size, width: size,
                                       relevance: Array(c[i * tokens ..< (i + 1) * tokens]), relevanceHeight: grid, relevanceWidth: grid,
                                       title: "Chefer et al.", caption: energy(f.cheferMaps[i])))
        }
    }
    return Figure(name: "figure-attention-xray", panels: panels, columns: 3,
                  title: "Where the X-ray encoder looks for a finding (\(datasetLabel(split))"
                    + (details.allSatisfy { $0.unscoredReason == nil } ? "; box = where the finding is)" : "; finding locations unknown)"),
                  width: 1050, height: 360 * max(1, panels.count / 3))
}

func ecgAttentionFigure(split: DatasetSplit, mi: FindingExplanation, all: [FindingExplanation]) throws -> Figure {
    guard let e = split.ecg else { throw EvalError.missingModality(file: split.name, modality: "ecg", protocolName: "figure-attention-ecg") }
    let leads = e.shape[1], length = e.shape[2], ev = e.scalars
    let tokens = mi.tokens.chefer.shape[1]
    let territories = ["MI-anterior": "anterior", "MI-inferior": "inferior", "MI-lateral": "lateral"]
    var panels: [any Panel] = []
    for i in topPatients(mi, 2) {
        let row = mi.rows[i]
        var territory = "unknown territory"
        if let cond = split.labels["conditions"], let names = split.labelNames["conditions"] {
            for (col, name) in names.enumerated() where cond.scalars[row * names.count + col] == 1 {
                if let t = territories[name], let ls = ECGBeatWindows.territoryLeads(t) {
                    territory = "\(t) (leads " + ls.map { ECGPanel.standardLeads[$0] }.joined(separator: ", ") + ")"
                }
            }
        }
        let signal = Array(ev[row * leads * length ..< (row + 1) * leads * length])
        let report = row < split.reportECG.count ? split.reportECG[row] : ""
        for (method, tok, maps) in [("Attention rollout", mi.tokens.rollout.scalars, mi.rolloutMaps),
                                    ("Chefer et al.", mi.tokens.chefer.scalars, mi.cheferMaps)] {
            let energies = all.filter { $0.unscoredReason == nil }.map { f in "\(f.scores.region): \(percent(energyInRegion(maps[i], mask: f.masks[i])))" }
            let scoreText = energies.isEmpty ? "Not scored (\(mi.selection))." : "Energy in " + energies.joined(separator: "; ") + "."
            panels.append(ECGPanel(signal: signal, samplingRate: 100,
                                   relevance: ecgDisplayMap(Array(tok[i * tokens ..< (i + 1) * tokens]), leads: leads, length: length),
                                   title: "\(split.ids[row]): \(method)",
                                   text: "Infarct territory: \(territory). Report: \(report)\n" + scoreText
                                        + " cos(z, \"\(mi.scores.prompt)\") = " + String(format: "%.3f", mi.tokens.score[i])))
        }
    }
    return Figure(name: "figure-attention-ecg", panels: panels, columns: 2,
                  title: "Where the ECG encoder looks for a myocardial infarction (\(datasetLabel(split)); relevance per time; tokens mix all leads)",
                  width: 1500, height: 1000 * max(1, panels.count / 2))
}
