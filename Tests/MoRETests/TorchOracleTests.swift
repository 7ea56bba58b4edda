// TorchOracleTests — the whole `tiny` MoRE against its PyTorch twin (Benchmarks/torch_twin):
// the same seeded weights and batch, one forward + backward in both, the loss, every
// parameter gradient and every buffer (BatchNorm running statistics after the forward) compared;
// and three optimiser steps of the real `Trainer` against PyTorch's textbook training loop
// (`oracle_steps.py`; testThreeTrainerStepsMatchPyTorch explains its bounds).
//
// Swift builds the tiny model (all-MiniLM-L6-v2 loaded when `make fetch-model` has run, else
// the random text tower), gives LoRA's B matrices non-zero values (so A receives a gradient),
// switches every stochastic layer off (DropKey, dropout, LoRA dropout = 0; BatchNorm keeps
// training mode with batch statistics), exports all parameters, the batch and the config to a
// safetensors file, and runs `python3 Benchmarks/torch_twin/oracle.py IN OUT`.
//
// Agreement per tensor: max|g_swift − g_torch| ≤ max(1e-5, 1e-4 · max|g_torch|) — the worst
// element against the tensor's scale, so a gradient whose entries are all tiny is not held to
// a relative bound it cannot meet in float32. The comparator is shown to catch a single wrong
// entry. Skips with a message when python3 cannot import torch and numpy; the project never
// needs torch to build or to pass `make test`.

import Foundation
import XCTest
import TestSupport
import TensorCore
import Autodiff
import NN
import Datasets
@testable import MoRE

/// One tensor's agreement: worst absolute difference and the reference's largest magnitude.
struct GradientAgreement {
    var name: String
    var maxAbsDiff: Float
    var maxAbs: Float
    /// max|Δ| / max|g_torch| (the reported relative difference).
    var relative: Float { maxAbsDiff / max(maxAbs, .leastNormalMagnitude) }
    func passes(rel: Float, abs: Float) -> Bool { maxAbsDiff <= max(abs, rel * maxAbs) }
}

/// Compares gradients by name; a name present on one side only is a failure (returned in `unmatched`).
func compareGradients(_ ours: [String: Tensor], _ theirs: [String: Tensor]) -> (agreements: [GradientAgreement], unmatched: [String]) {
    let unmatched = Set(ours.keys).symmetricDifference(theirs.keys).sorted()
    var out: [GradientAgreement] = []
    for name in ours.keys.sorted() {
        guard let a = ours[name], let b = theirs[name] else { continue }
        guard a.shape == b.shape else {
            out.append(GradientAgreement(name: name + " (shape \(a.shape) vs \(b.shape))", maxAbsDiff: .infinity, maxAbs: 0))
            continue
        }
        let x = a.scalars, y = b.scalars
        out.append(GradientAgreement(name: name, maxAbsDiff: maxAbsDiff(x, y), maxAbs: y.reduce(0) { max($0, Swift.abs($1)) }))
    }
    return (out, unmatched)
}

final class TorchOracleTests: XCTestCase {
    static let relTolerance: Float = 1e-4
    static let absTolerance: Float = 1e-5
    /// Bounds of the three-step comparison. AdamW divides each gradient by its running
    /// magnitude, so float32 differences in small gradient entries become differences of
    /// about the learning rate in the update, and they grow with each step: the BatchNorm
    /// statistics agree to < 1e-3 and the updates of every parameter the loss depends on to
    /// < 2e-2 (relative L2); a wrong learning rate in one of the steps moves an update by ~17 %
    /// and the losses and norms of steps 2–3 by 4–24 %. The losses and norms are compared with
    /// PyTorch's float64 run (`stepsBound`): both float32 implementations are off from it by up
    /// to 2e-3 at step 3 (1 Dec 2026: Swift's norm 1.4e-3 above, PyTorch's 1.9e-3 below).
    static let stepsTolerance: Float = 3e-3

