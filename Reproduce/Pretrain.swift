// more pretrain — MoRE pre-training on a dataset folder written by `more data synth` (or a
// converter): reads <data>/pretrain_train.h5 and <data>/pretrain_val.h5, writes checkpoints,
// train_log.csv, val_log.csv and summary.json into --out.

import ArgumentParser
import Foundation
import MoRE
import Datasets

/// The file in a run's folder that changes a running `more pretrain`'s thread count
/// (`TrainOptions.threadRequest`; `more runs` writes it when runs finish and cores fall idle).
let threadRequestFile = "threads.request"

struct Pretrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pre-train MoRE (contrastive, text-anchored) on a dataset folder.",
        discussion: """
        While it trains, writing a thread count into <out>/\(threadRequestFile) switches it to that many \
        threads from the next step (the file is then deleted); results do not depend on it.
        """)

    @Option(name: .long, help: "Config name (tiny, paper) or a JSON file of overrides.")
    var config: String = "tiny"

    @Option(name: .long, help: "Dataset folder with pretrain_train.h5 and pretrain_val.h5.")
    var data: String

    @Option(name: .long, help: "Output folder for checkpoints and logs.")
    var out: String

    @Option(name: .long, help: "Stop after this many optimiser steps (default: the config's epochs).")
    var maxSteps: Int?

    @Option(name: .long, help: "Override the config's number of epochs.")
    var epochs: Int?

    @Option(name: .long, help: "Override the config's seed.")
    var seed: UInt64?

    @Option(name: .long, help: ArgumentHelp("Train one row of table-ablation instead of the config itself: the config with that row's change (dropkey-off, text-frozen, text-full, no-ecg, no-xray, padded-mean, learnable-tau, baseline; augment-on for a config with augmentations off such as tiny, augment-off for one with them on such as paper), for --epochs (the ablation budget). `more table` finds such a run finished in --ablation-runs/KEY.", valueName: "KEY"))
    var variant: String?

    @Flag(name: .long, help: "Continue from <out>/last.safetensors if present (bitwise identical continuation).")
    var resume = false

    @Flag(name: .long, help: "Start over when --out already holds a run (its checkpoints and logs are replaced); without it or --resume, such an --out is refused.")
    var overwrite = false

    @Option(name: .long, parsing: .singleValue,
            help: ArgumentHelp("Also leave the finished run of a shorter budget: K:DIR writes into DIR, after epoch K, what this config with K epochs would have written (byte-identical checkpoints). K at or above the run's epochs writes nothing, with a note (equal: the run in --out is that run; above: the run never gets there). Repeatable.",
                               valueName: "K:DIR"))
    var snapshot: [String] = []

    @Flag(name: .long, help: "No progress bar.")
    var quiet = false

    /// `--snapshot K:DIR` values as epochs → folder, for a run of `epochs` epochs. K equal to the
    /// epochs is the run itself, which `more runs` relies on when the ablation budget is the main
    /// run's; K above them is never reached (`make pretrain ABLATION_EPOCHS=5` on a 3-epoch
    /// config, whose ablation baseline `more table` then trains itself). Both are noted on
    /// stderr and write nothing.
    func snapshots(epochs: Int) throws -> [Int: URL] {
        var out: [Int: URL] = [:]
        for v in snapshot {
            let parts = v.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, let k = Int(parts[0]), k >= 1, !parts[1].isEmpty else {
                throw ValidationError("--snapshot expects K:DIR with K ≥ 1 epochs, got '\(v)'")
            }
            let dir = URL(fileURLWithPath: parts[1]).standardizedFileURL
            guard dir.path != URL(fileURLWithPath: self.out).standardizedFileURL.path else {
                throw ValidationError("--snapshot \(v): the snapshot folder must differ from --out (it would overwrite the run's own checkpoints)")
            }
            guard k < epochs else {
                let why = k == epochs ? "the \(k)-epoch run is this run itself (in --out)" : "the run has only \(epochs) epochs and never reaches epoch \(k)"
                FileHandle.standardError.write(Data("--snapshot \(v): \(why); nothing is written to \(dir.path)\n".utf8))
                continue
            }
            out[k] = dir
        }
        return out
    }

    @OptionGroup var compute: ComputeOptions

    func run() throws {
        try compute.apply()
        var c = try MoREConfig.load(config)
        if let s = seed { c.optim.seed = s }
        if let e = epochs, e < 1 { throw ValidationError("--epochs must be at least 1, got \(e)") }
        if let m = maxSteps, m < 1 { throw ValidationError("--max-steps must be at least 1, got \(m)") }
        if resume && overwrite {
            throw ValidationError("--resume continues the run in --out and --overwrite starts it over: pass one of them")
        }
        if let key = variant {
            c = try variantConfig(key, base: c)
        } else if let e = epochs { c.optim.epochs = e }
        // A variant can switch off the one modality a JSON config kept: the derived config is
        // checked again, named by the config and the variant.
        try c.validate(file: variant.map { "\(config) with --variant \($0)" } ?? config)
        let snapshots = try snapshots(epochs: c.optim.epochs)
        // Everything a user can get wrong is checked before the lock is taken and anything is
        // written: the folders can be written, the data and the text model are there.
        try requireWritableOutputFolder(URL(fileURLWithPath: out))
        if !resume && !overwrite { try refuseToReplace(RunFolder(URL(fileURLWithPath: out)), config: c) }
        for dir in snapshots.values { try requireWritableOutputFolder(dir) }
        let dir = URL(fileURLWithPath: data)
        try requireDatasetFolder(dir)
        let trainFile = dir.appendingPathComponent("pretrain_train.h5")
        // A finished run is recognised (below) by the training file's hash alone, before the
        // validation split is read; a fresh run needs both now.
        for f in resume ? [trainFile] : [trainFile, dir.appendingPathComponent("pretrain_val.h5")]
        where !FileManager.default.fileExists(atPath: f.path) {
            throw DataError.missingFile(f.path)
        }
        if !c.textModel.isEmpty { _ = try resolveTextModelFolder(c.textModel) }
        // One process per run folder: a second one (another `make` job, `more table` training an
        // ablation row) waits here, then finds the run finished.
        let lock = try RunLock(run: URL(fileURLWithPath: out))
        defer { lock.release() }
        let started = Date()
        // Hashed first, so that a finished run is recognised before the model is built and the
        // data read (`make` asks at every table); a malformed file is reported below, by name,
        // when the data is read.
        let hash = try fileHash(trainFile)
        if resume, let done = try finishedRun(out: URL(fileURLWithPath: out), config: c, dataHash: hash) {
            print("up to date: \(out) holds a finished '\(c.name)' run on this data (\(done.optimizerStep) steps, \(done.epoch) epochs); to retrain, pass --overwrite instead of --resume")
            return
        }
        let model = try buildModel(c)
        let (train, val) = try pretrainingPairs(c, dataDir: dir)
        let steps = c.optim.optimizerSteps(pairs: train.split.count)
        let cap = maxSteps.map { $0 < steps ? ", cut to \($0) of their \(steps) steps by --max-steps" : "" } ?? ""
        note("pre-training '\(c.name)': \(train.split.count) train / \(val.split.count) val pairs, batch \(c.optim.batchSize) × \(c.optim.accumulation), \(c.optim.epochs) epochs\(cap), data \(hash)")
        let outDir = URL(fileURLWithPath: out)
        var options = TrainOptions(outDir: outDir, maxSteps: maxSteps, progress: !quiet, resume: resume, dataHash: hash,
                                   snapshots: snapshots, threadRequest: outDir.appendingPathComponent(threadRequestFile))
        // What Ctrl-C keeps, said when it comes (PretrainInterrupt.swift).
        options.onStep = PretrainInterrupt.publisher(outDir: outDir, config: c, resume: "continue it with --resume")
        // Validation passes longer than 2 s get a bar (the table command's evaluation passes do too).
        let validationBars = PassProgressBars(unit: "batches", delay: 2, draw: !quiet)
        options.validationProgress = { validationBars.report("pretrain \(c.name) validation", $0, $1) }
        let trainer = Trainer(model: model, train: train, val: val, options: options)
        switch try trainer.start() {
        case .resumed(let s):
            note("resuming from \(describe(s, epochs: c.optim.epochs)): \(displayPath(RunFolder(outDir).last))"
                 + (trainer.elapsedBefore > 0 ? ", \(String(format: "%.1f", trainer.elapsedBefore)) s trained before" : ""))
        case .noCheckpoint: note("no checkpoint in \(displayPath(outDir)): starting from step 0")
        case .fresh: break
        }
        PretrainInterrupt.install()
        defer { PretrainInterrupt.uninstall() }
        let s = try trainer.run()
        let acc = s.valAccuracy.sorted { $0.key < $1.key }.map { "\($0.key) \(String(format: "%.3f", $0.value))" }.joined(separator: ", ")
        let loss = s.bestValLoss.map { String(format: "%.4f", $0) }
            ?? s.valLoss.map { String(format: "%.4f", $0) + " (of the final weights: no epoch ended)" } ?? "n/a"
        print("done: \(s.optimizerSteps) steps, \(extent(s, state: trainer.state, optim: c.optim, batchesPerEpoch: train.batchesPerEpoch)) in \(String(format: "%.1f", Date().timeIntervalSince(started))) s; val loss \(loss); val in-batch top-1: \(acc)")
        print("checkpoints: \(out)/best.safetensors, \(out)/last.safetensors; log: \(out)/train_log.csv")
    }

    /// The config of `--variant key` on `base`. A key of the other kind of base config (augment-off
    /// on a config with augmentations off, augment-on on one with them on) is named as such.
    func variantConfig(_ key: String, base c: MoREConfig) throws -> MoREConfig {
        if let v = AblationVariant.named(key, base: c) { return v.config(base: c, epochs: epochs ?? c.optim.epochs) }
        var flipped = c
        flipped.augment.toggle()
        if AblationVariant.augmentations(base: flipped).key == key {
            throw ValidationError("--variant \(key) applies only to a config with augmentations \(c.augment ? "off" : "on"); '\(c.name)' has them \(c.augment ? "on" : "off"), so its augmentation row is --variant \(AblationVariant.augmentations(base: c).key)")
        }
        throw ValidationError("unknown --variant '\(key)': use one of \(AblationVariant.all(base: c).map(\.key).joined(separator: ", "))")
    }

    /// Refuses to start a new run over the run in `folder` (its checkpoints or summary): an
    /// error naming the folder and what it holds, pointing to --resume and --overwrite. A folder
    /// with only the logs of a run that left no checkpoint is not refused (nothing resumes from
    /// them); a note says they are replaced.
    func refuseToReplace(_ folder: RunFolder, config c: MoREConfig) throws {
        let files = folder.runFiles
        guard files.contains(where: { !$0.hasSuffix(".csv") }) else {
            if !files.isEmpty { note("\(displayPath(folder.url)) holds the logs of a run that left no checkpoint; the new run replaces them") }
            return
        }
        let holds: String
        do {
            if let ck = try folder.lastCheckpoint() {
                let other = ck.config == c.name ? "" : " (config '\(ck.config)', not '\(c.name)')"
                holds = ck.state.finished ? "a finished run\(other): \(describe(ck.state, epochs: c.optim.epochs))"
                    : "a run\(other) whose last checkpoint is at \(describe(ck.state, epochs: c.optim.epochs))"
            } else {
                holds = "the files of an earlier run (\(files.joined(separator: ", ")))"
            }
        } catch {
            holds = "a run whose last.safetensors cannot be read (\(error))"
        }
        throw ValidationError("\(displayPath(folder.url)) already holds \(holds). Pass --resume to continue it, --overwrite to start over (its files are replaced), or another --out")
    }
}

