// Conv1d layer — 1-D convolution with weight [out, in, k] and bias [out] (PyTorch layout and
// default initialisation U(±1/√(in·k))). The ECG tower's patch embedding is two of these.

import TensorCore
import Autodiff

/// 1-D convolution. `x: [N, in, L]` → `[N, out, (L − k)/stride + 1]`.
public final class Conv1d: Module {
    public let weight: Parameter
    public let bias: Parameter?
    public let stride: Int
    public let kernelSize: Int

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, bias: Bool = true,
                seed: UInt64, name: String) {
        let fanIn = inChannels * kernelSize
        weight = Parameter(Init.kaimingUniform([outChannels, inChannels, kernelSize], fanIn: fanIn, seed: seed, name: name + ".weight"),
                           requiresGrad: true, name: name + ".weight")
        self.bias = bias ? Parameter(Init.uniform([outChannels], bound: 1 / Float(fanIn).squareRoot(), seed: seed, name: name + ".bias"),
                                     requiresGrad: true, name: name + ".bias") : nil
        self.stride = stride
        self.kernelSize = kernelSize
    }

    public override var localParameters: [(String, Parameter)] {
        var p = [("weight", weight)]
        if let b = bias { p.append(("bias", b)) }
        return p
    }

    public func callAsFunction(_ x: Variable) -> Variable {
        Autodiff.conv1d(x, weight: weight, bias: bias, stride: stride)
    }
}
