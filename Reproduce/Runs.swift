// more runs — every pre-training run the tables and figures need (the main run and one run per
// row of table-ablation), trained side by side: `--jobs` child processes of `more pretrain`, each
// with its share of the threads, taking the runs longest first; when no run is left to start,
// the threads of finished runs go to the ones still training (`threads.request`, read by the
// trainer before each step). `make reproduce` calls it before the tables, which then find every
// run finished.
//
// Why processes and not threads: the engine's results do not depend on the thread count, and on
// this 2-core machine two single-threaded trainings finish a step in 2.9 s each while one
// two-threaded training needs 1.7 s (`more bench train`, PAPER.md "Training the runs side by
// side"), so two jobs get through the same steps about 15 % sooner.
//
// Deliberately not here: what a run is and when it counts as finished (Pretrain.swift,
// Tables/AblationRuns.swift), the training loop (MoRE/Trainer.swift).

import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import MoRE
import Datasets
import TensorCore

struct Runs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pre-train the main run and every ablation run side by side (what `make reproduce` trains first).",
        discussion: """
        Runs already finished (same config, seed and data) are skipped; an interrupted one resumes. \
        Each run's output goes to <run folder>.log; the progress line counts the optimiser steps \
        of all runs. The runs are those `more table` would train itself, so the tables find them finished.
        """)

    @Option(name: .long, help: "Config name (tiny, paper) or a JSON file of overrides: the main run's.")
    var config: String = "tiny"

    @Option(name: .long, help: "Dataset folder with pretrain_train.h5 and pretrain_val.h5.")
    var data: String

    @Option(name: .long, help: "Folder of the main run.")
    var out: String

    @Option(name: .long, help: "Override the config's seed.")
    var seed: UInt64?

    @Option(name: .long, help: "Runs trained at once (default: one per thread, at most the number of runs to train).")
    var jobs: Int?

    @Option(name: .long, help: ArgumentHelp("The `more` binary the jobs run (default: this one).", visibility: .hidden))
    var executable: String?

    @Flag(name: .long, help: "No progress line (the start and end of each run are still printed).")
    var quiet = false

    @OptionGroup var ablation: AblationOptions

    @OptionGroup var compute: ComputeOptions

    func run() throws {
        try compute.apply()
        let ablationEpochs = ablation.ablationEpochs
        guard ablationEpochs >= 1 else { throw ValidationError("--ablation-epochs must be at least 1, got \(ablationEpochs)") }
        if let j = jobs, j < 1 { throw ValidationError("--jobs must be at least 1, got \(j)") }
        var main = try MoREConfig.load(config)
        if let s = seed { main.optim.seed = s }
        let dataDir = URL(fileURLWithPath: data), mainDir = URL(fileURLWithPath: out).standardizedFileURL
        let runsDir = ablation.runsDir(mainRun: mainDir)
        try requireDatasetFolder(dataDir)
        let trainURL = dataDir.appendingPathComponent("pretrain_train.h5")
        for (u, s) in [(trainURL, "pretrain_train"), (dataDir.appendingPathComponent("pretrain_val.h5"), "pretrain_val")]
        where !FileManager.default.fileExists(atPath: u.path) {
            throw TableError.missingSplit(file: u.path, split: s)
        }
        let pairs = try readHDF5(trainURL, fields: [DatasetSchema.ids]).count
        let hash = try fileHash(trainURL)
        let plan = RunPlan(main: main, configArgument: config, data: dataDir, mainDir: mainDir, runsDir: runsDir,
                           ablationEpochs: ablationEpochs, trainPairs: pairs)
        let pending = try plan.jobs { dir, c in try finishedRun(out: dir, config: c, dataHash: hash) != nil }
        let threads = ThreadPool.shared.threadCount
        let slots = max(1, min(jobs ?? threads, pending.count))
        let perJob = max(1, threads / slots)
        guard !pending.isEmpty else {
            print("runs: every run is finished (\(displayPath(mainDir)), \(displayPath(runsDir))) on data \(hash)")
            return
        }
        FileHandle.standardError.write(Data("runs: training \(pending.map(\.name).joined(separator: ", ")) on data \(hash); \(slots) at a time, \(perJob) thread\(perJob == 1 ? "" : "s") each\n".utf8))
        let exe = try executable ?? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let runner = RunScheduler(jobs: pending, slots: slots, threadsPerJob: perJob, executable: exe, progress: !quiet)
        try runner.run()
    }
}

