import XCTest
import TestSupport
import TensorCore
import Autodiff
import Datasets
import NN
@testable import MoRE

final class TrainerTests: XCTestCase {
    func makeTrainer(_ c: MoREConfig, out: URL, maxSteps: Int?, resume: Bool = false, trainRows: Int = 16,
                     augment: Bool = true, snapshots: [Int: URL] = [:]) throws -> Trainer {
        let tok = try MicroMoRE.tokenizer()
        let train = try PretrainData(split: MicroMoRE.split(trainRows, seed: 1, config: c), source: "micro-train", config: c,
                                     tokenizer: tok, batchSize: c.optim.batchSize, augment: augment, seed: c.optim.seed)
        let val = try PretrainData(split: MicroMoRE.split(8, seed: 2, config: c), source: "micro-val", config: c,
                                   tokenizer: tok, batchSize: c.optim.batchSize, augment: false, seed: c.optim.seed)
        return Trainer(model: MoREModel(config: c, seed: c.optim.seed), train: train, val: val,
                       options: TrainOptions(outDir: out, maxSteps: maxSteps, progress: false, resume: resume,
                                             snapshots: snapshots))
    }

    func losses(_ dir: URL) throws -> [Double] {
        let text = try String(contentsOf: dir.appendingPathComponent("train_log.csv"), encoding: .utf8)
        return text.split(separator: "\n").dropFirst().map { Double($0.split(separator: ",")[4])! }
    }

    /// Loss trajectory of the first 10 optimiser steps of the micro model on one fixed batch
    /// (4 patients, no augmentation): the model must fit it, so the loss falls.
    func testTenStepLossTrajectory() throws {
        var c = MicroMoRE.config
        c.optim.epochs = 10
        // No stochastic layers and a small step: plain optimisation of one fixed batch.
        c.dropKey = .constant(0)
        c.loraDropout = 0
        c.text.hiddenDropout = 0
        c.text.attentionDropout = 0
        c.optim.learningRate = 1e-4
        let dir = try Fixtures.tempDirectory("trainer-traj")
        defer { try? FileManager.default.removeItem(at: dir) }
        try makeTrainer(c, out: dir, maxSteps: 10, trainRows: 4, augment: false).run()
        let l = try losses(dir)
        XCTAssertEqual(l.count, 10)
        XCTAssertLessThan(l.suffix(3).reduce(0, +) / 3, l.prefix(3).reduce(0, +) / 3, "loss should fall: \(l)")
        XCTAssertTrue(l.allSatisfy { $0.isFinite && $0 > 0 })
    }

    /// With sine-cosine positions in both towers, training leaves the tables where they were
    /// (frozen) while the rest of each tower moves, and the checkpoint reloads as the same model.
    func testSinCosPositionsStayFixedThroughTraining() throws {
        var c = MicroMoRE.config
        c.xray.positions = .sincos
        c.ecg.positions = .sincos
        let dir = try Fixtures.tempDirectory("trainer-sincos")
        defer { try? FileManager.default.removeItem(at: dir) }
        try makeTrainer(c, out: dir, maxSteps: 3, trainRows: 8, augment: false).run()
        let (model, ck) = try MoREModel.load(checkpoint: dir.appendingPathComponent("last.safetensors"), expect: c)
        XCTAssertEqual(ck.info.config.xray.positions, .sincos)
        XCTAssertEqual(model.xrayModel.posEmbed.value.scalars,
                       SinCosPositions.grid(side: Int(Double(c.xrayTokens).squareRoot()), dim: c.xray.dim).scalars)
        XCTAssertEqual(model.ecgModel.posEmbed.value.scalars, SinCosPositions.sequence(length: c.ecgTokens, dim: c.ecg.dim).scalars)
        XCTAssertFalse(model.xrayModel.posEmbed.requiresGrad)
        let initial = MoREModel(config: c, seed: c.optim.seed)
        XCTAssertNotEqual(model.xrayModel.clsToken.value.scalars, initial.xrayModel.clsToken.value.scalars, "the tower trained")
    }

