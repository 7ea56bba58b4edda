// AblationRuns — the pre-training runs behind table-ablation and the bi-modal rows of the
// linear-probe tables: one run per ablation variant of the evaluated checkpoint's config, all
// on the same reduced budget (`--ablation-epochs`, the Makefile's ABLATION_EPOCHS), trained
// when missing and reused when present.
//
// A run is keyed like the main run: its folder holds a finished checkpoint whose config hash
// (the config includes the budget and the seed) and data hash (of pretrain_train.h5) match, or
// it is (re)trained, resuming an interrupted run of the same key. The baseline variant of a
// budget equal to the main run's is the main run itself and is not trained again. Two
// processes asking for the same run wait for each other (an flock on `<runs>/<variant>.lock`;
// `more pretrain` takes the same lock, `more runs` trains the runs side by side ahead of the tables).
//
// Deliberately not here: the table (TableAblation.swift), the training loop (MoRE/Trainer).

import Foundation
#if canImport(Glibc)
import Glibc
#endif
import MoRE
import Eval
import Datasets

/// One ablation row: a change to the main run's config.
struct AblationVariant: Sendable {
    /// Folder name of the run, e.g. "no-ecg".
    let key: String
    /// Row label.
    let label: String
    /// What differs from the baseline, and the claim it probes (MoRE-reference §1.1–1.2).
    let change: String
    let apply: @Sendable (inout MoREConfig) -> Void

    static let baseline = AblationVariant(key: "baseline", label: "MoRE (tri-modal)",
                                          change: "none: the main config (DropKey, LoRA text tuning, masked mean pooling, fixed τ)") { _ in }
    static let noECG = AblationVariant(key: "no-ecg", label: "without ECG (X-ray–text only)",
                                       change: "useECG = false: no ECG tower in the loss (tri-modal vs bi-modal, §1.1)") { $0.useECG = false }
    static let noXray = AblationVariant(key: "no-xray", label: "without X-ray (ECG–text only)",
                                        change: "useXray = false: no X-ray tower in the loss (tri-modal vs bi-modal, §1.1)") { $0.useXray = false }

    /// The authors' training augmentations (MoRE-reference §3.3) switched: on when the main
    /// config has them off (`tiny`, PAPER.md §4.5), off when it has them on (`paper`).
    static func augmentations(base: MoREConfig) -> AblationVariant {
        base.augment
            ? AblationVariant(key: "augment-off", label: "augmentations off",
                              change: "augment = false: no X-ray or ECG training augmentation (§3.3)") { $0.augment = false }
            : AblationVariant(key: "augment-on", label: "authors' augmentations on",
                              change: "augment = true: the authors' X-ray (random resized crop, colour jitter, blur, flip) and ECG (time-warp, segment permutation) training augmentations, §3.3; off in tiny") {
                                  $0.augment = true
                              }
    }

    /// The rows of table-ablation for a main config, baseline first.
    static func all(base: MoREConfig) -> [AblationVariant] { fixed + [augmentations(base: base)] }

    /// The config of this row: the main config `base`, trained for `epochs`, with the row's
    /// change; every row but the baseline is named `<base>-<key>`. `more table` (through
    /// AblationPlan) and `more pretrain --variant` both build a row's config here, so a run
    /// trained by either is found finished by the other (same config hash).
    func config(base: MoREConfig, epochs: Int) -> MoREConfig {
        var c = base
        c.optim.epochs = epochs
        apply(&c)
        if key != AblationVariant.baseline.key { c.name = "\(base.name)-\(key)" }
        return c
    }

    /// The row's training step time relative to the baseline's, as measured for `tiny` (the
    /// 1-epoch runs of the committed reproduction, 30 Nov 2026, `elapsed_s` of train_log.csv:
    /// the full text backward costs more, a frozen text model or a missing tower less, padded
    /// pooling attends over 128 tokens). Only orders the jobs of `more runs`, longest first.
    var relativeStepTime: Double {
        switch key {
        case "text-full": return 1.31
        case "padded-mean": return 1.15
        case "no-xray": return 0.89
        case "no-ecg": return 0.73
        case "text-frozen": return 0.61
        default: return 1
        }
    }

