// BatchNorm1dTests — the module's running statistics (momentum 0.1, unbiased running variance,
// num_batches_tracked) and its switch to them in evaluation, against torch.nn.BatchNorm1d on
// [N, C] (projection heads) and [N, C, L] (ECG stem) inputs. The normalisation and its
// gradients are tested in AutodiffTests (BatchNormTests, GradCheckTests).

import XCTest
import TensorCore
import Autodiff
import TestSupport
@testable import NN

final class BatchNorm1dTests: XCTestCase {
    func testRunningStatisticsAndEvalMatchTorch() throws {
        for c in try NNGolden.cases("batchnorm1d") {
            let shape = try XCTUnwrap(c["shape"] as? [Int])
            let bn = BatchNorm1d(shape[1], name: "bn")
            bn.weight.value.assign(Tensor(shape: [shape[1]], values: try floats(c["weight"])))
            bn.bias.value.assign(Tensor(shape: [shape[1]], values: try floats(c["bias"])))
            let xs = try XCTUnwrap(c["x"] as? [Any]).map { try floats($0) }
            bn.train()
            let y1 = bn(Variable(Tensor(shape: shape, values: xs[0])))
            let y2 = bn(Variable(Tensor(shape: shape, values: xs[1])))
            assertClose(y1.value.scalars, try floats(c["train_y1"]), abs: 1e-5, rel: 1e-5, "\(shape)")
            assertClose(y2.value.scalars, try floats(c["train_y2"]), abs: 1e-5, rel: 1e-5, "\(shape)")
            assertClose(bn.runningMean.scalars, try floats(c["running_mean"]), abs: 1e-6, rel: 1e-5, "\(shape)")
            assertClose(bn.runningVar.scalars, try floats(c["running_var"]), abs: 1e-6, rel: 1e-5, "\(shape)")
            XCTAssertEqual(Int(bn.batchesTracked.scalars[0]), c["num_batches_tracked"] as? Int)
            bn.eval()
            let y3 = bn(Variable(Tensor(shape: shape, values: xs[2])))
            assertClose(y3.value.scalars, try floats(c["eval_y3"]), abs: 1e-5, rel: 1e-5, "\(shape)")
            XCTAssertEqual(Int(bn.batchesTracked.scalars[0]), 2, "evaluation does not count batches")
        }
    }

    /// The running statistics are buffers of the state dict under PyTorch's names, not parameters.
    func testBuffersAreInTheStateDict() {
        let bn = BatchNorm1d(3, name: "bn")
        XCTAssertEqual(bn.namedParameters().map(\.0), ["weight", "bias"])
        XCTAssertEqual(bn.stateDict().map(\.0), ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"])
    }
}
