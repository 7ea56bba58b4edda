// Trainer — MoRE pre-training: AdamW, cosine warm restarts (optional linear warm-up),
// gradient accumulation, gradient clipping, validation and early stopping, checkpoints, exact
// resume, NaN/Inf detection, a progress bar and a CSV log of every optimiser step.
//
// Faithful to the authors' loop (MoRE-reference §3.4): gradients of `accumulation` micro-
// batches are summed (the loss is not divided), contrastive negatives stay within each
// micro-batch, and BatchNorm normalises every micro-batch with its own statistics and updates
// its running statistics once per micro-batch (so with accumulation 4 they move 4 times per
// optimiser step) — exactly what PyTorch does in their loop.
//
// Determinism: every random draw is keyed by (seed, micro-step) or (seed, epoch, sample), so a
// run resumed from `last.safetensors` continues bitwise identically to an uninterrupted one.

import Foundation
import TensorCore
import Autodiff
import NN
import Datasets

/// Where a run stands; stored in checkpoints as JSON.
public struct TrainerState: Codable, Equatable, Sendable {
    public var epoch = 0
    /// Next batch index within `epoch`.
    public var batch = 0
    public var microStep = 0
    public var optimizerStep = 0
    /// Best validation loss so far (nil before the first validation).
    public var bestValLoss: Double?
    public var badEpochs = 0
    public var finished = false
    public init() {}
}

/// Options of one training run.
public struct TrainOptions {
    public var outDir: URL
    /// Stop after this many optimiser steps (nil: run the config's epochs).
    public var maxSteps: Int?
    public var progress = true
    public var resume = false
    public var dataHash = ""
    /// Shorter budgets to leave behind: after epoch k, `snapshots[k]` holds the finished run that
    /// the same config with `epochs = k` would have written (checkpoints byte-identical, logs up
    /// to epoch k). A shorter run is a prefix of this one because nothing before epoch k depends
    /// on the number of epochs (the learning-rate schedule restarts on its own period, batches and
    /// random draws are keyed by epoch and step). Budgets of the run's own length or longer are
    /// ignored.
    public var snapshots: [Int: URL] = [:]
    /// A file that changes the thread count of the running training: before each step, when it
    /// exists, the trainer reads a count (1…`ThreadPool.maxThreads`) from it, switches
    /// `ThreadPool.shared` to it and deletes the file. Results do not depend on the thread
    /// count, so only the speed changes; `more runs` uses it to hand a run the cores that
    /// finished runs left idle. nil: none.
    public var threadRequest: URL?
    /// Called when the run starts, after every optimiser step and after every write of
    /// last.safetensors, with the current state and that of the last checkpoint (nil: none
    /// yet) — what an interruption now would keep (`more pretrain` says it on Ctrl-C).
    public var onStep: ((_ now: TrainerState, _ lastCheckpoint: TrainerState?) -> Void)?
    /// Called after each batch of a validation pass with (batches done, batches in the pass):
    /// `more pretrain`'s progress bar for long passes. Observes only.
    public var validationProgress: ((Int, Int) -> Void)?
    public init(outDir: URL, maxSteps: Int? = nil, progress: Bool = true, resume: Bool = false, dataHash: String = "",
                snapshots: [Int: URL] = [:], threadRequest: URL? = nil) {
        self.outDir = outDir; self.maxSteps = maxSteps; self.progress = progress; self.resume = resume; self.dataHash = dataHash
        self.snapshots = snapshots; self.threadRequest = threadRequest
    }
}

/// How a run began (`Trainer.start()`).
public enum TrainStart: Equatable {
    /// A new run (without `resume`).
    case fresh
    /// `resume` was asked, but the folder holds no last.safetensors: a new run from step 0.
    case noCheckpoint
    /// Continued from the checkpoint of this state.
    case resumed(TrainerState)
}