/// One pre-training run to do: where it goes, how to start it, how long it is.
struct RunJob: Equatable {
    /// "main" or the ablation row's key.
    let name: String
    let dir: URL
    /// Arguments of `more` (without --threads).
    let arguments: [String]
    /// Optimiser steps of the whole run.
    let steps: Int
    /// Steps weighted by the variant's relative step time: the order in which jobs start.
    let cost: Double

    /// `<run folder>.log`, beside the `.lock`.
    var log: URL { dir.deletingLastPathComponent().appendingPathComponent(dir.lastPathComponent + ".log") }
}

/// Which runs `make reproduce` needs: the main config's run and every ablation row's, with the
/// arguments of the `more pretrain` that trains each.
struct RunPlan {
    let main: MoREConfig
    /// --config as the user gave it (the jobs load it the same way).
    let configArgument: String
    let data: URL
    let mainDir: URL
    let runsDir: URL
    let ablationEpochs: Int
    let trainPairs: Int

    func steps(_ c: MoREConfig) -> Int { c.optim.optimizerSteps(pairs: trainPairs) }

    var variants: [AblationVariant] { AblationVariant.all(base: main) }

    /// The runs still to train, costliest first. `finished(dir, config)` says whether a finished
    /// run of that config and data is in `dir`.
    func jobs(finished: (URL, MoREConfig) throws -> Bool) throws -> [RunJob] {
        let common = ["pretrain", "--config", configArgument, "--data", data.path, "--seed", String(main.optim.seed), "--resume", "--quiet"]
        var out: [RunJob] = []
        let mainDone = try finished(mainDir, main)
        let baselineDir = runsDir.appendingPathComponent(AblationVariant.baseline.key)
        // The main run leaves the baseline's shorter run on its way (byte-identical, `--snapshot`).
        let snapshotsBaseline = ablationEpochs < main.optim.epochs
        if !mainDone {
            out.append(RunJob(name: "main", dir: mainDir,
                              arguments: common + ["--out", mainDir.path]
                                  + (snapshotsBaseline ? ["--snapshot", "\(ablationEpochs):\(baselineDir.path)"] : []),
                              steps: steps(main), cost: Double(steps(main))))
        }
        for v in variants {
            let c = v.config(base: main, epochs: ablationEpochs)
            let dir = runsDir.appendingPathComponent(v.key)
            if v.key == AblationVariant.baseline.key {
                if ablationEpochs == main.optim.epochs || (snapshotsBaseline && !mainDone) { continue }
            }
            if try finished(dir, c) { continue }
            out.append(RunJob(name: v.key, dir: dir,
                              arguments: common + ["--out", dir.path, "--variant", v.key, "--epochs", String(ablationEpochs)],
                              steps: steps(c), cost: Double(steps(c)) * v.relativeStepTime))
        }
        // Longest first: the last jobs to start are the short ones, so no core idles long at the end.
        return out.enumerated().sorted { ($0.element.cost, -$0.offset) > ($1.element.cost, -$1.offset) }.map(\.element)
    }
}

/// Child processes of the runs, `slots` at a time, with one progress line for all of them.
final class RunScheduler {
    let jobs: [RunJob]
    let slots: Int
    let threadsPerJob: Int
    let executable: String
    let progress: Bool

    init(jobs: [RunJob], slots: Int, threadsPerJob: Int, executable: String, progress: Bool) {
        self.jobs = jobs; self.slots = slots; self.threadsPerJob = threadsPerJob; self.executable = executable; self.progress = progress
    }

    private struct Running {
        let job: RunJob
        let process: Process
        let started: Date
        var threads: Int
    }

    /// The threads of `total` for each of `running` jobs once no job is left to start: as even
    /// as possible, the first ones taking the remainder. shares(2, 1) = [2]; shares(4, 3) = [2, 1, 1].
    static func shares(total: Int, running: Int) -> [Int] {
        (0..<running).map { total / running + ($0 < total % running ? 1 : 0) }
    }

