// ModuleTests — the Module mechanics every layer relies on: dotted PyTorch-style names
// (ModuleList children "0", "1", …), parameters before buffers in the state dict, trainable
// flags, train/eval reaching every descendant, and gradients cleared.

import XCTest
import TensorCore
import Autodiff
import TestSupport
@testable import NN

final class ModuleTests: XCTestCase {
    /// Linear → BatchNorm1d → LayerNorm, as `nn.Sequential` names them.
    func makeStack() -> ModuleList<Module> {
        let m = ModuleList<Module>([Linear(4, 3, seed: 1, name: "0"), BatchNorm1d(3, name: "1"), LayerNorm(3, eps: 1e-5, name: "2")])
        m.assignPaths()
        return m
    }

    func testNamesAndStateDict() {
        let m = makeStack()
        XCTAssertEqual(m.namedParameters().map(\.0), ["0.weight", "0.bias", "1.weight", "1.bias", "2.weight", "2.bias"])
        XCTAssertEqual(m.namedBuffers().map(\.0), ["1.running_mean", "1.running_var", "1.num_batches_tracked"])
        XCTAssertEqual(m.stateDict().count, 9)
        XCTAssertEqual(m.namedParameters(prefix: "head").first?.0, "head.0.weight")
        XCTAssertEqual(m.namedModules().map(\.0), ["", "0", "1", "2"])
        XCTAssertEqual(m[1].path, "1")
        XCTAssertEqual(m.parameterCount, 4 * 3 + 3 + 3 + 3 + 3 + 3)
    }

    func testTrainableFlagsAndModes() {
        let m = makeStack()
        XCTAssertEqual(m.trainableParameterCount, m.parameterCount)
        m[0].setTrainable(false)
        XCTAssertEqual(m.trainableParameters().map(\.0), ["1.weight", "1.bias", "2.weight", "2.bias"])
        m.eval()
        XCTAssertTrue(m.namedModules().allSatisfy { !$0.1.isTraining })
        m.train()
        XCTAssertTrue(m.namedModules().allSatisfy { $0.1.isTraining })
        m[1].eval()
        XCTAssertEqual(m.namedModules().map(\.1.isTraining), [true, true, false, true], "a subtree switches alone")
    }

    func testZeroGrad() {
        let m = makeStack()
        for (_, p) in m.namedParameters() { p.grad = Tensor(shape: p.shape, repeating: 1) }
        m.zeroGrad()
        XCTAssertTrue(m.namedParameters().allSatisfy { $0.1.grad == nil })
    }
}
