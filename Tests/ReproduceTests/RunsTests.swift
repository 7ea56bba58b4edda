import XCTest
import Foundation
import MoRE
import Datasets
import TestSupport
@testable import more

/// `more runs` (Reproduce/Runs.swift): which runs it trains, in which order, with which
/// arguments; and, end to end on the table fixture, that the runs it trains in child processes
/// are exactly the ones the tables look for — byte-identical to a run trained in process.
final class RunsTests: XCTestCase {
    func plan(mainEpochs: Int = 3, ablationEpochs: Int = 1) -> RunPlan {
        var c = MoREConfig.tiny
        c.optim.epochs = mainEpochs
        c.optim.seed = 7
        return RunPlan(main: c, configArgument: "tiny", data: URL(fileURLWithPath: "/d"), mainDir: URL(fileURLWithPath: "/r/main"),
                       runsDir: URL(fileURLWithPath: "/r/abl"), ablationEpochs: ablationEpochs, trainPairs: 2600)
    }

    func testFreshPlanTrainsMainFirstAndTheBaselineThroughItsSnapshot() throws {
        let p = plan()
        let jobs = try p.jobs { _, _ in false }
        XCTAssertEqual(jobs.first?.name, "main")
        XCTAssertEqual(jobs.first?.steps, 243)
        XCTAssertEqual(jobs.first?.arguments.suffix(4), ["--out", "/r/main", "--snapshot", "1:/r/abl/baseline"])
        XCTAssertFalse(jobs.contains { $0.name == "baseline" }, "the main run leaves the baseline behind")
        let variants = AblationVariant.all(base: p.main).map(\.key).filter { $0 != "baseline" }
        XCTAssertEqual(Set(jobs.dropFirst().map(\.name)), Set(variants))
        XCTAssertEqual(jobs.count, 1 + variants.count)
        XCTAssertEqual(jobs.map(\.cost), jobs.map(\.cost).sorted(by: >), "longest first")
        XCTAssertEqual(jobs.last?.name, "text-frozen", "the cheapest run goes last")
        let full = try XCTUnwrap(jobs.first { $0.name == "text-full" })
        XCTAssertEqual(full.arguments, ["pretrain", "--config", "tiny", "--data", "/d", "--seed", "7", "--resume", "--quiet",
                                        "--out", "/r/abl/text-full", "--variant", "text-full", "--epochs", "1"])
        XCTAssertEqual(full.steps, 81)
        XCTAssertEqual(full.log.path, "/r/abl/text-full.log")
    }

    func testFinishedRunsAreSkippedAndAFinishedMainRunLeavesTheBaselineAsAJob() throws {
        let p = plan()
        let jobs = try p.jobs { dir, _ in dir.path == "/r/main" || dir.path == "/r/abl/no-ecg" }
        XCTAssertFalse(jobs.contains { $0.name == "main" || $0.name == "no-ecg" })
        let base = try XCTUnwrap(jobs.first { $0.name == "baseline" })
        XCTAssertEqual(base.arguments.suffix(6), ["--out", "/r/abl/baseline", "--variant", "baseline", "--epochs", "1"])
        XCTAssertTrue(try p.jobs { _, _ in true }.isEmpty)
    }

    func testAnAblationBudgetEqualToTheMainRunsUsesTheMainRunAsBaseline() throws {
        let jobs = try plan(mainEpochs: 1).jobs { _, _ in false }
        XCTAssertFalse(jobs.contains { $0.name == "baseline" })
        XCTAssertFalse(try XCTUnwrap(jobs.first { $0.name == "main" }).arguments.contains("--snapshot"))
        let longer = try plan(mainEpochs: 1, ablationEpochs: 2).jobs { _, _ in false }
        XCTAssertTrue(longer.contains { $0.name == "baseline" }, "a longer ablation budget cannot be a snapshot of the main run")
    }