    /// The row called `key` for the main config `base`, or nil.
    static func named(_ key: String, base: MoREConfig) -> AblationVariant? { all(base: base).first { $0.key == key } }

    /// The rows that do not depend on the main config.
    static let fixed: [AblationVariant] = [
        baseline,
        AblationVariant(key: "dropkey-off", label: "DropKey off",
                        change: "DropKey ratio 0 in both ViTs (the \"linear attention dropping\" claim, §1.1, §2.3)") { $0.dropKey = .constant(0) },
        AblationVariant(key: "text-frozen", label: "frozen text model",
                        change: "textTuning = frozen: only the text projection head learns (LoRA claim, §1.1–1.2)") { $0.textTuning = .frozen },
        AblationVariant(key: "text-full", label: "full text fine-tuning",
                        change: "textTuning = full: every text parameter trained (LoRA vs full, §1.2)") { $0.textTuning = .full },
        noECG,
        noXray,
        AblationVariant(key: "padded-mean", label: "unmasked text pooling (authors')",
                        change: "textPooling = paddedMean: the authors' mean over padding too (§2.5)") { $0.textPooling = .paddedMean },
        AblationVariant(key: "learnable-tau", label: "learnable τ",
                        change: "loss.learnableTemperature = true: τ trained, starting from the config's value (the authors create it learnable at 0.02 but never optimise it, §2.7)") {
                            $0.loss.learnableTemperature = true
                        },
    ]
}

/// Where the ablation runs live and how long they train; trains or reuses them on demand.
final class AblationPlan {
    let runsDir: URL
    let epochs: Int
    let dataDir: URL
    /// The evaluated (main) run: its config is the base of every variant.
    let mainCheckpoint: URL
    let mainInfo: CheckpointInfo
    var progress = true
    private var resolved: [String: URL] = [:]
    private var dataHashCache: String?

    init(runsDir: URL, epochs: Int, dataDir: URL, mainCheckpoint: URL, mainInfo: CheckpointInfo) throws {
        guard epochs >= 1 else {
            throw AblationError.badBudget("--ablation-epochs must be at least 1, got \(epochs)")
        }
        self.runsDir = runsDir; self.epochs = epochs; self.dataDir = dataDir
        self.mainCheckpoint = mainCheckpoint; self.mainInfo = mainInfo
    }

    /// Epochs of the main run (the config's; a run cut short by `--max-steps` still says its config).
    var mainEpochs: Int { mainInfo.config.optim.epochs }

    /// The config of a variant: the main config, the ablation budget, the variant's change.
    func config(_ v: AblationVariant) -> MoREConfig { v.config(base: mainInfo.config, epochs: epochs) }

    /// "1 epoch (81 steps)"-style budget of a finished checkpoint.
    static func budget(epochs: Int, steps: Int) -> String { "\(epochs) epoch\(epochs == 1 ? "" : "s") (\(steps) steps)" }