/// A line on stderr.
private func note(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }

/// Where a trainer state stands, for messages: "step 50 (in epoch 1 of 3)", "step 81 (after
/// epoch 1 of 3)", "step 243 (finished after 3 epochs)".
func describe(_ s: TrainerState, epochs: Int) -> String {
    if s.finished { return "step \(s.optimizerStep) (finished after \(s.epoch) epoch\(s.epoch == 1 ? "" : "s"))" }
    if s.batch > 0 { return "step \(s.optimizerStep) (in epoch \(s.epoch + 1) of \(epochs))" }
    return s.epoch == 0 ? "step \(s.optimizerStep)" : "step \(s.optimizerStep) (after epoch \(s.epoch) of \(epochs))"
}

/// How far a run got, for the last line: "3 epochs", "5 epochs (stopped early: …)", or, for a
/// run that --max-steps cut short, "0 of 3 epochs and 3 of the 81 batches of epoch 1
/// (--max-steps)" — before, such a run said "0 epochs".
func extent(_ s: TrainSummary, state: TrainerState, optim o: OptimConfig, batchesPerEpoch: Int) -> String {
    let whole = "\(s.epochs) epoch\(s.epochs == 1 ? "" : "s")"
    if s.stoppedEarly { return whole + " (stopped early: no better validation loss in \(o.patience) epochs)" }
    guard !state.finished && s.epochs < o.epochs else { return whole }
    return "\(s.epochs) of \(o.epochs) epochs" + (state.batch > 0 ? " and \(state.batch) of the \(batchesPerEpoch) batches of epoch \(state.epoch + 1)" : "")
        + " (--max-steps)"
}