    /// Once no run is left to start, the threads are shared out among the running ones.
    func testSharesSplitTheThreadsAsEvenlyAsPossible() {
        XCTAssertEqual(RunScheduler.shares(total: 2, running: 1), [2])
        XCTAssertEqual(RunScheduler.shares(total: 2, running: 2), [1, 1])
        XCTAssertEqual(RunScheduler.shares(total: 4, running: 3), [2, 1, 1])
        XCTAssertEqual(RunScheduler.shares(total: 1, running: 2), [1, 0], "never more than there are")
        XCTAssertEqual(RunScheduler.shares(total: 8, running: 0), [])
    }

    /// The variant configs `more pretrain --variant` builds are the ones the ablation plan asks for.
    func testPretrainVariantBuildsTheAblationPlansConfig() throws {
        var base = MoREConfig.tiny
        base.optim.seed = 7
        for v in AblationVariant.all(base: base) {
            let c = v.config(base: base, epochs: 1)
            XCTAssertEqual(c.optim.epochs, 1)
            XCTAssertEqual(c.optim.seed, 7)
            XCTAssertEqual(c.name, v.key == "baseline" ? "tiny" : "tiny-\(v.key)")
            XCTAssertEqual(AblationVariant.named(v.key, base: base)?.config(base: base, epochs: 1).hash, c.hash)
        }
        XCTAssertNil(AblationVariant.named("no-such-row", base: base))
        XCTAssertThrowsError(try Pretrain.parse(["--data", "/d", "--out", "/o", "--variant", "no-such-row"]).run()) { e in
            XCTAssertTrue("\(e)".contains("no-such-row") && "\(e)".contains("dropkey-off"), "\(e)")
        }
    }