/// The outcome of a run.
public struct TrainSummary: Codable {
    public var optimizerSteps: Int
    public var epochs: Int
    public var wallSeconds: Double
    /// The last optimiser step's loss; nil when this invocation ran no step.
    public var lastTrainLoss: Double?
    /// The best validation loss of the epochs' ends (val_log.csv); nil when no epoch ended with
    /// a validation: without a validation set, or in a run that `maxSteps` cut short within its
    /// first epoch (JSON has no NaN, so an absent value is left out rather than written as one).
    public var bestValLoss: Double?
    /// The validation loss of the final weights (those of `valAccuracy`); nil without a
    /// validation set. Absent from summaries written before it existed.
    public var valLoss: Double? = nil
    public var valAccuracy: [String: Float]
    public var stoppedEarly: Bool

    /// The file a run writes beside its checkpoints.
    public static let fileName = "summary.json"

    /// Writes `<dir>/summary.json` atomically (pretty-printed, sorted keys).
    func write(into dir: URL) throws {
        let enc = JSONEncoder(); enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        try atomicWrite(try enc.encode(self), to: dir.appendingPathComponent(TrainSummary.fileName))
    }

    /// The summary in `dir`, or nil when the run left none (e.g. one stopped by hand).
    public static func read(from dir: URL) -> TrainSummary? {
        guard let d = try? Data(contentsOf: dir.appendingPathComponent(fileName)) else { return nil }
        return try? JSONDecoder().decode(TrainSummary.self, from: d)
    }
}

/// Training failures a user should see.
public enum TrainingError: Error, CustomStringConvertible {
    case nonFinite(step: Int, microStep: Int, what: String, checkpoint: String)
    case resumeMismatch(file: String, reason: String)

    public var description: String {
        switch self {
        case .nonFinite(let s, let m, let w, let c):
            return "training stopped: \(w) is not finite at optimiser step \(s) (micro-step \(m)); the last good checkpoint is \(c)"
        case .resumeMismatch(let f, let r): return "\(f): cannot resume: \(r)"
        }
    }
}

/// Runs pre-training.
public final class Trainer {
    public let model: MoREModel
    public let train: PretrainData
    public let val: PretrainData?
    public let options: TrainOptions
    public private(set) var state = TrainerState()
    public let optimizer: AdamW
    let config: MoREConfig
    let schedule: CosineWarmRestarts

    public init(model: MoREModel, train: PretrainData, val: PretrainData?, options: TrainOptions) {
        self.model = model; self.train = train; self.val = val; self.options = options
        config = model.config
        let o = config.optim
        optimizer = AdamW(parameters: model.trainableParameters(), lr: Float(o.learningRate), weightDecay: o.weightDecay)
        let perEpoch = Double(train.batchesPerEpoch) / Double(max(o.accumulation, 1))
        schedule = CosineWarmRestarts(baseLR: o.learningRate, minLR: o.minLearningRate,
                                      period: o.schedulePerStep ? max(1, o.restartPeriodEpochs * perEpoch) : o.restartPeriodEpochs,
                                      warmup: o.schedulePerStep ? Double(o.warmupSteps) : 0)
    }

    /// How the run began; nil until `start()`.
    public private(set) var started: TrainStart?
    /// Seconds the resumed run had trained before this invocation: `elapsed_s` of its
    /// checkpoint's step in train_log.csv (0 for a new run). `elapsed_s` and the summary's
    /// `wallSeconds` continue from it (they used to restart at 0 after a resume).
    public private(set) var elapsedBefore = 0.0
    /// The state of the last checkpoint written or resumed from (nil: none yet).
    var lastCheckpoint: TrainerState?

    static let trainLogColumns = ["step", "epoch", "micro_step", "lr", "loss", "t2x_top1", "x2t_top1", "t2e_top1",
                                  "e2t_top1", "t2x_top5", "t2e_top5", "grad_norm", "samples_per_s", "elapsed_s"]
    static let valLogColumns = ["epoch", "step", "val_loss", "t2x_top1", "x2t_top1", "t2e_top1", "e2t_top1",
                                "t2x_top5", "t2e_top5"]

