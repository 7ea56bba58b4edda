// TorchOracleTests — the whole `tiny` MoRE against its PyTorch twin (Benchmarks/torch_twin):
// the same seeded weights and batch, one forward + backward in both, the loss, every
// parameter gradient and every buffer (BatchNorm running statistics after the forward) compared.
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

    func testTinyMoRELossAndEveryGradientMatchPyTorch() throws {
        let script = try Fixtures.repo("Benchmarks/torch_twin/oracle.py", hint: "the PyTorch twin is part of the repository")
        try Python.require(modules: ["torch", "numpy"], install: "pip install torch==2.13.0+cpu numpy")
        var c = MoREConfig.tiny
        c.dropKey = .constant(0)
        c.text.hiddenDropout = 0
        c.text.attentionDropout = 0
        c.loraDropout = 0
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

        var swiftGrads: [String: Tensor] = [:], torchGrads: [String: Tensor] = [:]
        for (name, p) in model.namedParameters() { if let g = p.grad { swiftGrads[name] = g } }
        for name in st.names where name.hasPrefix("grad.") { torchGrads[String(name.dropFirst(5))] = st[name] }
        XCTAssertGreaterThan(swiftGrads.count, 100, "too few gradients to be the whole model")
        let (agreements, unmatched) = compareGradients(swiftGrads, torchGrads)
        XCTAssertEqual(unmatched, [], "gradients present on one side only")
        var exact: [String: Tensor] = [:]
        for name in st.names where name.hasPrefix("grad64.") { exact[String(name.dropFirst(7))] = st[name] }
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
        var torchBuffers: [String: Tensor] = [:]
        for name in st.names where name.hasPrefix("buffer.") { torchBuffers[String(name.dropFirst(7))] = st[name] }
        let swiftBuffers = Dictionary(uniqueKeysWithValues: model.namedBuffers().map { ($0.0, $0.1.reshaped([$0.1.count])) })
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
