// DatasetSplit — one split of a tri-modal dataset held in memory, exactly the content of one
// HDF5 dataset file (schema in `DatasetSchema.swift` and PAPER.md "Data").
//
// Every modality has N on axis 0 and row i of every field belongs to the same patient/study.
// Labels are Float tensors so that −1 (uncertain), 0 and 1 and integer grades all fit.

import TensorCore

/// One split (train / val / test / a downstream evaluation set) of a tri-modal dataset.
public struct DatasetSplit: @unchecked Sendable {
    /// Split name, e.g. "train", "val", "test", "chexpert5x200".
    public var name: String
    /// Stable identifiers, one per row (e.g. "synth-000123").
    public var ids: [String]
    /// X-rays before normalisation, values in [0, 1]: [N, H, W]. Nil when the set has none.
    public var xray: Tensor?
    /// ECGs at the model's rate (100 Hz): [N, 12, L] (L = 1000 for 10 s). Nil when absent.
    public var ecg: Tensor?
    /// Optional raw ECGs at the acquisition rate (500 Hz): [N, 12, 5000].
    public var ecgRaw: Tensor?
    /// Radiology reports (without the "The report from Xray is: " prefix), N strings or empty.
    public var reportXray: [String]
    /// Cardiology machine reports (without prefix), N strings or empty.
    public var reportECG: [String]
    /// Label sets by name (e.g. "chexpert13" [N, 13] with −1/0/1; "edema_severity" [N]).
    public var labels: [String: Tensor]
    /// Label (column) names per label set, e.g. "chexpert13" → the 13 CheXpert names.
    public var labelNames: [String: [String]]
    /// Root attributes: source, generator version, seed, preprocessing, …
    public var attributes: [String: String]

    public init(name: String, ids: [String], xray: Tensor? = nil, ecg: Tensor? = nil, ecgRaw: Tensor? = nil,
                reportXray: [String] = [], reportECG: [String] = [], labels: [String: Tensor] = [:],
                labelNames: [String: [String]] = [:], attributes: [String: String] = [:]) {
        self.name = name; self.ids = ids; self.xray = xray; self.ecg = ecg; self.ecgRaw = ecgRaw
        self.reportXray = reportXray; self.reportECG = reportECG; self.labels = labels
        self.labelNames = labelNames; self.attributes = attributes
    }

    /// Number of rows.
    public var count: Int { ids.count }
}