    /// The run's files (RunFolder.swift).
    var folder: RunFolder { RunFolder(options.outDir) }
    var lastURL: URL { folder.last }
    var bestURL: URL { folder.best }
    var logURL: URL { folder.trainLog }
    var valLogURL: URL { folder.valLog }

    /// Learning rate for the current state.
    func currentLR() -> Double {
        config.optim.schedulePerStep ? schedule.lr(at: Double(state.optimizerStep)) : schedule.lr(at: Double(state.epoch))
    }

    /// Restores model, optimiser and trainer state from `last.safetensors`.
    func resume() throws {
        let ck = try readCheckpoint(lastURL)
        guard ck.info.config.hash == config.hash else {
            throw TrainingError.resumeMismatch(file: lastURL.path, reason: "it was trained with config '\(ck.info.config.name)' (hash \(ck.info.config.hash)), not '\(config.name)' (\(config.hash)); they differ in "
                                                   + ck.info.config.differences(from: config, mine: "there", theirs: "here"))
        }
        if !options.dataHash.isEmpty && !ck.info.dataHash.isEmpty && !sameHash(ck.info.dataHash, options.dataHash) {
            throw TrainingError.resumeMismatch(file: lastURL.path, reason: "it was trained on data \(ck.info.dataHash), not \(options.dataHash)")
        }
        try model.loadState(from: ck.file)
        var opt: [String: Tensor] = [:]
        let optimNames = ck.file.names.filter { $0.hasPrefix("optim.") }
        try ck.file.requireFinite(optimNames)
        for n in optimNames { opt[String(n.dropFirst(6))] = ck.file.tensors[n] }
        do { try optimizer.load(tensors: opt, step: ck.optimizerStep) }
        catch { throw TrainingError.resumeMismatch(file: lastURL.path, reason: "\(error)") }
        state = try JSONDecoder().decode(TrainerState.self, from: Data(ck.info.trainerState.utf8))
    }

    /// Writes model, optimiser and trainer state; `config`/`state` default to this run's (a
    /// snapshot passes the shorter run's).
    func save(_ url: URL, config c: MoREConfig? = nil, state s: TrainerState? = nil) throws {
        let c = c ?? config, s = s ?? state
        let enc = JSONEncoder(); enc.outputFormatting = .sortedKeys
        let info = CheckpointInfo(config: c, seed: c.optim.seed, step: s.optimizerStep, dataHash: options.dataHash,
                                  commit: codeCommit, trainerState: String(decoding: try enc.encode(s), as: UTF8.self))
        try saveCheckpoint(model, optimizer: optimizer, info: info, to: url)
    }

    /// The end of an epoch for the shorter budgets of `options.snapshots`: a new best goes to
    /// every budget that contains this epoch; at the last epoch of a budget, its last checkpoint,
    /// logs and summary are written as that run would have (the final validation of a run is
    /// the one of its last epoch: the model has not changed since).
    func writeSnapshots(newBest: Bool, valLoss: Double, valAccuracy: [String: PairAccuracy], lastTrainLoss: Double,
                        elapsed: Double) throws {
        for (k, dir) in options.snapshots.sorted(by: { $0.key < $1.key }) where k < config.optim.epochs && state.epoch <= k {
            var c = config
            c.optim.epochs = k
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            if newBest { try save(dir.appendingPathComponent("best.safetensors"), config: c) }
            guard state.epoch == k else { continue }
            var s = state
            s.finished = true
            try save(dir.appendingPathComponent("last.safetensors"), config: c, state: s)
            for log in [logURL, valLogURL] {
                try atomicWrite(try Data(contentsOf: log), to: dir.appendingPathComponent(log.lastPathComponent))
            }
            let summary = TrainSummary(optimizerSteps: s.optimizerStep, epochs: k, wallSeconds: elapsed, lastTrainLoss: finite(lastTrainLoss),
                                       bestValLoss: s.bestValLoss ?? finite(valLoss), valLoss: finite(valLoss),
                                       valAccuracy: valAccuracy.mapValues { $0.top1 },
                                       stoppedEarly: false)
            try summary.write(into: dir)
            if options.progress {
                FileHandle.standardError.write(Data("snapshot: the \(k)-epoch run of '\(config.name)' -> \(dir.path)\n".utf8))
            }
        }
    }

