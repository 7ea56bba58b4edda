// more bench train — wall time of one MoRE pre-training step (default: `tiny`, batch 32) with
// 1 and 2 threads, a per-phase breakdown, and the PyTorch twin beside it when available.
//
// The step is the trainer's step, cut at the embeddings so each phase can be timed on its own:
// every tower's forward, the loss (forward and backward from detached embeddings), every
// tower's backward (seeded with ∂L/∂z), and the optimiser (clipping, AdamW, zeroing). The
// parameter gradients are exactly those of `loss.backward()` on the whole graph (the towers'
// parameters are disjoint, and ∂L/∂z is the same sum). Each thread count gets one warm-up step,
// then `--steps` timed steps; medians are reported. The batch is the first batch of
// `<data>/pretrain_train.h5` (a `more data synth` folder; `--batches N` cycles through its
// first N, whose token counts differ as in training; the twin gets the same N) or, without `--data`, random
// images and ECGs of the config's shapes with a fixed set of real-looking report pairs
// (tokenized by the config's text model; a config without one — `paper`, random-init
// RoBERTa-base — gets random token ids of a report's length, padded as the config pads).
// `--batch N` overrides the config's batch size: `more bench train --config paper --batch 2
// --no-torch` times one step of the authors' full-size model.
//
// `--clock cpu` reports process CPU time (all threads) instead of wall time: on a busy shared
// machine it removes the time the process waited for a core.
//
// Output, one line per thread count, then the breakdown:
//
//     train_step threads swift_ms torch_ms ratio swift_peak_rss_mb torch_peak_rss_mb
//     phase threads name ms
//
// The torch columns come from `Benchmarks/torch_twin/more_tiny.py` (the PyTorch twin), run
// after the Swift steps of each thread count as `python3 more_tiny.py --threads T --steps S
// --clock C --batch FILE`, where FILE (a temporary safetensors file) holds this very batch and
// the config as JSON; the twin's step is the same (forward, loss, backward, clipping, AdamW,
// zeroing, with the config's DropKey and dropouts) and it reports its median and its own peak
// RSS. When python3, torch or the script is missing, the columns read `n/a`. Measures only;
// asserts nothing (the engine's correctness is in the test targets, the twin's agreement in
// Tests/MoRETests/TorchOracleTests.swift).

import ArgumentParser
import Foundation
import TensorCore
import Autodiff
import NN
import MoRE
import Datasets