    /// A run without a validation set finishes and writes its summary without a validation loss
    /// (it used to fail at the very end: JSON cannot hold the NaN it had in its place).
    func testRunWithoutValidationSetWritesItsSummary() throws {
        let c = MicroMoRE.config
        let dir = try Fixtures.tempDirectory("trainer-noval")
        defer { try? FileManager.default.removeItem(at: dir) }
        let t = try makeTrainer(c, out: dir, maxSteps: 2)
        let summary = try Trainer(model: t.model, train: t.train, val: nil,
                                  options: TrainOptions(outDir: dir, maxSteps: 2, progress: false)).run()
        XCTAssertNil(summary.bestValLoss)
        XCTAssertEqual(summary.optimizerSteps, 2)
        let written = try XCTUnwrap(TrainSummary.read(from: dir), "summary.json missing or unreadable")
        XCTAssertNil(written.bestValLoss)
        XCTAssertEqual(written.lastTrainLoss, summary.lastTrainLoss)
        XCTAssertTrue(written.lastTrainLoss?.isFinite ?? false)
    }

    /// The summary of a run that ends with an epoch reuses that epoch's validation instead of
    /// evaluating the same weights again: it must equal a fresh evaluation of the final model,
    /// and so it does for a run stopped mid-epoch, which evaluates at the end.
    func testSummaryValidationIsThatOfTheFinalWeights() throws {
        var c = MicroMoRE.config
        c.optim.epochs = 2
        for maxSteps in [nil, 5] as [Int?] {   // 4 steps per epoch: 5 stops one step into the second
            let dir = try Fixtures.tempDirectory("trainer-summary")
            defer { try? FileManager.default.removeItem(at: dir) }
            let t = try makeTrainer(c, out: dir, maxSteps: maxSteps)
            let summary = try t.run()
            let fresh = evaluateContrastive(model: t.model, data: try XCTUnwrap(t.val))
            let reported = try XCTUnwrap(t.currentValidation)
            XCTAssertEqual(reported.loss, fresh.loss, "maxSteps \(String(describing: maxSteps))")
            XCTAssertEqual(summary.valAccuracy, fresh.accuracy.mapValues { $0.top1 })
            XCTAssertFalse(summary.valAccuracy.isEmpty)
        }
    }

