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
// The linear probes' fits are reported the same way, as their own passes (`reportFits`): one
// logistic regression per value of C per label fraction, which on a large split or a raw-input
// baseline is the longest silent stretch of a probe table.

/// The process-wide observer of evaluation passes.
public enum EvaluationProgress {
    /// Called after each batch with (what is embedded, e.g. "mimic4label_train.h5 X-ray", rows
    /// done, rows in the pass), on the thread that runs the evaluation.
    nonisolated(unsafe) public static var report: ((String, Int, Int) -> Void)?

    /// Called after each fit of a linear probe's C grid with (the probe, e.g. "ptbxl_train.h5
    /// ptbxl_super probe", fits done, fits in the probe), on the thread that runs the evaluation.
    nonisolated(unsafe) public static var reportFits: ((String, Int, Int) -> Void)?

    /// Called after each optimiser step of a partial fine-tune (MoRE-reference §6.3) with (what
    /// is fine-tuned, e.g. "mimic4label_train.h5 partial fine-tune", steps done, steps in its
    /// epochs; early stopping may end it before).
    nonisolated(unsafe) public static var reportSteps: ((String, Int, Int) -> Void)?

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
        guard let report = reportFits else { return try body() }
        report(label, 0, total)
        return try $fits.withValue(FitPass(label: label, total: total), operation: body)
    }

    /// One fit done (`LogisticRegression`'s C sweep calls this after each C).
    static func fitDone() {
        guard let pass = fits, let report = reportFits else { return }
        pass.done += 1
        report(pass.label, pass.done, pass.total)
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
            report(label, done, total)
        }
        return o
    }
}