    /// The validation of the weights as they are now, once one has run since the last update.
    /// The summary reports it, reusing the last epoch's instead of evaluating the same weights
    /// again (evaluation mode draws nothing, so a second pass gives the same numbers; it cost
    /// 4.8 s per `tiny` run).
    public private(set) var currentValidation: (loss: Double, accuracy: [String: PairAccuracy])?

    /// Mean loss and in-batch accuracies over the validation batches (eval mode, no augmentation).
    public func validate() -> (loss: Double, accuracy: [String: PairAccuracy]) {
        guard let val else { return (.nan, [:]) }
        return evaluateContrastive(model: model, data: val, progress: options.validationProgress)
    }

    /// Switches to the thread count in `options.threadRequest`, if that file exists, and
    /// deletes it (a count outside 1…`ThreadPool.maxThreads` or unreadable text is ignored).
    func applyThreadRequest() {
        guard let url = options.threadRequest, let text = try? String(contentsOf: url, encoding: .utf8) else { return }
        try? FileManager.default.removeItem(at: url)
        if let n = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), (1...ThreadPool.maxThreads).contains(n) {
            ThreadPool.shared.setThreadCount(n)
        }
    }

    /// Prepares the folder and the state, once (`run()` calls it when it has not been called):
    /// with `resume` and a last.safetensors, restores the run from it and cuts the logs back to
    /// it (RunFolder.swift); otherwise a new run, which replaces what an earlier run left.
    /// `more pretrain` calls it first to say which it is.
    @discardableResult
    public func start() throws -> TrainStart {
        if let s = started { return s }
        let fm = FileManager.default
        try createOutputFolder(options.outDir)
        let how: TrainStart
        if options.resume && fm.fileExists(atPath: lastURL.path) {
            try resume()
            elapsedBefore = try folder.trimLogs(to: state, trainHeader: Trainer.trainLogColumns, valHeader: Trainer.valLogColumns)
            lastCheckpoint = state
            how = .resumed(state)
        } else {
            // A fresh run replaces what an earlier run left in the folder: its checkpoints and
            // summary go before the new logs start, so that a run stopped early (an error, a
            // NaN) never leaves the old run's checkpoints beside the new run's logs. (`more
            // pretrain` refuses to start over a run unless told to, `--overwrite`.) The logs of
            // a run that left no checkpoint are replaced too: nothing resumes from them.
            for url in [lastURL, bestURL, folder.summary]
            where fm.fileExists(atPath: url.path) {
                do { try fm.removeItem(at: url) } catch {
                    throw DataError.writeFailed(file: url.path, reason: "cannot replace the earlier run's file: \(error.localizedDescription)")
                }
            }
            try CSVLog.header(logURL, Trainer.trainLogColumns)
            try CSVLog.header(valLogURL, Trainer.valLogColumns)
            how = options.resume ? .noCheckpoint : .fresh
        }
        started = how
        options.onStep?(state, lastCheckpoint)
        return how
    }

    /// Writes last.safetensors and tells `options.onStep`.
    func checkpoint() throws {
        try save(lastURL)
        lastCheckpoint = state
        options.onStep?(state, lastCheckpoint)
    }

    /// Trains until the epochs are done, early stopping triggers, or `maxSteps` is reached.
    @discardableResult
    public func run() throws -> TrainSummary {
        let fm = FileManager.default
        try start()
        let o = config.optim
        let acc = max(o.accumulation, 1)
        let perEpoch = train.batchesPerEpoch
        let totalMicro = o.epochs * perEpoch
        let stepLimit = options.maxSteps.map { $0 * acc } ?? totalMicro
        let startMicro = state.microStep
        let bar = ProgressBar(total: min(totalMicro, stepLimit), label: "pretrain \(config.name)", enabled: options.progress,
                              initial: startMicro)
        let t0 = Date()
        var lastLoss = Double.nan, lastAcc: [String: PairAccuracy] = [:]
        var accumLoss = 0.0
        var stoppedEarly = false
        TrainingRandomness.seed = o.seed

        outer: while state.epoch < o.epochs && !state.finished {
            while state.batch < perEpoch {
                if state.microStep >= stepLimit { break outer }
                TrainingRandomness.step = state.microStep
                applyThreadRequest()
                model.train()
                currentValidation = nil
                let batch = train.batch(epoch: state.epoch, index: state.batch)
                let out = model.contrastive(batch)
                let lossValue = Double(out.loss.value.item)
                guard lossValue.isFinite else {
                    throw TrainingError.nonFinite(step: state.optimizerStep, microStep: state.microStep, what: "the loss (\(lossValue))",
                                                  checkpoint: fm.fileExists(atPath: lastURL.path) ? lastURL.path : "(none yet)")
                }
                out.loss.backward()
                accumLoss += lossValue
                lastAcc = out.accuracy
                state.microStep += 1
                state.batch += 1
                if state.microStep % acc == 0 {
                    let params = optimizer.parameters
                    if let bad = params.first(where: { $0.1.grad?.hasNonFinite ?? false }) {
                        throw TrainingError.nonFinite(step: state.optimizerStep, microStep: state.microStep, what: "the gradient of \(bad.0)",
                                                      checkpoint: fm.fileExists(atPath: lastURL.path) ? lastURL.path : "(none yet)")
                    }
                    let norm = o.gradClip.map { clipGradNorm(params, maxNorm: $0) } ?? clipGradNorm(params, maxNorm: .infinity)
                    let lr = currentLR()
                    optimizer.lr = Float(lr)
                    optimizer.update()
                    model.zeroGrad()
                    state.optimizerStep += 1
                    lastLoss = accumLoss / Double(acc)
                    accumLoss = 0
                    let seconds = Date().timeIntervalSince(t0)
                    let rate = Double((state.microStep - startMicro) * train.batchSize) / max(seconds, 1e-9)
                    func a(_ k: String, _ top5: Bool = false) -> String {
                        guard let v = lastAcc[k] else { return "" }
                        return String(format: "%.4f", top5 ? v.top5 : v.top1)
                    }
                    try CSVLog.append(logURL, [String(state.optimizerStep), String(state.epoch), String(state.microStep),
                                               String(format: "%.6g", lr), String(format: "%.6f", lastLoss),
                                               a("t→x"), a("x→t"), a("t→e"), a("e→t"), a("t→x", true), a("t→e", true),
                                               String(format: "%.4f", norm), String(format: "%.2f", rate), String(format: "%.2f", elapsedBefore + seconds)])
                    bar.update(state.microStep, [("loss", String(format: "%.3f", lastLoss)),
                                                 ("acc t→x", a("t→x")), ("t→e", a("t→e"))],
                               unit: "samples", units: Double((state.microStep - startMicro) * train.batchSize))
                    if o.checkpointEvery > 0 && state.optimizerStep % o.checkpointEvery == 0 { try checkpoint() }
                    else { options.onStep?(state, lastCheckpoint) }
                }
            }
            if state.batch >= perEpoch {
                // End of an epoch: validation, best checkpoint, early stopping.
                state.epoch += 1
                state.batch = 0
                if val != nil {
                    let (vl, va) = validate()
                    currentValidation = (vl, va)
                    func f(_ k: String, _ top5: Bool = false) -> String { va[k].map { String(format: "%.4f", top5 ? $0.top5 : $0.top1) } ?? "" }
                    try CSVLog.append(valLogURL, [String(state.epoch), String(state.optimizerStep), String(format: "%.6f", vl),
                                                  f("t→x"), f("x→t"), f("t→e"), f("e→t"), f("t→x", true), f("t→e", true)])
                    let newBest = vl < (state.bestValLoss ?? .infinity)
                    if newBest {
                        state.bestValLoss = vl; state.badEpochs = 0
                        try save(bestURL)
                    } else {
                        state.badEpochs += 1
                        if state.badEpochs >= o.patience { state.finished = true; stoppedEarly = true }
                    }
                    if !stoppedEarly {
                        try writeSnapshots(newBest: newBest, valLoss: vl, valAccuracy: va, lastTrainLoss: lastLoss,
                                           elapsed: elapsedBefore + Date().timeIntervalSince(t0))
                    }
                }
                try checkpoint()
            }
        }
        if state.epoch >= o.epochs { state.finished = true }
        try checkpoint()
        if val == nil || !fm.fileExists(atPath: bestURL.path) { try save(bestURL) }
        let (vl, va) = currentValidation ?? validate()
        currentValidation = (vl, va)
        let summary = TrainSummary(optimizerSteps: state.optimizerStep, epochs: state.epoch,
                                   wallSeconds: elapsedBefore + Date().timeIntervalSince(t0), lastTrainLoss: finite(lastLoss),
                                   bestValLoss: state.bestValLoss, valLoss: finite(vl),
                                   valAccuracy: va.mapValues { $0.top1 }, stoppedEarly: stoppedEarly)
        try summary.write(into: options.outDir)
        return summary
    }
}

