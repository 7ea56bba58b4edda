// AdamWTests — the optimiser update and gradient clipping against torch.optim.AdamW and
// torch.nn.utils.clip_grad_norm_ (Tests/Golden/nn/expected.json), and the optimiser state a
// checkpoint carries.

import XCTest
import TensorCore
import Autodiff
import TestSupport
@testable import NN

final class AdamWTests: XCTestCase {
    /// Three steps with a changing lr and the bias without a gradient at step 2: parameters after
    /// every step, and the moments and per-parameter step counts at the end, as PyTorch's.
    func testMatchesTorchAdamW() throws {
        let g = try NNGolden.section("adamw")
        let w = Parameter(Tensor(shape: [3, 4], values: try floats(g["weight0"])), requiresGrad: true, name: "weight")
        let b = Parameter(Tensor(shape: [5], values: try floats(g["bias0"])), requiresGrad: true, name: "bias")
        let betas = try XCTUnwrap(g["betas"] as? [Double])
        let opt = AdamW(parameters: [("weight", w), ("bias", b)], lr: 0, betas: (betas[0], betas[1]),
                        eps: try number(g["eps"]), weightDecay: Float(try number(g["weight_decay"])))
        let lrs = try floats(g["lrs"])
        let grads = try XCTUnwrap(g["grads"] as? [[String: Any]])
        let after = try XCTUnwrap(g["after"] as? [[String: Any]])
        for s in 0..<3 {
            opt.lr = lrs[s]
            w.grad = Tensor(shape: [3, 4], values: try floats(grads[s]["weight"]))
            b.grad = grads[s]["bias"] is NSNull ? nil : Tensor(shape: [5], values: try floats(grads[s]["bias"]))
            opt.update()
            assertClose(w.value.scalars, try floats(after[s]["weight"]), abs: 1e-7, rel: 1e-6)
            assertClose(b.value.scalars, try floats(after[s]["bias"]), abs: 1e-7, rel: 1e-6)
        }
        let m = try XCTUnwrap(g["exp_avg"] as? [String: Any]), v = try XCTUnwrap(g["exp_avg_sq"] as? [String: Any])
        assertClose(opt.m["weight"]!.scalars, try floats(m["weight"]), abs: 1e-8, rel: 1e-6)
        assertClose(opt.m["bias"]!.scalars, try floats(m["bias"]), abs: 1e-8, rel: 1e-6)
        assertClose(opt.v["weight"]!.scalars, try floats(v["weight"]), abs: 1e-10, rel: 1e-6)
        assertClose(opt.v["bias"]!.scalars, try floats(v["bias"]), abs: 1e-10, rel: 1e-6)
        let steps = try XCTUnwrap(g["steps"] as? [String: Int])
        XCTAssertEqual(opt.parameterSteps["weight"], steps["weight"])
        XCTAssertEqual(opt.parameterSteps["bias"], steps["bias"], "a skipped parameter keeps its own step count")
        XCTAssertEqual(opt.step, 3)
    }

    /// The state round-trips through `state()`/`load` and the next update is bitwise the same;
    /// a state without per-parameter steps (older checkpoints) gives every parameter the global
    /// step; a malformed step count is a typed error.
    func testStateRoundTrip() throws {
        func make() -> (AdamW, Parameter) {
            let p = Parameter(Tensor(shape: [4], values: [0.5, -1, 2, 0.25]), requiresGrad: true, name: "p")
            return (AdamW(parameters: [("p", p)], lr: 1e-2, weightDecay: 0.1), p)
        }
        let (a, pa) = make()
        for s in 0..<3 { pa.grad = Tensor(shape: [4], values: [0.1, -0.2, 0.3, Float(s)]); a.update() }
        let (b, pb) = make()
        pb.value.assign(pa.value)
        let state = a.state()
        XCTAssertEqual(state.tensors.map(\.0), ["exp_avg.p", "exp_avg_sq.p", "step.p"])
        try b.load(tensors: Dictionary(uniqueKeysWithValues: state.tensors), step: state.step)
        XCTAssertEqual(b.parameterSteps["p"], 3)
        for o in [(a, pa), (b, pb)] { o.1.grad = Tensor(shape: [4], values: [1, 1, -1, 0]); o.0.update() }
        XCTAssertTrue(pa.value.bitwiseEqual(pb.value))

        let (c, _) = make()
        var old = Dictionary(uniqueKeysWithValues: state.tensors)
        old["step.p"] = nil
        try c.load(tensors: old, step: 7)
        XCTAssertEqual(c.parameterSteps["p"], 7)

        var bad = Dictionary(uniqueKeysWithValues: state.tensors)
        bad["step.p"] = Tensor(shape: [1], values: [2.5])
        XCTAssertThrowsError(try c.load(tensors: bad, step: 3)) { e in
            XCTAssertTrue("\(e)".contains("step.p"), "\(e)")
        }
        bad["step.p"] = nil
        bad["exp_avg.p"] = Tensor(zeros: [5])
        XCTAssertThrowsError(try c.load(tensors: bad, step: 3)) { e in
            XCTAssertTrue("\(e)".contains("'p'"), "\(e)")
        }
    }

    /// A parameter without a gradient is left exactly as it was: no weight decay either.
    func testParameterWithoutGradientIsUntouched() {
        let p = Parameter(Tensor(shape: [3], values: [1, 2, 3]), requiresGrad: true, name: "p")
        let opt = AdamW(parameters: [("p", p)], lr: 0.1, weightDecay: 0.5)
        opt.update()
        XCTAssertEqual(p.value.scalars, [1, 2, 3])
        XCTAssertEqual(opt.parameterSteps["p"], 0)
    }

    /// clip_grad_norm_: the returned norm, and gradients scaled by max/(norm + 1e-6) only above
    /// the limit.
    func testClipGradNormMatchesTorch() throws {
        for c in try NNGolden.cases("clip_grad_norm") {
            let a = Parameter(Tensor(zeros: [2, 3]), requiresGrad: true, name: "a")
            let b = Parameter(Tensor(zeros: [4]), requiresGrad: true, name: "b")
            a.grad = Tensor(shape: [2, 3], values: try floats(c["a"]))
            b.grad = Tensor(shape: [4], values: try floats(c["b"]))
            let norm = clipGradNorm([("a", a), ("b", b)], maxNorm: Float(try number(c["max_norm"])))
            XCTAssertEqual(Double(norm), try number(c["norm"]), accuracy: 1e-6)
            assertClose(a.grad!.scalars, try floats(c["a_after"]), abs: 1e-7, rel: 1e-6)
            assertClose(b.grad!.scalars, try floats(c["b_after"]), abs: 1e-7, rel: 1e-6)
        }
    }
}
