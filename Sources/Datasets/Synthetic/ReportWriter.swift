// ReportWriter — shared machinery of the synthetic report writers: the authors' prefixes, the
// CheXpert mention record a labeler would extract, and random phrasing helpers.
//
// The radiology writer (`RadiologyReport.swift`) records, for every sentence it writes, what a
// rule-based CheXpert labeler would read from it (positive, uncertain, negated); the labels of
// the cohort are derived from that record (`CohortLabels`), not from the latent state, so they
// inherit the report's omissions and hedges exactly as the real MIMIC-CXR labels do.
//
// Deliberately not here: the sentences themselves (RadiologyReport, CardiologyReport).

import TensorCore

/// Writers of synthetic radiology and cardiology reports.
public enum ReportWriter {
    /// The authors' prefix of the X-ray note (applied by the model code, not stored).
    public static let xrayPrefix = "The report from Xray is: "
    /// The authors' prefix of the ECG note (applied by the model code, not stored).
    public static let ecgPrefix = "The report from ECG is: "

    /// Uniformly picks one phrasing.
    static func pick(_ options: [String], _ rng: inout RNG) -> String {
        options[rng.int(below: options.count)]
    }

    /// Upper-cases the first letter.
    static func capitalized(_ s: String) -> String {
        guard let f = s.first else { return s }
        return f.uppercased() + s.dropFirst()
    }
}

/// What a CheXpert-style labeler reads from a report: per label, nothing, a negation (0), an
/// uncertain mention (−1) or a positive mention (1). Several mentions merge by priority
/// positive > uncertain > negative, as the CheXpert labeler's aggregation does.
public struct ReportMentions: Sendable, Equatable {
    /// The 13 CheXpert labels in MIMIC order.
    public enum Label: Int, CaseIterable, Sendable {
        case atelectasis, cardiomegaly, consolidation, edema, enlargedCardiomediastinum, fracture,
             lungLesion, lungOpacity, noFinding, pleuralEffusion, pleuralOther, pneumonia, pneumothorax
    }
    /// nil = not mentioned; otherwise −1, 0 or 1.
    public private(set) var values = [Int?](repeating: nil, count: 13)
    /// The 14th CheXpert finding, "Support Devices" (kept outside the 13 MIMIC-order labels):
    /// nil = not mentioned, 1 = a tube, line, pacemaker or sternotomy wires are stated.
    public var supportDevices: Int? = nil

    public init() {}

    static func rank(_ v: Int?) -> Int {
        switch v { case 1: return 3; case -1: return 2; case 0: return 1; default: return 0 }
    }

    /// Records a mention; keeps the stronger one (positive > uncertain > negative).
    public mutating func mention(_ l: Label, _ v: Int) {
        if Self.rank(v) > Self.rank(values[l.rawValue]) { values[l.rawValue] = v }
    }

    public subscript(_ l: Label) -> Int? { values[l.rawValue] }

    /// The 13 labels as a labeler outputs them with "not mentioned" filled as 0 (as the authors
    /// fill NaN): No Finding is 1 when no other pathology is positive or uncertain.
    public var chexpert13: [Float] {
        var out = values.map { Float($0 ?? 0) }
        let anyFinding = Label.allCases.contains { $0 != .noFinding && values[$0.rawValue] != nil && values[$0.rawValue]! != 0 }
        out[Label.noFinding.rawValue] = anyFinding ? 0 : 1
        return out
    }
}
