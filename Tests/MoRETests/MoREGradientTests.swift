import XCTest
import TestSupport
import TensorCore
import Autodiff
import NN
@testable import MoRE

/// Central-difference check of the full MoRE loss (three towers, heads, InfoNCE) with respect
/// to parameters of every tower, in training mode with fixed DropKey/dropout masks. The
/// parameters are chosen downstream of the ECG stem's ReLUs: a finite-difference step across a
/// ReLU kink is not a gradient error (the conv stem's own gradient is checked op by op).
final class MoREGradientTests: XCTestCase {
    func testFullLossGradientOfMicroMoRE() throws {
        var c = MicroMoRE.config
        c.loss.learnableTemperature = true
        c.loss.temperature = 0.2
        // DropKey off here: with −1e12 added, a logit's dependence on x is lost in Float32
        // (−1e12 + x = −1e12), while the chain rule — here as in PyTorch — still passes a
        // gradient through, so central differences disagree wherever a mask touches a row that
        // matters. The masked attention's gradient is checked op by op with fixed masks
        // (Tests/AutodiffTests/ScaledDotProductAttentionTests.swift, AttentionMaskTests.swift).
        c.dropKey = .constant(0)
        let model = MoREModel(config: c, seed: 3)
        let data = try PretrainData(split: MicroMoRE.split(4, seed: 9, config: c), source: "micro", config: c,
                                    tokenizer: try MicroMoRE.tokenizer(), batchSize: 4, augment: false, seed: 1)
        let batch = data.batch(rows: [0, 1, 2, 3])
        model.train()
        let byName = Dictionary(uniqueKeysWithValues: model.namedParameters())
        // LoRA B starts at 0; give it values so the A-gradient is not trivially zero.
        let loraB = byName["text_model.encoder.layer.0.attention.self.value.lora_B.weight"]!
        loraB.value.withUnsafeMutableBufferPointer { p in for i in p.indices { p[i] = Float(i % 7) * 0.05 - 0.15 } }
        // Two groups, two step sizes. The X-ray tower's features of 4 random-init images are
        // nearly equal, so the X-ray projector's BatchNorm divides by a tiny batch variance and
        // the loss is strongly curved along these parameters: at ε = 1e-3 the central
        // difference was 4–7 % off on 6 of 12 dropout seeds (one-sided differences agreeing, so
        // not a kink), and the error shrank ~30× at ε = 3e-4 — truncation error, not a wrong
        // gradient. Elsewhere gradients are small (LoRA A ~1e-3) and ε = 2e-3 keeps Float32
        // rounding of the loss below tolerance. Measured on dropout seeds 11–30: all pass, 0–1
        // elements at kinks. The PyTorch oracle (TorchOracleTests) checks every gradient
        // without finite differences.
        let xray = ["xray_model.vit_model.cls_token", "xray_model.vit_model.blocks.0.attn.proj.bias"]
        let others = ["temperature", "projector_text.3.weight", "projector_xray_text.4.bias",
                      "ecg_model.vit_model.patch_embed.bn2.bias",
                      "text_model.encoder.layer.0.attention.self.value.lora_A.weight"]
        var ops = Set<Op>()
        for seed: UInt64 in 11...14 {
            TrainingRandomness.seed = seed
            TrainingRandomness.step = 0
            for (names, eps) in [(xray, Float(3e-4)), (others, Float(2e-3))] {
                let r = gradCheck(names.map { byName[$0]! }, eps: eps, atol: 1e-3, rtol: 3e-2, allowKinks: true) { _ in
                    model.contrastive(batch).loss
                }
                XCTAssertTrue(r.passed, "dropout seed \(seed), \(names): \(r)")
                XCTAssertLessThanOrEqual(r.kinks, 3, "too many elements at kinks to call the check a check: \(r)")
                ops.formUnion(r.ops)
            }
        }
        XCTAssertTrue(ops.isSuperset(of: [.crossEntropy, .l2Normalize, .batchNormTrain, .conv1d, .scaledDotProductAttention,
                                            .layerNorm, .dropout, .gelu]), "\(ops)")
    }
}
