// ExplanationStudy — scores the attention explanations on the synthetic cohort, where the
// location of each finding is known.
//
//   Cardiomegaly (X-ray, mimic4 = 1)       region: the heart box (regions_heart)
//   Pleural effusion (X-ray, mimic4 = 1)   region: both costophrenic-angle boxes
//                                           (regions_cp_right ∪ regions_cp_left)
//   Myocardial infarction (ECG,            region: QRS–T windows of every detected beat, and
//     ptbxl_super MI = 1)                   separately the ST–T windows (ECGBeatWindows.swift)
//
// For each finding: the positive patients (first `maxPatients` rows), the explained scalar
// s = cos(z, p) with p the prompt's embedding (ModelExplainer.swift), token relevances by
// rollout and by Chefer et al., mapped to pixels / samples, then pointing game and energy in
// region (ExplanationScores.swift) against two seeded random baselines: i.i.d. uniform per
// pixel (sample), and i.i.d. uniform per *token* mapped exactly like the model's relevance.
// A negative control: the same prompt's maps on as many patients *without* the finding, scored
// in their own region (every patient has a heart box, costophrenic angles and beats). Maps that
// find the finding should score higher on the positives, relative to the region's area; maps
// that follow anatomy alone score alike on both.
// ECG scores are on the time axis: token relevance is the same in every lead (see
// ECGRelevanceMap.swift), so restricting to the territory's leads would multiply the energy of
// the maps and of the baselines by the same lead fraction and leave the comparison unchanged.
// Deliberately not here: drawing (Reproduce/Figures/FigureAttention.swift).

import TensorCore
import Datasets
import MoRE

/// Settings of an explanation study.
public struct ExplanationStudyOptions: Codable, Sendable {
    /// At most this many positive patients per finding (the first rows of the split).
    public var maxPatients: Int
    /// Random heatmaps per patient for the baselines.
    public var draws: Int
    public var seed: UInt64
    public var normalisation: RolloutNormalisation
    public var startLayer: Int
    /// Inputs per forward/backward pass.
    public var chunk: Int
    public init(maxPatients: Int = 100, draws: Int = 200, seed: UInt64 = 42, normalisation: RolloutNormalisation = .none,
                startLayer: Int = 0, chunk: Int = 8) {
        self.maxPatients = maxPatients; self.draws = draws; self.seed = seed
        self.normalisation = normalisation; self.startLayer = startLayer; self.chunk = chunk
    }
}

/// Scores of one finding.
public struct FindingScores: Codable, Sendable {
    public var finding: String
    public var tower: ExplainedTower
    public var prompt: String
    public var region: String
    public var rollout: PointingEnergy
    public var chefer: PointingEnergy
    /// I.i.d. uniform heatmaps per pixel / sample (expectation of both scores = area fraction).
    public var randomPixel: PointingEnergy
    /// I.i.d. uniform token relevances mapped like the model's (same resolution and smoothing).
    public var randomToken: PointingEnergy
    /// The same prompt's rollout / Chefer maps on patients without the finding (label 0), in
    /// their own region; nil when the split has no such patient.
    public var negativeRollout: PointingEnergy? = nil
    public var negativeChefer: PointingEnergy? = nil

    /// One line for a terminal: pointing-game hit rate and energy in the region for each map,
    /// beside the region's area (what a uniform map scores on both), e.g.
    /// `Cardiomegaly (xray, heart box, 35 maps): pointing rollout 0.03, Chefer 0.00, random 0.11; energy rollout 0.126, Chefer 0.131; area 0.121`.
    public var summary: String {
        func f(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }
        var line = "\(finding) (\(tower.rawValue), \(region), \(rollout.count) maps): pointing rollout \(f(rollout.pointing, 2)), "
            + "Chefer \(f(chefer.pointing, 2)), random \(f(randomToken.pointing, 2)); "
            + "energy rollout \(f(rollout.energy, 3)), Chefer \(f(chefer.energy, 3)); area \(f(rollout.area, 3))"
        if let n = negativeRollout {
            line += "; without the finding (\(n.count)): energy rollout \(f(n.energy, 3)), area \(f(n.area, 3))"
        }
        return line
    }
}