/// The trainer state of the finished run in `out` when its last checkpoint was trained with
/// this config and data to the end; nil otherwise.
func finishedRun(out: URL, config: MoREConfig, dataHash: String) throws -> TrainerState? {
    let run = RunFolder(out)
    guard FileManager.default.fileExists(atPath: run.last.path), FileManager.default.fileExists(atPath: run.best.path) else { return nil }
    let info = try readCheckpointInfo(run.last)
    guard info.config.hash == config.hash, sameHash(info.dataHash, dataHash),
          let state = try? JSONDecoder().decode(TrainerState.self, from: Data(info.trainerState.utf8)), state.finished
    else { return nil }
    return state
}

/// The training and validation pairs of `<dataDir>/pretrain_{train,val}.h5` for config `c`, as
/// every pre-training reads them (`more pretrain`, the ablation runs of `more table`, the tests):
/// the training split augmented when the config says so, batches drawn with the config's seed.
func pretrainingPairs(_ c: MoREConfig, dataDir: URL) throws -> (train: PretrainData, val: PretrainData) {
    let fields: Set<String> = [DatasetSchema.ids, DatasetSchema.xray, DatasetSchema.ecg, DatasetSchema.reportXray, DatasetSchema.reportECG]
    let tokenizer = try textTokenizer(c)
    func pairs(_ split: String, augment: Bool) throws -> PretrainData {
        let url = dataDir.appendingPathComponent(split + ".h5")
        return try PretrainData(split: try readHDF5(url, fields: fields), source: url.path, config: c, tokenizer: tokenizer,
                                batchSize: c.optim.batchSize, augment: augment, seed: c.optim.seed)
    }
    return (try pairs("pretrain_train", augment: true), try pairs("pretrain_val", augment: false))
}

/// A model for a config with its pretrained text weights loaded (when the config names a folder).
func buildModel(_ c: MoREConfig) throws -> MoREModel {
    try MoREModel.withPretrainedText(config: c, seed: c.optim.seed)
}

/// The tokenizer stored with the config's text model (MiniLM's when the config has none). Its
/// ids must fit the text tower's embedding table: a config whose `text.vocabSize` is smaller
/// (possible with `textModel: ""`, whose weights are random) is an error naming that key, not a
/// shape check failing in the first forward pass.
func textTokenizer(_ c: MoREConfig) throws -> TextTokenizer {
    let folder = try resolveTextModelFolder(c.textModel.isEmpty ? ".cache/models/all-MiniLM-L6-v2" : c.textModel)
    let tokenizer = try loadTokenizer(folder: folder)
    guard tokenizer.vocabularySize <= c.text.vocabSize else {
        throw ConfigError.badValue(file: c.name, key: "text.vocabSize",
                                   reason: "\(c.text.vocabSize) is smaller than the \(tokenizer.vocabularySize) tokens of the tokenizer in \(folder.path)")
    }
    return tokenizer
}