    /// How far a float32 loss or gradient norm of the three-step run may be from PyTorch's float64
    /// value `exact`: 3e-3 relative, or three times PyTorch's own float32 error when that is larger.
    /// That error depends on the host's kernels: PyTorch's step-3 norm moved by 3e-3 between an
    /// AVX2 host (Zen 3) and an AVX-512 one (Zen 5); Swift's is the same bits on every host.
    static func stepsBound(exact: Float, torch: Float) -> Float {
        max(absTolerance, stepsTolerance * Swift.abs(exact), 3 * Swift.abs(torch - exact))
    }
    static let bufferTolerance: Float = 5e-3
    static let updateTolerance: Float = 5e-2

    /// `tiny` with every stochastic layer off (DropKey, dropouts, LoRA dropout = 0); BatchNorm
    /// keeps training mode with batch statistics.
    static var deterministicTiny: MoREConfig {
        var c = MoREConfig.tiny
        c.dropKey = .constant(0)
        c.text.hiddenDropout = 0
        c.text.attentionDropout = 0
        c.loraDropout = 0
        return c
    }

    /// A script of the twin; skips (with the command to run) when torch or numpy is missing.
    static func twinScript(_ name: String) throws -> URL {
        let script = try Fixtures.committed("Benchmarks/torch_twin/" + name)
        try Python.require(modules: ["torch", "numpy"], install: "pip install torch==2.13.0+cpu numpy")
        return script
    }

