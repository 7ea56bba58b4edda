// RunFolder — what a pre-training run's folder holds, read without loading a tensor: the
// trainer state in the header of last.safetensors, and the two logs. `more pretrain` names
// what it holds before it refuses to start over a run, `more runs` counts a run's done steps
// from its checkpoint, and the trainer cuts the logs back to the checkpoint it resumes.
//
// Why the logs are cut: a checkpoint is written every `checkpointEvery` steps and at each
// epoch's end, a log row after every step. A run interrupted between two checkpoints left rows
// that the resumed run writes again — before, train_log.csv then held those steps twice, and
// `more runs` counted the stale rows as done.
// Deliberately not here: reading tensors (Checkpoint.swift), training (Trainer.swift).

import Foundation
import Datasets

/// The files of one pre-training run.
public struct RunFolder {
    public let url: URL
    public init(_ url: URL) { self.url = url }

    public var last: URL { url.appendingPathComponent("last.safetensors") }
    public var best: URL { url.appendingPathComponent("best.safetensors") }
    public var trainLog: URL { url.appendingPathComponent("train_log.csv") }
    public var valLog: URL { url.appendingPathComponent("val_log.csv") }
    public var summary: URL { url.appendingPathComponent(TrainSummary.fileName) }

    /// The names of the files a run leaves that are in the folder now: checkpoints and summary
    /// first, then the logs.
    public var runFiles: [String] {
        [last, best, summary, trainLog, valLog].filter { FileManager.default.fileExists(atPath: $0.path) }.map(\.lastPathComponent)
    }

    /// What `last.safetensors` says of its run, from its metadata alone: the trainer state and
    /// the config's name. nil when there is no such file.
    /// - Throws: `DataError` naming the file when its header cannot be read or holds no
    ///   trainer state.
    public func lastCheckpoint() throws -> (state: TrainerState, config: String)? {
        guard FileManager.default.fileExists(atPath: last.path) else { return nil }
        let meta = try readSafetensorsMetadata(last)
        guard let text = meta["trainer"], let state = try? JSONDecoder().decode(TrainerState.self, from: Data(text.utf8)) else {
            throw DataError.malformed(file: last.path, field: "__metadata__.trainer", reason: "missing or not a trainer state")
        }
        return (state, meta["config_name"] ?? "?")
    }

    /// Cuts the logs back to a checkpoint of state `s`: train_log.csv to the steps up to
    /// `s.optimizerStep`, val_log.csv to the epochs up to `s.epoch` (rows a run wrote after its
    /// last checkpoint, which the resumed run writes again). A missing log is started with its
    /// `header`. Returns `elapsed_s` of the last train_log row kept: the training time before
    /// the checkpoint (0 without one).
    func trimLogs(to s: TrainerState, trainHeader: [String], valHeader: [String]) throws -> Double {
        var elapsed = 0.0
        for (log, header, limit) in [(trainLog, trainHeader, s.optimizerStep), (valLog, valHeader, s.epoch)] {
            guard let text = try? String(contentsOf: log, encoding: .utf8) else {
                try CSVLog.header(log, header)
                continue
            }
            let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
            let kept = lines.prefix(1) + lines.dropFirst().prefix { row in Int(row.prefix { $0 != "," }).map { $0 <= limit } ?? false }
            if log == trainLog, let row = kept.dropFirst().last, let column = header.firstIndex(of: "elapsed_s") {
                let fields = row.split(separator: ",", omittingEmptySubsequences: false)
                if column < fields.count, let e = Double(fields[column]) { elapsed = e }
            }
            if kept.count < lines.count {
                try atomicWrite(Data(kept.map { $0 + "\n" }.joined().utf8), to: log)
            }
        }
        return elapsed
    }
}