/// One finding's explanations, kept for figures.
public struct FindingExplanation {
    public var scores: FindingScores
    /// Rows of the split explained.
    public var rows: [Int]
    /// Token relevances and explained similarities.
    public var tokens: TowerExplanation
    /// Per patient: pixel maps [S·S] (X-ray) or time maps [L] (ECG), by method.
    public var rolloutMaps: [[Float]], cheferMaps: [[Float]]
    /// Per patient region mask, same layout as the maps (empty when not scored).
    public var masks: [[Bool]]
    /// Why the finding has no pointing/energy scores (nil: scored). On converted data the
    /// location of a finding is unknown (no regions_* boxes) and the ECG rows may carry no MI label.
    public var unscoredReason: String?
    /// How the explained patients were chosen.
    public var selection: String
}

/// Everything an explanation study measured.
public struct ExplanationReport: Codable, Sendable {
    public var split: String
    public var options: ExplanationStudyOptions
    public var findings: [FindingScores]
    /// Findings explained but not scored, with the reason ("Cardiomegaly: no regions_heart …").
    public var unscored: [String] = []
}

/// The findings scored and how their regions are defined.
enum StudyRegion {
    case boxes([String])
    case beats(ECGBeatRegion)
}

struct StudyFinding {
    var name: String, tower: ExplainedTower, prompt: String
    var labelSet: String, column: String
    var region: StudyRegion, regionName: String

    static let all = [
        StudyFinding(name: "Cardiomegaly", tower: .xray, prompt: "Cardiomegaly", labelSet: "mimic4", column: "Cardiomegaly",
                     region: .boxes(["regions_heart"]), regionName: "heart box"),
        StudyFinding(name: "Pleural Effusion", tower: .xray, prompt: "Pleural Effusion", labelSet: "mimic4",
                     column: "Pleural Effusion", region: .boxes(["regions_cp_right", "regions_cp_left"]),
                     regionName: "costophrenic-angle boxes"),
        StudyFinding(name: "Myocardial Infarction", tower: .ecg, prompt: "Myocardial Infarction", labelSet: "ptbxl_super",
                     column: "MI", region: .beats(.qrsT), regionName: "QRS–T windows [R−50 ms, R+400 ms)"),
        StudyFinding(name: "Myocardial Infarction", tower: .ecg, prompt: "Myocardial Infarction", labelSet: "ptbxl_super",
                     column: "MI", region: .beats(.stSegment), regionName: "ST–T windows [R+40 ms, R+240 ms)"),
    ]
}

/// Explains and scores every finding of `StudyFinding.all` on `split` (a synthetic-cohort
/// split with X-rays, ECGs and the regions_* / mimic4 / ptbxl_super label sets). ECGs go
/// through `prepareECGForModel` first, as in training; beats are found in the prepared signal.
/// On a split without a finding's label set (converted MIMIC pairs have no PTB-XL superclasses)
/// the first `maxPatients` patients are explained whatever their diagnosis, and a finding whose
/// label set or region (regions_* boxes) is absent is explained but not scored
/// (`FindingExplanation.unscoredReason`, `ExplanationReport.unscored`).
///
///     let (report, details) = try explanationStudy(model: m, split: test, tokenizer: tok)
///     report.findings[0].chefer.energy    // energy of Chefer maps in the heart box
public func explanationStudy(model: MoREModel, split: DatasetSplit, file: String? = nil, tokenizer: TextTokenizer,
                             options o: ExplanationStudyOptions = ExplanationStudyOptions())
    throws -> (report: ExplanationReport, details: [FindingExplanation]) {
    let protocolName = "attention explanations", file = file ?? split.name
    var split = split
    split.prepareECGForModel()      // the authors' 100 Hz chain, unless the file says it is done
    guard o.maxPatients > 0, o.draws > 0, o.chunk > 0 else {
        throw EvalError.invalidParameter(name: "maxPatients/draws/chunk", value: "\(o.maxPatients)/\(o.draws)/\(o.chunk)",
                                         reason: "must be positive")
    }
    var details: [FindingExplanation] = []
    var cache: [String: ([Int], TowerExplanation)] = [:]
    for f in StudyFinding.all {
        let (rows, selection, unscored) = try f.patients(split, file: file, maxPatients: o.maxPatients)
        // The tower's explanations of `f.prompt` on `rows`, computed once per key (both MI
        // regions share the same patients and maps).
        func explained(_ rows: [Int], key: String) throws -> TowerExplanation {
            if let c = cache[key] { return c.1 }
            guard let all = f.tower == .xray ? split.xray : split.ecg else {
                throw EvalError.missingModality(file: file, modality: f.tower.rawValue, protocolName: protocolName)
            }
            let p = try promptEmbedding(model, tokenizer: tokenizer, prompt: f.prompt)
            let e = explainTower(model, tower: f.tower, inputs: gatherRows(all, rows), target: .promptCosine(p),
                                 normalisation: o.normalisation, startLayer: o.startLayer, chunk: o.chunk)
            cache[key] = (rows, e)
            return e
        }
        let key = "\(f.tower.rawValue)|\(f.prompt)"
        var d = try scoreFinding(f, split: split, file: file, rows: rows, explained: try explained(rows, key: key), options: o,
                                 scored: unscored == nil)
        if unscored == nil {
            let label = try labelColumn(split, f.labelSet, f.column, file: file, protocolName: protocolName)
            let negatives = Array(label.indices.filter { label[$0] == 0 }.prefix(o.maxPatients))
            if !negatives.isEmpty {
                let neg = try scoreFinding(f, split: split, file: file, rows: negatives,
                                           explained: try explained(negatives, key: key + "|without \(f.column)"), options: o)
                d.scores.negativeRollout = neg.scores.rollout
                d.scores.negativeChefer = neg.scores.chefer
            }
        }
        d.unscoredReason = unscored
        d.selection = selection
        details.append(d)
    }
    var report = ExplanationReport(split: split.name, options: o, findings: details.filter { $0.unscoredReason == nil }.map(\.scores))
    report.unscored = details.compactMap { d in d.unscoredReason.map { "\(d.scores.finding) (\(d.scores.region)): \($0)" } }
    return (report, details)
}