struct BenchTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "One MoRE training step (tiny, batch 32): Swift vs PyTorch, 1 and 2 threads, with a per-phase breakdown.")

    @Option(name: .long, help: "Config name (tiny, paper) or a JSON file of overrides.")
    var config = "tiny"

    @Option(name: .long, help: "Dataset folder with pretrain_train.h5 (default: random inputs of the right shapes).")
    var data: String?

    @Option(name: .customLong("batch"), help: "Batch size (default: the config's).")
    var batchSize: Int?

    @Option(name: .long, help: "Comma-separated thread counts to measure.")
    var threads = "1,2"

    @Option(name: .long, help: "Timed steps per thread count (after one warm-up step); the median is reported.")
    var steps = 5

    @Option(name: .long, help: "Cycle through the first N batches of --data instead of repeating the first (token counts change from step to step, as in training); the PyTorch twin cycles through the same batches.")
    var batches = 1

    @Option(name: .long, help: "The PyTorch twin (default: Benchmarks/torch_twin/more_tiny.py in the repository).")
    var torchScript: String?

    @Flag(name: .long, help: "Do not run the PyTorch twin.")
    var noTorch = false

    @Option(name: .long, help: "Clock: 'wall' (default) or 'cpu' (process CPU time of all threads; on a busy shared machine, with 1 thread, the step's compute time).")
    var clock = "wall"

    /// Phase names in the order they run.
    static let phases = ["text_fwd", "xray_fwd", "ecg_fwd", "loss", "text_bwd", "xray_bwd", "ecg_bwd", "optimizer"]

    func validate() throws {
        guard clock == "wall" || clock == "cpu" else { throw ValidationError("--clock must be 'wall' or 'cpu', got '\(clock)'") }
        guard steps >= 1 else { throw ValidationError("--steps must be at least 1, got \(steps)") }
        guard batches >= 1 else { throw ValidationError("--batches must be at least 1, got \(batches)") }
        if batches > 1 {
            guard data != nil else { throw ValidationError("--batches \(batches) needs --data (random inputs are one batch)") }
        }
    }

    func run() throws {
        let counts = try threads.split(separator: ",", omittingEmptySubsequences: false).map { s -> Int in
            guard let t = Int(s.trimmingCharacters(in: .whitespaces)), t >= 1 else {
                throw ValidationError("--threads: '\(s)' is not a positive thread count (e.g. --threads 1,2)")
            }
            return t
        }
        if let given = torchScript, !FileManager.default.fileExists(atPath: given) {
            throw ValidationError("--torch-script \(given): no such file")
        }
        var c = try MoREConfig.load(config)
        if let batchSize {
            guard batchSize >= 2 else { throw ValidationError("--batch must be at least 2 (InfoNCE needs negatives), got \(batchSize)") }
            c.optim.batchSize = batchSize
        }
        let model = try buildModel(c)
        let cycle = try makeBatches(c)
        let batch = cycle[0]
        let torchBatches = try noTorch ? nil : exportForTwin(cycle, config: c)
        defer { if let folder = torchBatches?.first?.deletingLastPathComponent() { try? FileManager.default.removeItem(at: folder) } }
        let optimizer = AdamW(parameters: model.trainableParameters(), lr: Float(c.optim.learningRate),
                              weightDecay: c.optim.weightDecay)
        TrainingRandomness.seed = c.optim.seed
        let pool = ThreadPool.shared, saved = pool.threadCount
        defer { pool.setThreadCount(saved) }
        let script = torchScript ?? defaultScript()
        let source = cycle.count > 1 ? "cycling \(cycle.count) batches" : "text length \(batch.text.length)"
        print("# train_step threads swift_ms torch_ms ratio swift_peak_rss_mb torch_peak_rss_mb   (config \(c.name), batch \(batch.count), \(source), median of \(steps) steps after a warm-up, \(clock) clock; GEMM kernel: \(gemmKernelLayout))")
        var breakdown: [(Int, [String: Double])] = []
        var step = 0
        for t in counts {
            pool.setThreadCount(t)
            var totals: [Double] = []
            var perPhase: [String: [Double]] = [:]
            for i in 0...steps {
                let (total, phases) = timedStep(model: model, optimizer: optimizer, batch: cycle[i % cycle.count], step: step, clip: c.optim.gradClip)
                step += 1
                if i == 0 { continue }   // warm-up
                totals.append(total)
                for (k, v) in phases { perPhase[k, default: []].append(v) }
            }
            let swiftMs = median(totals) * 1000
            let rss = peakRSSMegabytes()
            let torch = torchBatches.flatMap { torchStep(script: script, batches: $0, threads: t, steps: steps) }
            let torchText = torch.map { String(format: "%.1f", $0.ms) } ?? "n/a"
            let ratio = torch.map { String(format: "%.2f", swiftMs / $0.ms) } ?? "n/a"
            let torchRSS = torch.map { String(format: "%.0f", $0.rssMB) } ?? "n/a"
            print("train_step \(t) \(String(format: "%.1f", swiftMs)) \(torchText) \(ratio) \(String(format: "%.0f", rss)) \(torchRSS)")
            breakdown.append((t, perPhase.mapValues { median($0) * 1000 }))
        }
        print("# phase threads name ms   (medians; the phases sum to about the step)")
        for (t, phases) in breakdown {
            for name in BenchTrain.phases { print("phase \(t) \(name) \(String(format: "%.1f", phases[name] ?? .nan))") }
        }
    }

    /// One training step, phase by phase; (total seconds, seconds per phase).
    func timedStep(model: MoREModel, optimizer: AdamW, batch: MoREBatch, step: Int, clip: Float?) -> (Double, [String: Double]) {
        var phases: [String: Double] = [:]
        var mark = now()
        let start = mark
        func lap(_ name: String) { let t = now(); phases[name] = t - mark; mark = t }
        TrainingRandomness.step = step
        model.train()
        let zt = model.embedText(batch.text); lap("text_fwd")
        let zx = model.embedXray(batch.xray); lap("xray_fwd")
        let ze = model.embedECG(batch.ecg); lap("ecg_fwd")
        // The loss on detached embeddings, so its backward stops at ∂L/∂z.
        let lt = Variable(zt.value, requiresGrad: true), lx = Variable(zx.value, requiresGrad: true)
        let le = Variable(ze.value, requiresGrad: true)
        var acc: [String: PairAccuracy] = [:]
        let loss = symmetricInfoNCE(lt, lx, temperature: model.temperature, names: ("t", "x"), accuracy: &acc)
            + symmetricInfoNCE(lt, le, temperature: model.temperature, names: ("t", "e"), accuracy: &acc)
        loss.backward(); lap("loss")
        if let g = lt.grad { zt.backward(g) }; lap("text_bwd")
        if let g = lx.grad { zx.backward(g) }; lap("xray_bwd")
        if let g = le.grad { ze.backward(g) }; lap("ecg_bwd")
        let params = optimizer.parameters
        _ = clipGradNorm(params, maxNorm: clip ?? .infinity)
        optimizer.update()
        model.zeroGrad(); lap("optimizer")
        return (mark - start, phases)
    }

    /// The first `--batches` batches of `<data>/pretrain_train.h5` (epoch 0, made as in training:
    /// augmented only when the config's `augment` is on, which `tiny`'s is not), or one batch of
    /// random inputs with fixed report pairs (random token ids when the config has no pretrained
    /// text model).
    func makeBatches(_ c: MoREConfig) throws -> [MoREBatch] {
        let n = c.optim.batchSize
        if data == nil && c.textModel.isEmpty {
            var rng = RNG(seed: c.optim.seed, stream: RNG.stream("bench-train"))
            let (xray, ecg) = randomInputs(c, rng: &rng)
            return [MoREBatch(xray: xray, ecg: ecg, text: randomTokens(c, rng: &rng))]
        }
        let tokenizer = try textTokenizer(c)
        if let data {
            let url = URL(fileURLWithPath: data).appendingPathComponent("pretrain_train.h5")
            let split = try readHDF5(url)
            let d = try PretrainData(split: split, source: url.path, config: c, tokenizer: tokenizer, batchSize: n,
                                     augment: true, seed: c.optim.seed)
            let available = d.batchesPerEpoch
            guard batches <= available else {
                throw ValidationError("--batches \(batches): \(url.path) has only \(available) batches of \(n)")
            }
            return (0..<batches).map { d.batch(epoch: 0, index: $0) }
        }
        var rng = RNG(seed: c.optim.seed, stream: RNG.stream("bench-train"))
        let (xray, ecg) = randomInputs(c, rng: &rng)
        let rows = (0..<n).map { BenchTrain.reports[$0 % BenchTrain.reports.count] }
        let enc = try tokenizeReports(xrayReports: rows.map(\.0), ecgReports: rows.map(\.1), tokenizer: tokenizer, config: c)
        return [MoREBatch(xray: xray, ecg: ecg, text: tokenBatch(enc, rows: Array(0..<n), padToMax: c.textPooling == .paddedMean))]
    }

    /// Images uniform in [0, 1] `[B, H, W]` and ECGs ~ N(0, 0.3²) `[B, 12, L]` of the config's shapes.
    func randomInputs(_ c: MoREConfig, rng: inout RNG) -> (Tensor, Tensor) {
        let n = c.optim.batchSize
        let xray = Tensor(shape: [n, c.xrayImageSize, c.xrayImageSize]) { p in for i in p.indices { p[i] = rng.uniform() } }
        let ecg = Tensor(shape: [n, c.ecgLeads, c.ecgLength]) { p in for i in p.indices { p[i] = 0.3 * rng.normal() } }
        return (xray, ecg)
    }

    /// Random token ids (no tokenizer, no download) clear of the special tokens, 70–109 per
    /// row (a report pair's length), padded to the config's max length under the authors'
    /// padded mean, else to the longest row. `[B, T]`.
    func randomTokens(_ c: MoREConfig, rng: inout RNG) -> TokenBatch {
        let n = c.optim.batchSize
        let lengths = (0..<n).map { _ in min(c.textMaxLength, 70 + rng.int(below: 40)) }
        let length = c.textPooling == .paddedMean ? c.textMaxLength : (lengths.max() ?? 1)
        let pad = c.text.padTokenId
        var ids = [Int](repeating: pad, count: n * length), mask = [Int](repeating: 0, count: n * length)
        let low = pad + 3, high = c.text.vocabSize   // clear of the special tokens
        for (b, used) in lengths.enumerated() {
            for t in 0..<used {
                ids[b * length + t] = low + rng.int(below: high - low)
                mask[b * length + t] = 1
            }
        }
        return TokenBatch(ids: ids, typeIds: [Int](repeating: 0, count: n * length), mask: mask, batch: n, length: length)
    }

    /// Writes the batch and the config (text model folder made absolute) for the twin to a
    /// temporary folder; returns the file.
    func exportForTwin(_ batches: [MoREBatch], config c: MoREConfig) throws -> [URL] {
        var c = c
        if !c.textModel.isEmpty, let folder = try? resolveTextModelFolder(c.textModel) { c.textModel = folder.path }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("more-bench-train-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let config = String(decoding: try JSONEncoder().encode(c), as: UTF8.self)
        return try batches.enumerated().map { i, b in
            let url = dir.appendingPathComponent("batch-\(i).safetensors")
            try writeSafetensors(b.twinTensors(), metadata: ["config": config], to: url)
            return url
        }
    }

    /// Report pairs in the style of MIMIC-CXR / MIMIC-IV-ECG (for runs without a data folder).
    static let reports: [(String, String)] = [
        ("Frontal and lateral views of the chest. There is a new right lower lobe consolidation concerning for pneumonia. Small right pleural effusion. No pneumothorax. Heart size is normal.",
         "Sinus tachycardia. Nonspecific ST-T wave changes. Otherwise normal ECG."),
        ("Cardiomegaly with mild pulmonary vascular congestion and bilateral interstitial opacities, consistent with mild pulmonary edema. Small bilateral pleural effusions.",
         "Atrial fibrillation with rapid ventricular response. Left axis deviation. Poor R wave progression. Abnormal ECG."),
        ("No acute cardiopulmonary process. Lungs are clear. Cardiomediastinal silhouette is within normal limits.",
         "Sinus rhythm. Normal ECG."),
        ("Left lower lobe atelectasis. Stable moderate cardiomegaly. Sternotomy wires are intact. No focal consolidation.",
         "Sinus bradycardia. Left ventricular hypertrophy with repolarization abnormality. Prolonged QT interval."),
    ]

    /// Median of a non-empty list.
    func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : 0.5 * (s[s.count / 2 - 1] + s[s.count / 2])
    }

    /// Seconds on the chosen clock (wall: monotonic; cpu: this process's CPU time).
    func now() -> Double {
        var t = timespec()
        clock_gettime(clock == "cpu" ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    /// Peak resident set size of this process so far, in MB.
    func peakRSSMegabytes() -> Double {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        return Double(u.ru_maxrss) / 1024
    }

    /// Runs the PyTorch twin with `threads` threads: (median step ms, peak RSS MB), or nil
    /// (with the reason on stderr) when python3, torch or the script is missing.
    func torchStep(script: String, batches: [URL], threads: Int, steps: Int) -> (ms: Double, rssMB: Double)? {
        guard FileManager.default.fileExists(atPath: script) else {
            FileHandle.standardError.write(Data("bench train: \(script) not found; torch columns are n/a\n".utf8))
            return nil
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, "--threads", String(threads), "--steps", String(steps), "--clock", clock,
                             "--batch"] + batches.map(\.path)
        let stdout = Pipe()
        process.standardOutput = stdout
        do { try process.run() } catch {
            FileHandle.standardError.write(Data("bench train: cannot start python3 (\(error)); torch columns are n/a\n".utf8))
            return nil
        }
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            FileHandle.standardError.write(Data("bench train: \(script) exited with status \(process.terminationStatus) (is torch installed?); torch columns are n/a\n".utf8))
            return nil
        }
        // The script's last line: "torch_step <threads> <median_ms> <peak_rss_mb>".
        for line in String(decoding: out, as: UTF8.self).split(separator: "\n").reversed() {
            let f = line.split(separator: " ")
            if f.count == 4, f[0] == "torch_step", let ms = Double(f[2]), let rss = Double(f[3]) { return (ms, rss) }
        }
        FileHandle.standardError.write(Data("bench train: no 'torch_step' line from \(script); torch columns are n/a\n".utf8))
        return nil
    }

    /// `Benchmarks/torch_twin/more_tiny.py` under the current directory, else beside this source tree.
    func defaultScript() -> String {
        let local = "Benchmarks/torch_twin/more_tiny.py"
        if FileManager.default.fileExists(atPath: local) { return local }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(local).path
    }
}