    /// End to end on the table fixture: `more runs` trains the micro config's main run and its
    /// eight ablation runs in child processes (the `more` built beside the tests); the table's ablation
    /// plan finds each of them finished, and the main run is byte-identical to the fixture's
    /// own, trained in process.
    func testRunsTrainsWhatTheTablesNeedInChildProcesses() throws {
        let s = try TableFixture.setup()
        // The `more` built with these tests (the one in .build/release may be of older code).
        let exe = try ConvertedEndToEndTests.moreBinary()
        let dir = s.root.appendingPathComponent("runs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let configFile = try TableFixture.writeConfigFile(in: dir)
        let main = dir.appendingPathComponent("main"), runs = dir.appendingPathComponent("ablation")
        try Runs.parse(["--config", configFile.path, "--data", s.data.path, "--out", main.path, "--ablation-runs", runs.path,
                        "--ablation-epochs", "1", "--jobs", "2", "--quiet", "--executable", exe.path]).run()

        // A run trained by a child process equals the same run trained in process: every tensor
        // bit for bit, and the metadata but for the commit, which each process reads from the
        // checkout holding its own executable ("unknown" for a test build outside the checkout).
        let child = try readSafetensors(main.appendingPathComponent("best.safetensors")), own = try readSafetensors(s.checkpoint)
        XCTAssertEqual(child.names, own.names)
        for name in own.names {
            XCTAssertEqual(child[name]?.scalars.map(\.bitPattern), own[name]?.scalars.map(\.bitPattern), "\(name) differs")
        }
        XCTAssertEqual(child.metadata.filter { $0.key != "commit" }, own.metadata.filter { $0.key != "commit" })
        if ProcessInfo.processInfo.environment["MORE_COMMIT"] != nil {
            XCTAssertEqual(try Data(contentsOf: main.appendingPathComponent("best.safetensors")), try Data(contentsOf: s.checkpoint),
                           "with MORE_COMMIT set (make test), both name the same commit: the files are byte-identical")
        }
        let plan = try AblationPlan(runsDir: runs, epochs: 1, dataDir: s.data, mainCheckpoint: s.checkpoint, mainInfo: s.info)
        let hash = try plan.dataHash()
        let pairs = try readHDF5(s.data.appendingPathComponent("pretrain_train.h5"), fields: [DatasetSchema.ids]).count
        for v in AblationVariant.all(base: s.info.config) {
            let state = try XCTUnwrap(try finishedRun(out: runs.appendingPathComponent(v.key), config: plan.config(v), dataHash: hash),
                                      "\(v.key): the table would retrain it")
            XCTAssertEqual(state.optimizerStep, plan.config(v).optim.optimizerSteps(pairs: pairs),
                           "\(v.key): the steps `more runs` plans with are the steps the trainer takes")
            XCTAssertTrue(FileManager.default.fileExists(atPath: runs.appendingPathComponent(v.key + ".log").path) || v.key == "baseline")
        }
        // Everything finished: a second call trains nothing.
        let before = try FileManager.default.attributesOfItem(atPath: runs.appendingPathComponent("no-ecg/best.safetensors").path)[.modificationDate] as? Date
        try Runs.parse(["--config", configFile.path, "--data", s.data.path, "--out", main.path, "--ablation-runs", runs.path,
                        "--quiet", "--executable", exe.path]).run()
        let after = try FileManager.default.attributesOfItem(atPath: runs.appendingPathComponent("no-ecg/best.safetensors").path)[.modificationDate] as? Date
        XCTAssertEqual(before, after)
    }

    func testAFailingRunIsAnErrorNamingItsLog() throws {
        let dir = try Fixtures.tempDirectory("more-runs-fail")
        defer { try? FileManager.default.removeItem(at: dir) }
        let job = RunJob(name: "broken", dir: dir.appendingPathComponent("broken"), arguments: ["-c", "echo 'no such dataset' >&2; exit 3"],
                         steps: 5, cost: 5)
        let scheduler = RunScheduler(jobs: [job], slots: 1, threadsPerJob: 1, executable: "/bin/sh", progress: false)
        XCTAssertThrowsError(try scheduler.run()) { e in
            let m = "\(e)"
            XCTAssertTrue(m.contains("'broken'") && m.contains("exit status 3") && m.contains("no such dataset") && m.contains("broken.log"), m)
        }
    }

    /// A running job's done steps: its checkpoint's until it writes its log, then the log's.
    /// The rows an interrupted run left — after its last checkpoint, or of a run that left none —
    /// are not done work (`more runs` started at "14/891 … ETA 1:03" for half an hour's).
    func testDoneStepsComeFromTheCheckpointUntilTheJobWritesItsLog() throws {
        let s = try TableFixture.setup()
        let dir = try Fixtures.tempDirectory("runs-done")
        defer { try? FileManager.default.removeItem(at: dir) }
        let job = RunJob(name: "main", dir: dir, arguments: [], steps: 891, cost: 891)
        let scheduler = RunScheduler(jobs: [job], slots: 1, threadsPerJob: 1, executable: "/bin/true", progress: false)
        let log = dir.appendingPathComponent("train_log.csv")
        try "step,epoch\n1,0\n14,0\n".write(to: log, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-600)], ofItemAtPath: log.path)
        let started = Date()
        XCTAssertEqual(RunScheduler.checkpointSteps(job), 0, "no checkpoint")
        XCTAssertEqual(scheduler.doneSteps(job, started: started, resumed: 0), 0, "the stale rows are not done")
        XCTAssertEqual(scheduler.doneSteps(job, started: started, resumed: 5), 5)
        try "step,epoch\n".write(to: log, atomically: true, encoding: .utf8)       // the job starts its log
        XCTAssertEqual(scheduler.doneSteps(job, started: started, resumed: 0), 0)
        try "step,epoch\n1,0\n2,0\n".write(to: log, atomically: true, encoding: .utf8)
        XCTAssertEqual(scheduler.doneSteps(job, started: started, resumed: 0), 2)
        let fixtureRun = RunJob(name: "f", dir: s.checkpoint.deletingLastPathComponent(), arguments: [], steps: 8, cost: 8)
        XCTAssertEqual(RunScheduler.checkpointSteps(fixtureRun), 8, "read from last.safetensors' header")
    }
}