/// Reads what `explanationStudy` reads of `split`'s labels and throws what it would throw of
/// them: a finding's column missing from its label set (`EvalError.unknownClass`), no patient
/// with the finding (`.noUsableRows`, "no patient with MI = 1"), a region set without its
/// coordinates. Needs the labels and ids only; `more table`/`more figure` and `more data check`
/// call it before the model is loaded (Reproduce/Tables/LabelContentCheck.swift).
public func checkExplanationLabels(_ split: DatasetSplit, file: String? = nil,
                                   options o: ExplanationStudyOptions = ExplanationStudyOptions()) throws {
    let file = file ?? split.name
    for f in StudyFinding.all {
        let (_, _, unscored) = try f.patients(split, file: file, maxPatients: o.maxPatients)
        if unscored == nil, case .boxes(let sets) = f.region { _ = try regionColumns(split, file: file, sets) }
    }
}

extension StudyFinding {
    /// The patients explained for this finding on `split`: the first `maxPatients` with the
    /// finding (label 1), or, without the finding's label set, the first `maxPatients` of all;
    /// how they were chosen; and why the finding is not scored (nil: scored) — no label set, or
    /// no region boxes.
    func patients(_ split: DatasetSplit, file: String, maxPatients: Int) throws -> (rows: [Int], selection: String, unscored: String?) {
        var rows = Array(0..<min(split.count, maxPatients))
        var selection = "the first \(rows.count) patients (no \(labelSet) labels in \(split.name))"
        var unscored: String? = "no \(labelSet) labels in \(split.name): which patients have \(column) is unknown"
        if split.labels[labelSet] != nil {
            let positive = try labelColumn(split, labelSet, column, file: file, protocolName: "attention explanations")
            rows = Array(positive.indices.filter { positive[$0] == 1 }.prefix(maxPatients))
            selection = "patients with \(column) = 1 in \(labelSet)"
            unscored = nil
        }
        guard !rows.isEmpty else {
            throw EvalError.noUsableRows(file: file, labelSet: labelSet, reason: "no patient with \(column) = 1")
        }
        if unscored == nil, case .boxes(let sets) = region, let missing = sets.first(where: { split.labels[$0] == nil }) {
            unscored = "no \(missing) boxes in \(split.name): where \(name) lies is unknown"
        }
        return (rows, selection, unscored)
    }
}

/// The coordinates of each region set of `sets`, one value per row: [sets][4][N], in the order
/// of `CohortLabels.regionNames`.
func regionColumns(_ split: DatasetSplit, file: String, _ sets: [String]) throws -> [[[Float]]] {
    try sets.map { s in
        try CohortLabels.regionNames.prefix(4).map { try labelColumn(split, s, $0, file: file, protocolName: "attention explanations") }
    }
}

