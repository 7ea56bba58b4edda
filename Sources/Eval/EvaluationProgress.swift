// EvaluationProgress — where evaluation reports its long passes, for a command-line progress
// bar. On the synthetic cohort a table embeds a few hundred rows in well under a second; on
// MIMIC-scale data one pass over a split runs for minutes to hours, and `more table` / `more
// figure` used to say nothing until the end. Every embedding of a dataset file
// (`MoREModel.embed(_:modality:file:…)`, which every protocol goes through) reports here after
// each batch, besides its own `EmbeddingOptions.progress`.
//
// A process-wide hook rather than a parameter of every protocol: it only observes, the numbers
// never depend on it, and `more` sets it once per command. nil (the default, and in tests):
// silent. Not here: drawing the bar (Reproduce/PassProgressBars.swift).
//
// The linear probes' fits and the partial fine-tune's steps are reported the same way, as passes
// of their own kind: one logistic regression per value of C per label fraction, which on a large
// split or a raw-input baseline is the longest silent stretch of a probe table, and one optimiser
// step of the authors' MIMIC protocol.

/// What an evaluation pass counts.
public enum EvaluationPassKind: String, CaseIterable, Sendable {
    /// Rows of a dataset file through a tower (every `MoREModel.embed(_:modality:file:…)`).
    case embedding
    /// Logistic-regression fits of a linear probe's C grid (every fraction × every C).
    case fitting
    /// Optimiser steps of a partial fine-tune (MoRE-reference §6.3; early stopping may end it
    /// before its last step).
    case training

    /// What the counts count: "rows", "fits", "steps".
    public var unit: String {
        switch self {
        case .embedding: return "rows"
        case .fitting: return "fits"
        case .training: return "steps"
        }
    }
}

/// The process-wide observer of evaluation passes.
public enum EvaluationProgress {
    /// Called with (kind, the pass, done, total) as a pass advances, on the thread that runs the
    /// evaluation. The pass names what is worked on: "mimic4label_train.h5 X-rays" (after each
    /// batch), "ptbxl_train.h5 ptbxl_super probe" (after each fit), "mimic4label_train.h5 partial
    /// fine-tune" (after each step).
    nonisolated(unsafe) public static var report: ((EvaluationPassKind, String, Int, Int) -> Void)?

    /// The fits of one probe (every fraction × every C), counted as one pass.
    final class FitPass: @unchecked Sendable {
        let label: String, total: Int
        var done = 0
        init(label: String, total: Int) { self.label = label; self.total = total }
    }

    /// The probe whose fits are being counted (set by `countingFits`).
    @TaskLocal static var fits: FitPass?

    /// Runs `body` (a probe of `total` fits) with its fits reported as the pass `label`.
    static func countingFits<R>(_ label: String, total: Int, _ body: () throws -> R) rethrows -> R {
        guard let report else { return try body() }
        report(.fitting, label, 0, total)
        return try $fits.withValue(FitPass(label: label, total: total), operation: body)
    }

    /// One fit done (`LogisticRegression`'s C sweep calls this after each C).
    static func fitDone() {
        guard let pass = fits, let report else { return }
        pass.done += 1
        report(.fitting, pass.label, pass.done, pass.total)
    }

    /// A file as passes name it: its last path component ("ptbxl_train.h5").
    static func fileName(_ file: String) -> String { file.split(separator: "/").last.map(String.init) ?? file }

    /// The pass's name: the file's last path component, the modality and, before the head,
    /// "features".
    static func label(file: String, modality: EmbeddingModality, stage: EmbeddingStage) -> String {
        let name = fileName(file)
        let what = modality == .xray ? "X-rays" : modality == .ecg ? "ECGs" : "reports"
        return "\(name) \(what)" + (stage == .features ? " (features)" : "")
    }

    /// `options` with its progress callback extended by `report` (when set).
    static func observing(_ options: EmbeddingOptions, file: String, modality: EmbeddingModality) -> EmbeddingOptions {
        guard let report else { return options }
        var o = options
        let inner = options.progress, label = label(file: file, modality: modality, stage: options.stage)
        o.progress = { done, total in
            inner?(done, total)
            report(.embedding, label, done, total)
        }
        return o
    }
}
