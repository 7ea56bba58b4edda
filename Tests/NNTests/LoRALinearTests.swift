// LoRALinearTests — the adapter as the authors' PEFT call builds it: PEFT's parameter names,
// A ~ kaiming_uniform(a=√5) = U(±1/√in), B = 0 (so training starts at the pretrained layer),
// the base frozen, scaling α/r, and the forward y = x W₀ᵀ + b + (α/r)·x Aᵀ Bᵀ against the
// same product in PyTorch (Tests/Golden/nn/expected.json). Gradients: MoREGradientTests and
// the PyTorch oracle.

import XCTest
import TensorCore
import Autodiff
import TestSupport
@testable import NN

final class LoRALinearTests: XCTestCase {
    func testInitialisationNamesAndFlags() {
        let base = Linear(64, 32, seed: 1, name: "q")
        let before = base.weight.value.scalars
        let lora = LoRALinear(base: base, rank: 16, alpha: 8, dropout: 0.1, seed: 1, name: "q")
        XCTAssertEqual(lora.namedParameters().map(\.0),
                       ["base_layer.weight", "base_layer.bias", "lora_A.weight", "lora_B.weight"])
        XCTAssertEqual(lora.loraA.weight.shape, [16, 64])
        XCTAssertEqual(lora.loraB.weight.shape, [32, 16])
        XCTAssertTrue(lora.loraB.weight.value.scalars.allSatisfy { $0 == 0 })
        let a = lora.loraA.weight.value.scalars
        XCTAssertLessThanOrEqual(a.map(abs).max()!, 1 / Float(64).squareRoot())
        XCTAssertGreaterThan(a.map(abs).max()!, 0.9 / Float(64).squareRoot(), "A fills U(±1/√in)")
        XCTAssertFalse(lora.base.weight.requiresGrad)
        XCTAssertTrue(lora.loraA.weight.requiresGrad && lora.loraB.weight.requiresGrad)
        XCTAssertEqual(lora.scaling, 0.5)
        XCTAssertEqual(base.weight.value.scalars, before, "wrapping leaves the pretrained weight as it was")

        // B = 0: the wrapped layer is the pretrained one until B trains (evaluation: no dropout).
        lora.eval()
        let x = Variable(Tensor(shape: [3, 64]) { p in for i in 0..<p.count { p[i] = Float(i % 7) - 3 } })
        XCTAssertTrue(lora(x).value.bitwiseEqual(base(x).value))
    }

    func testForwardMatchesTorch() throws {
        let g = try NNGolden.section("lora")
        let r = try XCTUnwrap(g["rank"] as? Int), fin = try XCTUnwrap(g["in"] as? Int), fout = try XCTUnwrap(g["out"] as? Int)
        let base = Linear(fin, fout, seed: 0, name: "v")
        base.weight.value.assign(Tensor(shape: [fout, fin], values: try floats(g["base_weight"])))
        base.bias!.value.assign(Tensor(shape: [fout], values: try floats(g["base_bias"])))
        let lora = LoRALinear(base: base, rank: r, alpha: Float(try number(g["alpha"])), dropout: 0.1, seed: 0, name: "v")
        lora.loraA.weight.value.assign(Tensor(shape: [r, fin], values: try floats(g["lora_A"])))
        lora.loraB.weight.value.assign(Tensor(shape: [fout, r], values: try floats(g["lora_B"])))
        lora.eval()
        let y = lora(Variable(Tensor(shape: [3, fin], values: try floats(g["x"]))))
        assertClose(y.value.scalars, try floats(g["y"]), abs: 1e-5, rel: 1e-5)
    }
}