    /// The tensors of `st` whose names start with `prefix`, keyed by the rest of the name.
    static func section(_ st: SafetensorsFile, _ prefix: String) -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for name in st.names where name.hasPrefix(prefix) { out[String(name.dropFirst(prefix.count))] = st[name] }
        return out
    }

    /// Every buffer of `model`, flattened (the twin writes them 1-D).
    static func flatBuffers(_ model: MoREModel) -> [String: Tensor] {
        Dictionary(uniqueKeysWithValues: model.namedBuffers().map { ($0.0, $0.1.reshaped([$0.1.count])) })
    }

    func testTinyMoRELossAndEveryGradientMatchPyTorch() throws {
        let script = try Self.twinScript("oracle.py")
        let c = Self.deterministicTiny
        let model = MoREModel(config: c, seed: 7)
        if let folder = try? Fixtures.miniLM() { try model.textModel.loadPretrained(folder: folder) }
        var rng = RNG(seed: 5, stream: RNG.stream("torch-oracle"))
        for (name, p) in model.namedParameters() where name.contains(".lora_B.") {
            p.value.withUnsafeMutableBufferPointer { b in for i in b.indices { b[i] = 0.02 * rng.normal() } }
        }
        let batch = oracleBatch(c, count: 4, length: 24, rng: &rng)

        model.train()
        TrainingRandomness.seed = 1
        TrainingRandomness.step = 0
        let loss = model.contrastive(batch).loss
        loss.backward()

        let dir = try Fixtures.tempDirectory("torch-oracle")
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.safetensors"), output = dir.appendingPathComponent("out.safetensors")
        var tensors = model.namedParameters().map { ("param." + $0.0, $0.1.value) }
        tensors += batch.twinTensors(prefix: "batch.")
        let trainable = model.trainableParameters().map(\.0).sorted()
        let meta = ["config": String(decoding: try JSONEncoder().encode(c), as: UTF8.self),
                    "trainable": String(decoding: try JSONEncoder().encode(trainable), as: UTF8.self)]
        try writeSafetensors(tensors, metadata: meta, to: input)
        try Python.runScript(script.path, [input.path, output.path], modules: ["torch", "numpy"])

        let st = try readSafetensors(output)
        let torchTrainable = try JSONDecoder().decode([String].self, from: Data((st.metadata["trainable"] ?? "[]").utf8))
        XCTAssertEqual(torchTrainable, trainable, "the twin freezes a different set of parameters")

        let ours = loss.value.scalars[0], theirs = try XCTUnwrap(st["loss"]).scalars[0]
        XCTAssertLessThanOrEqual(Swift.abs(ours - theirs), max(Self.absTolerance, Self.relTolerance * Swift.abs(theirs)),
                                 "loss: Swift \(ours), PyTorch \(theirs)")

        var swiftGrads: [String: Tensor] = [:]
        for (name, p) in model.namedParameters() { if let g = p.grad { swiftGrads[name] = g } }
        let torchGrads = Self.section(st, "grad.")
        XCTAssertGreaterThan(swiftGrads.count, 100, "too few gradients to be the whole model")
        let (agreements, unmatched) = compareGradients(swiftGrads, torchGrads)
        XCTAssertEqual(unmatched, [], "gradients present on one side only")
        let exact = Self.section(st, "grad64.")
        let vs64 = Dictionary(uniqueKeysWithValues: compareGradients(swiftGrads, exact).agreements.map { ($0.name, $0) })
        let t64 = Dictionary(uniqueKeysWithValues: compareGradients(torchGrads, exact).agreements.map { ($0.name, $0) })
        for a in agreements where !a.passes(rel: Self.relTolerance, abs: Self.absTolerance) {
            // A gradient that is zero in exact arithmetic (the last LayerNorm bias of a tower feeds
            // a training-mode BatchNorm, whose input gradient sums to 0 over the batch) is float32
            // rounding noise on both sides: there the float64 answer referees, and Swift must be
            // no further from it than 4× PyTorch's own float32 error.
            let ours64 = vs64[a.name]?.maxAbsDiff ?? .infinity, theirs64 = t64[a.name]?.maxAbsDiff ?? 0
            let exactScale = vs64[a.name]?.maxAbs ?? .infinity
            let roundingOnly = exactScale <= theirs64 && ours64 <= 4 * theirs64 + Self.absTolerance
            print("TorchOracle: \(a.name): max|Δ| \(a.maxAbsDiff), max|g_torch| \(a.maxAbs); float64: max|g| \(exactScale), "
                  + "Swift error \(ours64), PyTorch float32 error \(theirs64)")
            if !roundingOnly {
                XCTFail("\(a.name): max|Δ| \(a.maxAbsDiff), max|g_torch| \(a.maxAbs), relative \(a.relative)")
            }
        }
        // Every buffer after the one training-mode forward: each BatchNorm of the ECG stems and
        // the heads updated its running statistics once, as PyTorch's did (momentum 0.1,
        // unbiased running variance), under the same names.
        let torchBuffers = Self.section(st, "buffer."), swiftBuffers = Self.flatBuffers(model)
        XCTAssertGreaterThan(swiftBuffers.count, 10, "too few buffers to be every BatchNorm")
        let (bufferAgreements, bufferUnmatched) = compareGradients(swiftBuffers, torchBuffers)
        XCTAssertEqual(bufferUnmatched, [], "buffers present on one side only")
        for a in bufferAgreements where !a.passes(rel: Self.relTolerance, abs: Self.absTolerance) {
            XCTFail("buffer \(a.name): max|Δ| \(a.maxAbsDiff), max|torch| \(a.maxAbs)")
        }

        let worst = try XCTUnwrap(agreements.max { $0.relative < $1.relative })
        print(String(format: "TorchOracle: loss Swift %.7f PyTorch %.7f; %d gradients; worst %@ relative %.2e (max|Δ| %.2e)",
                     ours, theirs, agreements.count, worst.name, worst.relative, worst.maxAbsDiff))

        // The comparison can fail: one entry off by 1e-3 of its tensor's scale is caught and named.
        let victim = "xray_model.vit_model.blocks.2.attn.qkv.weight"
        let wrong = try XCTUnwrap(swiftGrads[victim]).copy()
        let scale = try XCTUnwrap(agreements.first { $0.name == victim }).maxAbs
        wrong.pointer[17] += 1e-3 * scale
        var corrupted = swiftGrads
        corrupted[victim] = wrong
        let caught = compareGradients(corrupted, torchGrads).agreements.filter { !$0.passes(rel: Self.relTolerance, abs: Self.absTolerance) }
        XCTAssertEqual(caught.map(\.name), [victim])
    }

    /// Three optimiser steps of the real `Trainer` against PyTorch's textbook loop (forward,
    /// backward, `clip_grad_norm_`, `torch.optim.AdamW`, `zero_grad`) on the same start and the same
    /// batches (`Benchmarks/torch_twin/oracle_steps.py`): the composition — clipping before the
    /// update, the learning rate of each step, weight decay on every trainable parameter and on
    /// nothing frozen, gradients cleared between steps, BatchNorm's running statistics moving
    /// once per forward — must be PyTorch's. Compared: each step's loss and pre-clip gradient norm,
    /// every buffer after the steps, every frozen parameter (unchanged, bit for bit), and every
    /// trainable parameter's total update θ₃ − θ₀ against PyTorch's.
    ///
    /// AdamW divides each gradient by its own running magnitude, so a gradient that is zero in
    /// exact arithmetic (a key bias: softmax ignores a shift shared by all keys; the last
    /// LayerNorm bias of a tower, which feeds a training-mode BatchNorm) is rounding noise
    /// turned into an update of about the learning rate, different on each side. Those
    /// parameters do not change the loss — which is why the losses of steps 2 and 3 are compared
    /// — and their updates are reported, not held to the bound.
    func testThreeTrainerStepsMatchPyTorch() throws {
        let script = try Self.twinScript("oracle_steps.py")
        var c = Self.deterministicTiny
        c.optim.batchSize = 4
        c.optim.warmupSteps = 2          // steps 0 and 1 warm up, step 2 is on the cosine
        let steps = 3, n = steps * c.optim.batchSize

        let model = MoREModel(config: c, seed: 7)
        var tokenizer: TextTokenizer = try MicroMoRE.tokenizer()
        if let folder = try? Fixtures.miniLM() {
            try model.textModel.loadPretrained(folder: folder)
            tokenizer = try loadTokenizer(folder: folder)
        }
        var rng = RNG(seed: 11, stream: RNG.stream("torch-oracle-steps"))
        let h = c.xrayImageSize
        let xray = Tensor(shape: [n, h, h]) { p in for i in p.indices { p[i] = rng.uniform() } }
        let ecg = Tensor(shape: [n, c.ecgLeads, c.ecgLength]) { p in for i in p.indices { p[i] = 0.3 * rng.normal() } }
        let findings = ["Moderate cardiomegaly.", "Small left pleural effusion.", "Bibasilar atelectasis.", "Lungs are clear.",
                        "Mild pulmonary edema.", "Right lower lobe pneumonia."]
        let rhythms = ["Sinus rhythm. Normal ECG.", "Atrial fibrillation with rapid ventricular response.",
                       "Sinus bradycardia. Left ventricular hypertrophy.", "Sinus rhythm. Inferior infarct - age undetermined."]
        let split = DatasetSplit(name: "oracle-steps", ids: (0..<n).map { "p\($0)" }, xray: xray, ecg: ecg,
                                 reportXray: (0..<n).map { findings[$0 % findings.count] + (($0 / 3) % 2 == 0 ? "" : " No pneumothorax.") },
                                 reportECG: (0..<n).map { "Vent. rate \(60 + 7 * $0) BPM. " + rhythms[$0 % rhythms.count] })
        let data = try PretrainData(split: split, source: "oracle-steps", config: c, tokenizer: tokenizer,
                                    batchSize: c.optim.batchSize, augment: false, seed: c.optim.seed)
        let start = Dictionary(uniqueKeysWithValues: model.namedParameters().map { ($0.0, $0.1.value.copy()) })
        var tensors = model.namedParameters().map { ("param." + $0.0, start[$0.0]!) }
        tensors += model.namedBuffers().map { ("buffer." + $0.0, $0.1.copy()) }
        for k in 0..<steps { tensors += data.batch(epoch: 0, index: k).twinTensors(prefix: "batch\(k).") }

        let dir = try Fixtures.tempDirectory("torch-oracle-steps")
        defer { try? FileManager.default.removeItem(at: dir) }
        let trainer = Trainer(model: model, train: data, val: nil,
                              options: TrainOptions(outDir: dir.appendingPathComponent("run"), maxSteps: steps, progress: false))
        let lrs = (0..<steps).map { Float(trainer.schedule.lr(at: Double($0))) }
        XCTAssertLessThan(lrs[0], lrs[1], "the steps should cover the warm-up")
        tensors.append(("lr", Tensor(shape: [steps], values: lrs)))
        let input = dir.appendingPathComponent("in.safetensors"), output = dir.appendingPathComponent("out.safetensors")
        try writeSafetensors(tensors, metadata: ["config": String(decoding: try JSONEncoder().encode(c), as: UTF8.self),
                                                 "steps": String(steps)], to: input)
        try trainer.run()
        try Python.runScript(script.path, [input.path, output.path], modules: ["torch", "numpy"])
        let st = try readSafetensors(output)

        // Each step's loss and gradient norm (before clipping), from the trainer's own log.
        let log = try String(contentsOf: dir.appendingPathComponent("run/train_log.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        XCTAssertEqual(log.count, steps)
        // Both float32 implementations are measured against PyTorch's float64 run of the same loop;
        // Swift may be off by 3e-3 relative or by 3× PyTorch's own float32 error, whichever is larger.
        let torchLoss = try XCTUnwrap(st["loss"]).scalars, torchNorm = try XCTUnwrap(st["grad_norm"]).scalars
        let exactLoss = try XCTUnwrap(st["loss64"]).scalars, exactNorm = try XCTUnwrap(st["grad_norm64"]).scalars
        for (k, row) in log.enumerated() {
            let loss = try XCTUnwrap(Float(row[4])), norm = try XCTUnwrap(Float(row[11]))
            for (what, ours, theirs, exact) in [("loss", loss, torchLoss[k], exactLoss[k]), ("gradient norm", norm, torchNorm[k], exactNorm[k])] {
                let bound = Self.stepsBound(exact: exact, torch: theirs)
                XCTAssertLessThanOrEqual(Swift.abs(ours - exact), bound,
                                         "step \(k + 1) \(what): Swift \(ours), PyTorch \(theirs), PyTorch float64 \(exact)")
            }
        }
        XCTAssertGreaterThan(torchNorm[0], c.optim.gradClip ?? .infinity, "the first step should be clipped")

        // Buffers after the three forwards (BatchNorm's running statistics).
        let torchBuffers = Self.section(st, "buffer."), swiftBuffers = Self.flatBuffers(model)
        XCTAssertEqual(Set(swiftBuffers.keys), Set(torchBuffers.keys), "buffers present on one side only")
        for (name, ours) in swiftBuffers {
            guard let theirs = torchBuffers[name] else { continue }
            let e = relativeL2(ours, theirs)
            XCTAssertLessThanOrEqual(e, Self.bufferTolerance, "buffer \(name): relative L2 difference \(e)")
        }

        // Parameters: frozen ones untouched on both sides; trainable ones moved as PyTorch moved them.
        let trainable = Set(model.trainableParameters().map(\.0))
        var oursUpdate: [String: Tensor] = [:], theirsUpdate: [String: Tensor] = [:]
        for (name, p) in model.namedParameters() {
            let theirs = try XCTUnwrap(st["param." + name], "\(name) missing from the twin's output")
            let before = try XCTUnwrap(start[name])
            if trainable.contains(name) {
                oursUpdate[name] = p.value - before
                theirsUpdate[name] = theirs.reshaped(before.shape) - before
            } else {
                XCTAssertEqual(p.value.scalars, before.scalars, "\(name) is frozen but the trainer changed it")
                XCTAssertEqual(theirs.scalars, before.scalars, "\(name) is frozen but PyTorch changed it")
            }
        }
        // Directions the loss does not depend on: a key bias, each vision tower's last LayerNorm
        // bias and the text tower's last output LayerNorm bias (a shift that the head's BatchNorm removes).
        let lastText = "text_model.encoder.layer.\(c.text.layers - 1).output.LayerNorm.bias"
        let invariant = { (name: String) in
            name.hasSuffix(".attention.self.key.bias") || name.hasSuffix(".vit_model.norm.bias") || name == lastText
        }
        XCTAssertEqual(Set(oursUpdate.keys), Set(theirsUpdate.keys))
        XCTAssertGreaterThan(oursUpdate.count, 100, "too few trainable tensors to be the whole model")
        var worst = ("", Float(0))
        for name in oursUpdate.keys.sorted() {
            let e = relativeL2(oursUpdate[name]!, theirsUpdate[name]!)
            if invariant(name) {
                print("TorchOracle steps: \(name) (the loss does not depend on it): relative L2 difference of the updates \(e)")
            } else {
                XCTAssertLessThanOrEqual(e, Self.updateTolerance, "\(name): update differs from PyTorch's by \(e) (relative L2)")
                if e > worst.1 { worst = (name, e) }
            }
        }
        print(String(format: "TorchOracle steps: losses Swift %@ / PyTorch %@ / PyTorch float64 %@; norms Swift %@ / PyTorch %@ / float64 %@; %d trainable tensors, worst %@ relative L2 %.2e",
                     log.map { String($0[4]) }.joined(separator: " "), torchLoss.map { String(format: "%.6f", $0) }.joined(separator: " "),
                     exactLoss.map { String(format: "%.6f", $0) }.joined(separator: " "),
                     log.map { String($0[11]) }.joined(separator: " "), torchNorm.map { String(format: "%.4f", $0) }.joined(separator: " "),
                     exactNorm.map { String(format: "%.4f", $0) }.joined(separator: " "),
                     oursUpdate.count, worst.0, worst.1))

        // The comparison can fail: an update 10 % too large (as a wrong learning rate would give) is caught.
        let victim = "xray_model.vit_model.blocks.1.mlp.fc1.weight"
        XCTAssertGreaterThan(relativeL2(try XCTUnwrap(oursUpdate[victim]).scaled(by: 1.1), try XCTUnwrap(theirsUpdate[victim])), Self.updateTolerance)
    }

    /// ‖a − b‖₂ / ‖b‖₂ over all elements.
    func relativeL2(_ a: Tensor, _ b: Tensor) -> Float {
        let x = a.scalars, y = b.scalars
        precondition(x.count == y.count)
        var d = 0.0, r = 0.0
        for i in x.indices { d += Double(x[i] - y[i]) * Double(x[i] - y[i]); r += Double(y[i]) * Double(y[i]) }
        return Float((d / max(r, .leastNormalMagnitude)).squareRoot())
    }

    /// Four patients: images in [0, 1], ECGs ~ N(0, 0.3²), report pairs of real-range WordPiece ids
    /// ([CLS] a [SEP] b [SEP], segment ids 0/1) with different lengths and padding.
    func oracleBatch(_ c: MoREConfig, count n: Int, length: Int, rng: inout RNG) -> MoREBatch {
        let h = c.xrayImageSize
        let xray = Tensor(shape: [n, h, h]) { p in for i in p.indices { p[i] = rng.uniform() } }
        let ecg = Tensor(shape: [n, c.ecgLeads, c.ecgLength]) { p in for i in p.indices { p[i] = 0.3 * rng.normal() } }
        var ids = [Int](repeating: 0, count: n * length), types = ids, mask = ids
        for b in 0..<n {
            let used = length - 3 * b, sep = used / 2
            for t in 0..<used {
                ids[b * length + t] = t == 0 ? 101 : (t == sep || t == used - 1) ? 102 : 1000 + rng.int(below: 28_000)
                types[b * length + t] = t > sep ? 1 : 0
                mask[b * length + t] = 1
            }
        }
        return MoREBatch(xray: xray, ecg: ecg, text: TokenBatch(ids: ids, typeIds: types, mask: mask, batch: n, length: length))
    }
}