    /// A thread count written into the run's request file is taken up before the next step and
    /// the file deleted; the run is bitwise the one without it. Unreadable counts are ignored.
    func testThreadRequestChangesTheThreadCountNotTheResults() throws {
        let c = MicroMoRE.config
        let threads = ThreadPool.shared.threadCount
        defer { ThreadPool.shared.setThreadCount(threads) }
        let a = try Fixtures.tempDirectory("trainer-threads-a"), b = try Fixtures.tempDirectory("trainer-threads-b")
        defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }
        ThreadPool.shared.setThreadCount(1)
        let plain = try makeTrainer(c, out: a, maxSteps: 3)
        try plain.run()
        let request = b.appendingPathComponent("threads.request")
        try Data("3\n".utf8).write(to: request)
        var o = TrainOptions(outDir: b, maxSteps: 3, progress: false, threadRequest: request)
        let t = try makeTrainer(c, out: b, maxSteps: 3)
        let asked = Trainer(model: t.model, train: t.train, val: t.val, options: o)
        try asked.run()
        XCTAssertEqual(ThreadPool.shared.threadCount, 3)
        XCTAssertFalse(FileManager.default.fileExists(atPath: request.path), "the request is consumed")
        XCTAssertEqual(try losses(a), try losses(b))
        for (x, y) in zip(plain.model.stateDict(), asked.model.stateDict()) { XCTAssertTrue(x.1.bitwiseEqual(y.1), x.0) }
        try Data("lots".utf8).write(to: request)
        o.outDir = try Fixtures.tempDirectory("trainer-threads-c")
        defer { try? FileManager.default.removeItem(at: o.outDir) }
        let t2 = try makeTrainer(c, out: o.outDir, maxSteps: 1)
        try Trainer(model: t2.model, train: t2.train, val: t2.val, options: o).run()
        XCTAssertEqual(ThreadPool.shared.threadCount, 3, "an unreadable count changes nothing")
        XCTAssertFalse(FileManager.default.fileExists(atPath: request.path))
    }

    /// Stopping after 3 steps and resuming gives bitwise the same parameters as 6 straight steps.
    func testResumeIsBitwiseIdentical() throws {
        let c = MicroMoRE.config
        let a = try Fixtures.tempDirectory("trainer-a"), b = try Fixtures.tempDirectory("trainer-b")
        defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }
        let straight = try makeTrainer(c, out: a, maxSteps: 6)
        try straight.run()
        try makeTrainer(c, out: b, maxSteps: 3).run()
        let resumed = try makeTrainer(c, out: b, maxSteps: 6, resume: true)
        try resumed.run()
        let pa = straight.model.stateDict(), pb = resumed.model.stateDict()
        XCTAssertEqual(pa.map(\.0), pb.map(\.0))
        for (x, y) in zip(pa, pb) { XCTAssertTrue(x.1.bitwiseEqual(y.1), "\(x.0) differs after resume") }
        XCTAssertEqual(try losses(a), try losses(b))

        // …and the resumed run does start from the checkpoint (a trainer that ignored `resume`
        // and trained 6 fresh steps would also pass the comparison above): a weight changed in
        // last.safetensors after step 3 changes the parameters after step 6.
        let d = try Fixtures.tempDirectory("trainer-d")
        defer { try? FileManager.default.removeItem(at: d) }
        try makeTrainer(c, out: d, maxSteps: 3).run()
        let url = d.appendingPathComponent("last.safetensors"), ck = try readSafetensors(url)
        let name = try XCTUnwrap(straight.model.trainableParameters().map { "model." + $0.0 }.first { ck.names.contains($0) })
        ck.tensors[name]!.pointer[0] += 1
        try writeSafetensors(ck.names.map { ($0, ck.tensors[$0]!) }, metadata: ck.metadata, to: url)
        let perturbed = try makeTrainer(c, out: d, maxSteps: 6, resume: true)
        try perturbed.run()
        let pd = perturbed.model.stateDict()
        XCTAssertFalse(zip(pa, pd).allSatisfy { $0.1.bitwiseEqual($1.1) }, "resume ignored the checkpoint's \(name)")
    }

    /// Resuming from a checkpoint whose optimiser state holds a NaN (a corrupted file: the
    /// trainer never writes one) stops with an error naming the file and the tensor.
    func testResumeRefusesNonFiniteOptimizerState() throws {
        let c = MicroMoRE.config
        let dir = try Fixtures.tempDirectory("trainer-nan-optim")
        defer { try? FileManager.default.removeItem(at: dir) }
        try makeTrainer(c, out: dir, maxSteps: 2).run()
        let url = dir.appendingPathComponent("last.safetensors")
        let ck = try readSafetensors(url)
        let name = try XCTUnwrap(ck.names.first { $0.hasPrefix("optim.exp_avg_sq.") })
        ck.tensors[name]!.pointer[0] = .nan
        try writeSafetensors(ck.names.map { ($0, ck.tensors[$0]!) }, metadata: ck.metadata, to: url)
        XCTAssertThrowsError(try makeTrainer(c, out: dir, maxSteps: 4, resume: true).run()) { error in
            XCTAssertEqual(error as? DataError, .malformed(file: url.path, field: name,
                                                          reason: "non-finite value (NaN or ±Inf) at flat index 0"))
        }
    }

    /// A fresh run (no --resume) into a folder holding a finished run replaces it: when the new
    /// run stops early (here on a NaN), the old checkpoints and summary are gone instead of
    /// standing beside the new run's logs (before, the logs were truncated and the rest kept).
    func testAFreshRunThatFailsLeavesNoFilesOfTheEarlierRun() throws {
        var c = MicroMoRE.config
        let dir = try Fixtures.tempDirectory("trainer-replace")
        defer { try? FileManager.default.removeItem(at: dir) }
        c.optim.epochs = 1
        try makeTrainer(c, out: dir, maxSteps: nil).run()
        for f in ["best.safetensors", "last.safetensors", "summary.json"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent(f).path), f)
        }
        c.optim.learningRate = 1e30   // the first update ruins the weights: the next loss is not finite
        c.optim.gradClip = nil
        c.optim.checkpointEvery = 0
        XCTAssertThrowsError(try makeTrainer(c, out: dir, maxSteps: 3).run()) { e in
            guard case TrainingError.nonFinite = e else { return XCTFail("\(e)") }
        }
        for f in ["best.safetensors", "last.safetensors", "summary.json"] {
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent(f).path), f)
        }
        XCTAssertEqual(try losses(dir).count, 1, "the new run's log holds its one finite step")
    }

    /// The 1-epoch snapshot of a 3-epoch run is the 1-epoch run: the same checkpoint files byte
    /// for byte, the same validation log, the same losses (the ablation baseline of `make
    /// reproduce` relies on it). A budget as long as the run is not written.
    func testSnapshotIsTheShorterRun() throws {
        var c = MicroMoRE.config
        let long = try Fixtures.tempDirectory("trainer-long"), short = try Fixtures.tempDirectory("trainer-short")
        defer { try? FileManager.default.removeItem(at: long); try? FileManager.default.removeItem(at: short) }
        let snap = long.appendingPathComponent("snap-1"), same = long.appendingPathComponent("snap-3")
        c.optim.epochs = 3
        try makeTrainer(c, out: long, maxSteps: nil, snapshots: [1: snap, 3: same]).run()
        c.optim.epochs = 1
        try makeTrainer(c, out: short, maxSteps: nil).run()
        for f in ["best.safetensors", "last.safetensors", "val_log.csv"] {
            let a = try Data(contentsOf: snap.appendingPathComponent(f)), b = try Data(contentsOf: short.appendingPathComponent(f))
            XCTAssertEqual(a, b, "\(f) of the snapshot differs from the 1-epoch run")
        }
        XCTAssertEqual(try losses(snap), try losses(short))
        XCTAssertGreaterThan(try losses(long).count, try losses(snap).count)
        XCTAssertFalse(FileManager.default.fileExists(atPath: same.path))
        let summary = try JSONDecoder().decode(TrainSummary.self, from: Data(contentsOf: snap.appendingPathComponent("summary.json")))
        XCTAssertEqual(summary.epochs, 1)
    }

    /// With accumulation, the gradients of the micro-batches add up (the authors do not divide
    /// the loss): the accumulated gradient equals the sum of the two separate gradients.
    func testGradientAccumulationSums() throws {
        let c = MicroMoRE.config
        let tok = try MicroMoRE.tokenizer()
        let data = try PretrainData(split: MicroMoRE.split(8, seed: 3, config: c), source: "micro", config: c,
                                    tokenizer: tok, batchSize: 4, augment: false, seed: 1)
        let model = MoREModel(config: c, seed: 5)
        model.eval()   // BatchNorm with running statistics: each micro-batch's gradient is then independent
        let b0 = data.batch(rows: [0, 1, 2, 3]), b1 = data.batch(rows: [4, 5, 6, 7])
        func grads() -> [String: Tensor] {
            Dictionary(uniqueKeysWithValues: model.trainableParameters().compactMap { n, p in p.grad.map { (n, $0.copy()) } })
        }
        model.contrastive(b0).loss.backward(); let g0 = grads(); model.zeroGrad()
        model.contrastive(b1).loss.backward(); let g1 = grads(); model.zeroGrad()
        model.contrastive(b0).loss.backward(); model.contrastive(b1).loss.backward()
        let g01 = grads()
        XCTAssertFalse(g01.isEmpty)
        for (n, g) in g01 { assertClose(g, g0[n]! + g1[n]!, abs: 1e-6, rel: 1e-5, n) }
    }

    /// Through the trainer: with accumulation 2, an optimiser step takes two micro-batches, and
    /// its gradient is their sum — the logged gradient norm of step 1 is ‖g₀ + g₁‖, computed here
    /// by hand from the same initial model, batches and randomness (‖g₁‖ alone would differ).
    func testTrainerAccumulatesTwoMicroBatchesPerStep() throws {
        var c = MicroMoRE.config
        c.optim.accumulation = 2
        let dir = try Fixtures.tempDirectory("trainer-acc")
        defer { try? FileManager.default.removeItem(at: dir) }
        let t = try makeTrainer(c, out: dir, maxSteps: 2)
        try t.run()
        let rows = try String(contentsOf: dir.appendingPathComponent("train_log.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        XCTAssertEqual(rows.map { $0[0] }, ["1", "2"], "optimiser steps")
        XCTAssertEqual(rows.map { $0[2] }, ["2", "4"], "micro-batches so far")

        let model = MoREModel(config: c, seed: c.optim.seed)
        model.train()
        TrainingRandomness.seed = c.optim.seed
        func backward(_ micro: Int) {
            TrainingRandomness.step = micro
            model.contrastive(t.train.batch(epoch: 0, index: micro)).loss.backward()
        }
        func norm() -> String { String(format: "%.4f", clipGradNorm(model.trainableParameters(), maxNorm: .infinity)) }
        backward(0); let g0 = norm()
        backward(1); let sum = norm()
        model.zeroGrad()
        backward(1); let g1 = norm()
        XCTAssertEqual(rows[0][11], sum, "step 1's gradient norm is that of g₀ + g₁")
        XCTAssertNotEqual(sum, g0)
        XCTAssertNotEqual(sum, g1)
    }

    /// The rows of a log as fields, header left out.
    func rows(_ url: URL) throws -> [[String]] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    /// A run interrupted after its checkpoint left log rows the resumed run writes again: the
    /// resume cuts both logs back to the checkpoint (each step logged once, no validation of an
    /// epoch the checkpoint never finished), says where it starts, and its `elapsed_s` and
    /// `wallSeconds` continue from the checkpoint's instead of restarting at 0.
    func testResumeCutsTheLogsBackToTheCheckpointAndContinuesTheElapsedTime() throws {
        let c = MicroMoRE.config
        let dir = try Fixtures.tempDirectory("trainer-resume-logs")
        defer { try? FileManager.default.removeItem(at: dir) }
        try makeTrainer(c, out: dir, maxSteps: 3).run()
        // What an interruption after step 5 leaves beside the step-3 checkpoint; step 3 is made
        // to have taken 1000 s.
        let log = dir.appendingPathComponent("train_log.csv"), valLog = dir.appendingPathComponent("val_log.csv")
        var lines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n").map(String.init)
        var three = lines[3].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        three[13] = "1000.00"
        lines[3] = three.joined(separator: ",")
        let stale = lines[3].replacingOccurrences(of: "3,0,3,", with: "4,0,4,")
        try (lines + [stale, stale.replacingOccurrences(of: "4,0,4,", with: "5,1,5,")]).map { $0 + "\n" }.joined()
            .write(to: log, atomically: true, encoding: .utf8)
        try (String(contentsOf: valLog, encoding: .utf8) + "1,4,9.0,,,,,,\n").write(to: valLog, atomically: true, encoding: .utf8)

        let resumed = try makeTrainer(c, out: dir, maxSteps: 6, resume: true)
        guard case .resumed(let state) = try resumed.start() else { return XCTFail("\(String(describing: resumed.started))") }
        XCTAssertEqual(state.optimizerStep, 3)
        XCTAssertEqual(resumed.elapsedBefore, 1000)
        let summary = try resumed.run()
        let r = try rows(log)
        XCTAssertEqual(r.map { $0[0] }, ["1", "2", "3", "4", "5", "6"], "every step once")
        XCTAssertTrue(r.dropFirst(3).allSatisfy { Double($0[13])! >= 1000 }, "elapsed_s continues: \(r.map { $0[13] })")
        XCTAssertGreaterThanOrEqual(summary.wallSeconds, 1000)
        XCTAssertEqual(try rows(valLog).map { $0[0] }, ["1"], "epoch 1's validation, logged once, by the resumed run")
        XCTAssertNotEqual(try rows(valLog).first?[2], "9.0")
    }

    /// `resume` in a folder without last.safetensors is a new run, and says so; the rows an
    /// earlier run left without a checkpoint are not kept as a prefix of the new log.
    func testResumeWithoutACheckpointStartsAfreshAndReplacesStaleLogs() throws {
        let c = MicroMoRE.config
        let dir = try Fixtures.tempDirectory("trainer-resume-none")
        defer { try? FileManager.default.removeItem(at: dir) }
        try makeTrainer(c, out: dir, maxSteps: 1).run()
        try FileManager.default.removeItem(at: dir.appendingPathComponent("last.safetensors"))
        let log = dir.appendingPathComponent("train_log.csv")
        try (String(contentsOf: log, encoding: .utf8) + "2,0,2,0,9,,,,,,,0,0,5\n").write(to: log, atomically: true, encoding: .utf8)
        let t = try makeTrainer(c, out: dir, maxSteps: 1, resume: true)
        XCTAssertEqual(try t.start(), .noCheckpoint)
        XCTAssertEqual(t.elapsedBefore, 0)
        try t.run()
        XCTAssertEqual(try rows(log).map { $0[0] }, ["1"])
        XCTAssertEqual(try makeTrainer(c, out: try Fixtures.tempDirectory("trainer-fresh"), maxSteps: 1).start(), .fresh)
    }

    /// A run that `maxSteps` cuts short within its first epoch logs no validation: its summary
    /// has no best validation loss (it used to hold the final pass's loss as "best" beside an
    /// empty val_log.csv), only the final weights' `valLoss`. A run with an epoch's end has both.
    func testASummaryWithoutAnEpochsValidationHasNoBestValLoss() throws {
        let c = MicroMoRE.config
        let dir = try Fixtures.tempDirectory("trainer-nobest")
        defer { try? FileManager.default.removeItem(at: dir) }
        let cut = try makeTrainer(c, out: dir, maxSteps: 2).run()
        XCTAssertNil(cut.bestValLoss)
        XCTAssertNotNil(cut.valLoss)
        XCTAssertEqual(cut.epochs, 0)
        XCTAssertTrue(try rows(dir.appendingPathComponent("val_log.csv")).isEmpty)
        let json = try String(contentsOf: dir.appendingPathComponent("summary.json"), encoding: .utf8)
        XCTAssertFalse(json.contains("bestValLoss"), json)
        let epoch = try makeTrainer(c, out: dir, maxSteps: 4).run()   // 4 steps: exactly one epoch
        let logged = try XCTUnwrap(Double(try rows(dir.appendingPathComponent("val_log.csv")).first?[2] ?? ""))
        XCTAssertEqual(try XCTUnwrap(epoch.bestValLoss), logged, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(epoch.valLoss), logged, accuracy: 1e-6)
    }

    /// `onStep` tells, after every step, the last checkpoint an interruption would keep (what
    /// `more pretrain` says on Ctrl-C): none before the first, then each one once written; it
    /// is the state that RunFolder reads back from last.safetensors' header. Validation passes
    /// report their batches.
    func testOnStepTellsTheLastCheckpointAndValidationReportsItsBatches() throws {
        let c = MicroMoRE.config   // checkpoints every 2 steps, 4 steps per epoch
        let dir = try Fixtures.tempDirectory("trainer-onstep")
        defer { try? FileManager.default.removeItem(at: dir) }
        let t = try makeTrainer(c, out: dir, maxSteps: 5)
        var seen: [(Int, Int?)] = [], passes: [(Int, Int)] = []
        var o = t.options
        o.onStep = { now, ck in seen.append((now.optimizerStep, ck?.optimizerStep)) }
        o.validationProgress = { passes.append(($0, $1)) }
        let traced = Trainer(model: t.model, train: t.train, val: t.val, options: o)
        try traced.run()
        XCTAssertEqual(seen.first?.0, 0)
        XCTAssertNil(seen.first?.1)
        func kept(after step: Int) -> Int? { seen.last { $0.0 == step }.flatMap { $0.1 } }
        XCTAssertNil(kept(after: 1), "\(seen)")
        XCTAssertEqual([2, 3, 4, 5].map(kept), [2, 2, 4, 5], "\(seen)")
        let folder = RunFolder(dir)
        let back = try XCTUnwrap(try folder.lastCheckpoint())
        XCTAssertEqual(back.state, traced.state)
        XCTAssertEqual(back.config, c.name)
        // One validation at the end of epoch 1, one of the final weights at step 5: 2 batches each.
        XCTAssertEqual(passes.map { "\($0.0)/\($0.1)" }, ["1/2", "2/2", "1/2", "2/2"])
    }

    /// RunFolder reads a checkpoint's state from its header; a file that is no checkpoint is an
    /// error naming it.
    func testRunFolderReadsTheHeaderAndNamesABadFile() throws {
        let dir = try Fixtures.tempDirectory("trainer-runfolder")
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = RunFolder(dir)
        XCTAssertNil(try folder.lastCheckpoint())
        XCTAssertEqual(folder.runFiles, [])
        try Data("not a checkpoint at all".utf8).write(to: folder.last)
        XCTAssertThrowsError(try folder.lastCheckpoint()) { e in
            XCTAssertEqual((e as? DataError)?.file, folder.last.path, "\(e)")
        }
        XCTAssertEqual(folder.runFiles, ["last.safetensors"])
    }

    func testDatasetWithoutECGIsRejectedByName() throws {
        let c = MicroMoRE.config
        var s = MicroMoRE.split(8, seed: 1, config: c)
        s.ecg = nil
        XCTAssertThrowsError(try PretrainData(split: s, source: "bad.h5", config: c, tokenizer: try MicroMoRE.tokenizer(),
                                              batchSize: 4, augment: false, seed: 1)) { e in
            XCTAssertTrue("\(e)".contains("bad.h5") && "\(e)".contains("ecg"), "\(e)")
        }
    }
}