    func run() throws {
        var queue = jobs[...]
        var running: [Running] = []
        var finishedSteps = 0
        var failure: (RunJob, Int32)?
        let total = jobs.reduce(0) { $0 + $1.steps }
        // Steps an interrupted run keeps are its checkpoint's: counted as done, but not as work
        // of this call's rate and ETA.
        let resumed = Dictionary(jobs.map { ($0.name, RunScheduler.checkpointSteps($0)) }, uniquingKeysWith: max)
        let bar = ProgressBar(total: total, label: "runs", enabled: progress, plainEvery: 60,
                              initial: resumed.values.reduce(0, +))
        ChildProcesses.installSignalHandlers()
        defer { ChildProcesses.clear() }

        while failure == nil && (!queue.isEmpty || !running.isEmpty) {
            while failure == nil && running.count < slots, let job = queue.popFirst() {
                running.append(try start(job))
            }
            Thread.sleep(forTimeInterval: 1)
            var still: [Running] = []
            for r in running {
                if r.process.isRunning { still.append(r); continue }
                ChildProcesses.remove(r.process.processIdentifier)
                if r.process.terminationStatus != 0 || r.process.terminationReason != .exit {
                    failure = (r.job, r.process.terminationStatus)
                } else {
                    finishedSteps += r.job.steps
                    say("trained \(r.job.name) (\(r.job.steps) steps) in \(ProgressBar.clock(Date().timeIntervalSince(r.started))); log \(displayPath(r.job.log))")
                }
            }
            running = still
            // Nothing left to start: the cores of finished runs go to the running ones (from
            // their next step; results do not depend on the thread count).
            if queue.isEmpty && failure == nil {
                let share = RunScheduler.shares(total: slots * threadsPerJob, running: running.count)
                for i in running.indices where share[i] > running[i].threads {
                    let request = running[i].job.dir.appendingPathComponent(threadRequestFile)
                    try? writeAtomically(to: request) { tmp in try Data("\(share[i])\n".utf8).write(to: tmp) }
                    running[i].threads = share[i]
                    say("\(running[i].job.name) continues with \(share[i]) threads (no runs left to start)")
                }
            }
            var fields: [(String, String)] = []
            var done = finishedSteps + queue.reduce(0) { $0 + (resumed[$1.name] ?? 0) }
            for r in running {
                let n = min(doneSteps(r.job, started: r.started, resumed: resumed[r.job.name] ?? 0),
                            r.job.steps - 1)   // the last validation and checkpoint still to come
                done += n
                fields.append((r.job.name, "\(n)/\(r.job.steps)"))
            }
            fields.append(("runs done", "\(jobs.count - queue.count - running.count)/\(jobs.count)"))
            bar.update(done, fields, unit: "steps")
        }
        if let (job, status) = failure {
            for r in running { r.process.terminate() }
            for r in running { r.process.waitUntilExit() }
            let tail = (try? String(contentsOf: job.log, encoding: .utf8))?.split(separator: "\n", omittingEmptySubsequences: false)
                .suffix(12).joined(separator: "\n") ?? ""
            throw RunsError.jobFailed(name: job.name, status: status, log: displayPath(job.log), tail: tail)
        }
        say("all \(jobs.count) runs trained in \(ProgressBar.clock(bar.elapsed)) (\(slots) at a time, \(threadsPerJob) thread\(threadsPerJob == 1 ? "" : "s") each)")
    }

    private func start(_ job: RunJob) throws -> Running {
        try FileManager.default.createDirectory(at: job.log.deletingLastPathComponent(), withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: job.log.path, contents: nil)   // FileHandle below reports a failure
        let log = try FileHandle(forWritingTo: job.log)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = job.arguments + ["--threads", String(threadsPerJob)]
        p.standardOutput = log
        p.standardError = log
        p.standardInput = FileHandle.nullDevice
        let started = Date()
        do { try p.run() } catch { throw RunsError.cannotStart(executable: executable, reason: error.localizedDescription) }
        try? log.close()
        ChildProcesses.add(p.processIdentifier)
        let from = RunScheduler.checkpointSteps(job)
        say("training \(job.name): \(job.steps) steps\(from > 0 ? ", resuming from step \(from)" : "") -> \(displayPath(job.dir)) (log \(displayPath(job.log)))")
        return Running(job: job, process: p, started: started, threads: threadsPerJob)
    }