/// `x`, or nil when it is NaN or infinite (what a JSON summary can hold).
func finite(_ x: Double) -> Double? { x.isFinite ? x : nil }

/// Mean contrastive loss and in-batch accuracies of a model over the full batches of a set
/// (evaluation mode; the model is left in evaluation mode).
/// `progress` is told (batches done, batches) after each batch.
public func evaluateContrastive(model: MoREModel, data: PretrainData,
                                progress: ((Int, Int) -> Void)? = nil) -> (loss: Double, accuracy: [String: PairAccuracy]) {
    model.eval()
    var total = 0.0, n = 0
    var sums: [String: (Double, Double)] = [:]
    noGrad {
        for b in 0..<data.batchesPerEpoch {
            let rows = Array((b * data.batchSize)..<((b + 1) * data.batchSize))
            let out = model.contrastive(data.batch(rows: rows))
            total += Double(out.loss.value.item); n += 1
            for (k, v) in out.accuracy { let s = sums[k] ?? (0, 0); sums[k] = (s.0 + Double(v.top1), s.1 + Double(v.top5)) }
            progress?(b + 1, data.batchesPerEpoch)
        }
    }
    let acc = sums.mapValues { PairAccuracy(top1: Float($0.0 / Double(max(n, 1))), top5: Float($0.1 / Double(max(n, 1)))) }
    return (total / Double(max(n, 1)), acc)
}

/// Writes `data` to `url` through a temporary file in the same folder and a rename
/// (`writeAtomically` of the Datasets target; errors name the file).
public func atomicWrite(_ data: Data, to url: URL) throws {
    try writeAtomically(to: url) { tmp in try data.write(to: tmp) }
}

/// A CSV file appended one row at a time.
enum CSVLog {
    static func header(_ url: URL, _ columns: [String]) throws {
        try atomicWrite(Data((columns.joined(separator: ",") + "\n").utf8), to: url)
    }
    static func append(_ url: URL, _ values: [String]) throws {
        let h = try FileHandle(forWritingTo: url)
        defer { try? h.close() }
        try h.seekToEnd()
        try h.write(contentsOf: Data((values.joined(separator: ",") + "\n").utf8))
    }
}
