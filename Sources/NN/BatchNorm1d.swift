// BatchNorm1d — batch normalisation over the batch (and length) axes, PyTorch semantics.
//
//   training: y = (x − μ_B)/√(σ²_B + ε)·γ + β with the batch mean and *biased* variance;
//             running_mean ← (1 − m)·running_mean + m·μ_B,
//             running_var  ← (1 − m)·running_var  + m·σ²_B·n/(n − 1)   (unbiased), m = 0.1
//   eval:     the same with the running statistics.
// Inputs [N, C] (projection heads) or [N, C, L] (the ECG conv stem, statistics over N and L).
//
// With gradient accumulation every micro-batch normalises with its own statistics and
// updates the running statistics once — exactly as PyTorch does in the authors' loop.

import TensorCore
import Autodiff

/// Batch normalisation over `channels` features.
public final class BatchNorm1d: Module {
    public let channels: Int
    public let weight: Parameter
    public let bias: Parameter
    public let runningMean: Tensor
    public let runningVar: Tensor
    /// PyTorch's `num_batches_tracked`, stored as Float for the checkpoint.
    public let batchesTracked: Tensor
    public let momentum: Float
    public let eps: Float

    public init(_ channels: Int, momentum: Float = 0.1, eps: Float = 1e-5, name: String) {
        self.channels = channels
        weight = Parameter(Tensor(shape: [channels], repeating: 1), requiresGrad: true, name: name + ".weight")
        bias = Parameter(Tensor(zeros: [channels]), requiresGrad: true, name: name + ".bias")
        runningMean = Tensor(zeros: [channels])
        runningVar = Tensor(shape: [channels], repeating: 1)
        batchesTracked = Tensor(zeros: [1])
        self.momentum = momentum
        self.eps = eps
    }

    public override var localParameters: [(String, Parameter)] { [("weight", weight), ("bias", bias)] }
    public override var localBuffers: [(String, Tensor)] {
        [("running_mean", runningMean), ("running_var", runningVar), ("num_batches_tracked", batchesTracked)]
    }

    public func callAsFunction(_ x: Variable) -> Variable {
        // x: [N, C] or [N, C, L]
        precondition(x.shape.count >= 2 && x.shape[1] == channels,
                     "BatchNorm1d(\(channels)) at '\(path)': input shape \(x.shape)")
        if isTraining {
            let out = Autodiff.batchNormTrain(x, gamma: weight, beta: bias, eps: eps)
            let m = momentum
            let rm = runningMean.pointer, rv = runningVar.pointer, bm = out.mean.pointer, bv = out.unbiasedVariance.pointer
            for c in 0..<channels {
                rm[c] = (1 - m) * rm[c] + m * bm[c]
                rv[c] = (1 - m) * rv[c] + m * bv[c]
            }
            batchesTracked.pointer[0] += 1
            return out.y
        }
        return Autodiff.batchNormEval(x, runningMean: runningMean, runningVariance: runningVar,
                                      gamma: weight, beta: bias, eps: eps)
    }
}