/// Rows of `t: [N, ...]` in the given order → `[rows.count, ...]`.
func gatherRows(_ t: Tensor, _ rowIndices: [Int]) -> Tensor {
    let inner = t.count / max(t.shape[0], 1)
    var shape = t.shape
    shape[0] = rowIndices.count
    return Tensor(shape: shape) { out in
        for (k, r) in rowIndices.enumerated() { (out.baseAddress! + k * inner).update(from: t.pointer + r * inner, count: inner) }
    }
}

/// Maps, masks and scores of one finding (maps only, zero scores and no masks, when not `scored`).
func scoreFinding(_ f: StudyFinding, split: DatasetSplit, file: String, rows: [Int], explained: TowerExplanation,
                  options o: ExplanationStudyOptions, scored: Bool = true) throws -> FindingExplanation {
    let n = rows.count, tokens = explained.rollout.shape[1]
    let r = explained.rollout.scalars, c = explained.chefer.scalars
    func tokenRow(_ v: [Float], _ i: Int) -> [Float] { Array(v[i * tokens ..< (i + 1) * tokens]) }
    var masks: [[Bool]] = [], rollMaps: [[Float]] = [], chefMaps: [[Float]] = []
    let toMap: ([Float]) -> [Float]
    switch f.region {
    case .boxes(let sets):
        guard let x = split.xray else {
            throw EvalError.missingModality(file: file, modality: "xray", protocolName: "attention explanations")
        }
        let size = x.shape[1]
        toMap = { xrayHeatmap(tokens: $0, imageSize: size) }
        let coordinates = scored ? try regionColumns(split, file: file, sets) : []
        for row in rows where scored {
            let boxes = coordinates.compactMap { set in RegionBox(set.map { $0[row] }) }
            masks.append(regionMask(boxes, height: size, width: size))
        }
    case .beats(let kind):
        guard let e = split.ecg else {
            throw EvalError.missingModality(file: file, modality: "ecg", protocolName: "attention explanations")
        }
        let leads = e.shape[1], length = e.shape[2], rate = 100.0
        toMap = { ecgTimeRelevance(tokens: $0, length: length) }
        let ev = e.scalars
        for row in rows where scored {
            let sig = Array(ev[row * leads * length ..< (row + 1) * leads * length])
            let peaks = ECGBeatWindows.rPeaks(sig, leads: leads, rate: rate)
            masks.append(windowMask(ECGBeatWindows.windows(peaks: peaks, region: kind, rate: rate, length: length), length: length))
        }
    }
    for i in 0..<n {
        rollMaps.append(toMap(tokenRow(r, i)))
        chefMaps.append(toMap(tokenRow(c, i)))
    }
    guard scored else {
        let none = PointingEnergy(count: 0, pointing: 0, energy: 0, area: 0)
        let scores = FindingScores(finding: f.name, tower: f.tower, prompt: f.prompt, region: f.regionName,
                                   rollout: none, chefer: none, randomPixel: none, randomToken: none)
        return FindingExplanation(scores: scores, rows: rows, tokens: explained, rolloutMaps: rollMaps, cheferMaps: chefMaps,
                                  masks: [], unscoredReason: "not scored", selection: "")
    }
    let pixels = masks.first?.count ?? 0
    let randomPixel = randomHeatmapBaseline(masks: masks, draws: o.draws, seed: o.seed) { rng in
        (0..<pixels).map { _ in rng.uniform() }
    }
    let randomToken = randomHeatmapBaseline(masks: masks, draws: o.draws, seed: o.seed ^ 0x70ce) { rng in
        toMap((0..<tokens).map { _ in rng.uniform() })
    }
    let scores = FindingScores(finding: f.name, tower: f.tower, prompt: f.prompt, region: f.regionName,
                               rollout: .score(rollMaps, masks: masks), chefer: .score(chefMaps, masks: masks),
                               randomPixel: randomPixel, randomToken: randomToken)
    return FindingExplanation(scores: scores, rows: rows, tokens: explained, rolloutMaps: rollMaps, cheferMaps: chefMaps,
                              masks: masks, unscoredReason: nil, selection: "")
}
