// ProjectionHead — MoRE's BN-MLP from a tower's feature to the shared 128-d space
// (three unshared heads: `projector_xray_text`, `projector_ecg_text`, `projector_text`).
//
//   z = BN₂(W₂ ReLU(BN₁(W₁ h)))      W₁: [D, D], W₂: [128, D], both without bias
//
// Names follow the authors' nn.Sequential: `0` Linear, `1` BN, `2` ReLU, `3` Linear, `4` BN.

import TensorCore
import Autodiff
import NN

/// Linear → BN → ReLU → Linear → BN. `h: [B, D]` → `[B, out]`.
public final class ProjectionHead: Module {
    public let fc1: Linear, bn1: BatchNorm1d, fc2: Linear, bn2: BatchNorm1d

    public init(inDim: Int, hidden: Int, outDim: Int, seed: UInt64, name: String) {
        fc1 = Linear(inDim, hidden, bias: false, seed: seed, name: name + ".0")
        bn1 = BatchNorm1d(hidden, name: name + ".1")
        fc2 = Linear(hidden, outDim, bias: false, seed: seed, name: name + ".3")
        bn2 = BatchNorm1d(outDim, name: name + ".4")
    }

    public override var children: [(String, Module)] { [("0", fc1), ("1", bn1), ("3", fc2), ("4", bn2)] }

    /// Features before the last BN are not exposed: the embedding is the head's output.
    public func callAsFunction(_ h: Variable) -> Variable { bn2(fc2(relu(bn1(fc1(h))))) }
}