    /// The optimiser step of the checkpoint a job resumes from (0: none, or unreadable).
    static func checkpointSteps(_ job: RunJob) -> Int {
        ((try? RunFolder(job.dir).lastCheckpoint()) ?? nil)?.state.optimizerStep ?? 0
    }

    /// Optimiser steps a running job has done: the first field of the last line of its
    /// train_log.csv (0 before the first step) once the job has written that log, and until
    /// then the step of the checkpoint it resumes from. The log an interrupted run left may hold
    /// rows after its last checkpoint, or rows of a run that left none; counted as done, they
    /// made `more runs` start at "14/891 … 13.9 steps/s ETA 1:03" for half an hour of work.
    func doneSteps(_ job: RunJob, started: Date, resumed: Int) -> Int {
        let log = job.dir.appendingPathComponent("train_log.csv")
        // File times come from the kernel's coarse clock, up to a tick behind `Date()`.
        guard let written = (try? FileManager.default.attributesOfItem(atPath: log.path))?[.modificationDate] as? Date,
              written >= started.addingTimeInterval(-0.05) else { return resumed }
        guard let text = try? String(contentsOf: log, encoding: .utf8),
              let last = text.split(separator: "\n").last, let n = Int(last.prefix { $0 != "," }) else { return 0 }
        return n
    }

    /// A line on stderr that does not tear the progress line.
    private func say(_ s: String) {
        let clear = progress && isatty(2) != 0 ? "\r\u{1B}[K" : ""
        FileHandle.standardError.write(Data((clear + s + "\n").utf8))
    }
}

/// The running children, killed when `more runs` is interrupted (they may sit in their own process
/// group, out of reach of the terminal's Ctrl-C). A fixed C array: signal handlers may not allocate.
enum ChildProcesses {
    static let capacity = 64
    nonisolated(unsafe) static let pids: UnsafeMutablePointer<pid_t> = {
        let p = UnsafeMutablePointer<pid_t>.allocate(capacity: capacity)
        p.initialize(repeating: 0, count: capacity)
        return p
    }()

    static func add(_ pid: pid_t) {
        for i in 0..<capacity where pids[i] == 0 { pids[i] = pid; return }
    }
    static func remove(_ pid: pid_t) {
        for i in 0..<capacity where pids[i] == pid { pids[i] = 0 }
    }
    static func clear() {
        for i in 0..<capacity { pids[i] = 0 }
    }
    /// What an interruption says (each stopped `more pretrain` says its own in its log).
    nonisolated(unsafe) static let note: (text: UnsafeMutablePointer<UInt8>, count: Int) = {
        let bytes = Array("\nruns: interrupted; each run keeps its last checkpoint (its log ends with which), and `more runs` again resumes them\n".utf8)
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: bytes.count)
        p.initialize(from: bytes, count: bytes.count)
        return (p, bytes.count)
    }()

    static func installSignalHandlers() {
        _ = note       // built before any signal can arrive
        for s in [SIGINT, SIGTERM, SIGHUP] {
            signal(s) { sig in
                _ = write(2, ChildProcesses.note.text, ChildProcesses.note.count)
                for i in 0..<ChildProcesses.capacity where ChildProcesses.pids[i] > 0 { kill(ChildProcesses.pids[i], SIGTERM) }
                TemporaryFiles.removeAll()
                _exit(128 + sig)
            }
        }
    }
}

/// Problems of `more runs` a user can cause or must see.
enum RunsError: Error, CustomStringConvertible {
    case jobFailed(name: String, status: Int32, log: String, tail: String)
    case cannotStart(executable: String, reason: String)
    var description: String {
        switch self {
        case .jobFailed(let n, let s, let log, let tail):
            return "run '\(n)' failed (exit status \(s)); the other runs were stopped. End of \(log):\n\(tail)"
        case .cannotStart(let e, let r): return "cannot start \(e): \(r)"
        }
    }
}