    func dataHash() throws -> String {
        if let h = dataHashCache { return h }
        let url = dataDir.appendingPathComponent("pretrain_train.h5")
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw TableError.missingSplit(file: url.path, split: "pretrain_train")
        }
        let h = try fileHash(url)
        dataHashCache = h
        return h
    }

    /// The best checkpoint of variant `v`, pre-training it first when no finished run of its
    /// config and data exists.
    func checkpoint(_ v: AblationVariant) throws -> URL {
        if let u = resolved[v.key] { return u }
        let c = config(v), hash = try dataHash()
        if c.hash == mainInfo.config.hash && sameHash(mainInfo.dataHash, hash) {   // the baseline at the main budget
            resolved[v.key] = mainCheckpoint
            return mainCheckpoint
        }
        let dir = runsDir.appendingPathComponent(v.key)
        // A finished run is only read: the lock is taken only to train, so a folder of finished
        // runs may be read-only. Under the lock, look again: another process may have finished it.
        if try finishedRun(out: dir, config: c, dataHash: hash) == nil {
            try FileManager.default.createDirectory(at: runsDir, withIntermediateDirectories: true)
            let lock = try RunLock(run: dir)
            defer { lock.release() }
            if try finishedRun(out: dir, config: c, dataHash: hash) == nil {
                do { try train(c, into: dir, dataHash: hash) } catch TrainingError.resumeMismatch(let file, let reason) {
                    throw TrainingError.resumeMismatch(file: file, reason: reason + ". This folder holds the ablation runs of another budget or config: "
                                                       + "give --ablation-runs a folder of its own (the default is <main run>-ablation-e<epochs> beside the main run)")
                }
            }
        }
        let url = dir.appendingPathComponent("best.safetensors")
        resolved[v.key] = url
        return url
    }

    /// Pre-trains `c` on the dataset into `dir` (resuming an interrupted run of the same config).
    private func train(_ c: MoREConfig, into dir: URL, dataHash: String) throws {
        let valURL = dataDir.appendingPathComponent("pretrain_val.h5")
        guard FileManager.default.fileExists(atPath: valURL.path) else { throw TableError.missingSplit(file: valURL.path, split: "pretrain_val") }
        try c.validate(file: "ablation run '\(c.name)'")
        let (train, val) = try pretrainingPairs(c, dataDir: dataDir)
        FileHandle.standardError.write(Data("ablation run '\(c.name)': \(c.optim.epochs) epoch(s) on data \(dataHash) -> \(dir.path)\n".utf8))
        var options = TrainOptions(outDir: dir, progress: progress, resume: true, dataHash: dataHash)
        // Ctrl-C says what it keeps, as `more pretrain` does (PretrainInterrupt.swift).
        options.onStep = PretrainInterrupt.publisher(outDir: dir, config: c, resume: "the same command resumes it")
        let trainer = Trainer(model: try buildModel(c), train: train, val: val, options: options)
        PretrainInterrupt.install()
        defer { PretrainInterrupt.uninstall() }
        try trainer.run()
    }

    /// The evaluation model of variant `v` (trained or reused) and its checkpoint's provenance.
    func model(_ v: AblationVariant) throws -> (MoREModel, CheckpointInfo, URL) {
        let url = try checkpoint(v)
        let (m, ck) = try loadEvaluationModel(checkpoint: url, expect: config(v))
        return (m, ck.info, url)
    }
}

/// Problems with the ablation settings a user can cause.
enum AblationError: Error, CustomStringConvertible {
    case badBudget(String)
    case lockFailed(file: String, reason: String)
    case notConfigured(table: String)
    case needsTriModal(table: String, checkpoint: String, label: String)
    var description: String {
        switch self {
        case .badBudget(let m): return m
        case .lockFailed(let f, let r): return "\(f): cannot lock the pre-training run: \(r)"
        case .notConfigured(let t): return "\(t) needs the ablation runs (pass --ablation-runs DIR and --ablation-epochs N, or run `make \(t)`)"
        case .needsTriModal(let t, let ck, let label):
            return "\(t): \(ck) is a \(label) checkpoint; the ablation rows each switch one choice off a tri-modal run (evaluate the tri-modal checkpoint it was derived from)"
        }
    }
}

/// An exclusive advisory lock on a file, held until `release()` (or process exit).
struct RunLock {
    let fd: Int32
    /// The lock of the pre-training run in folder `run`: the file `<run>.lock` beside it, taken
    /// by `more pretrain` and by the ablation plan, so that two processes never train one run.
    init(run: URL) throws {
        let dir = run.standardizedFileURL
        try FileManager.default.createDirectory(at: dir.deletingLastPathComponent(), withIntermediateDirectories: true)
        try self.init(dir.deletingLastPathComponent().appendingPathComponent(dir.lastPathComponent + ".lock"))
    }

    init(_ url: URL) throws {
        fd = open(url.path, O_CREAT | O_RDWR, 0o644)
        guard fd >= 0 else { throw AblationError.lockFailed(file: url.path, reason: String(cString: strerror(errno))) }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 { return }
        if errno == EWOULDBLOCK {
            FileHandle.standardError.write(Data("\(url.path): another process holds this run; waiting for it to finish\n".utf8))
        }
        guard flock(fd, LOCK_EX) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw AblationError.lockFailed(file: url.path, reason: reason)
        }
    }
    func release() { flock(fd, LOCK_UN); close(fd) }
}
