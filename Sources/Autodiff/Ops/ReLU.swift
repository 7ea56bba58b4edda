// ReLU — y = max(x, 0).  ∂y/∂x = 0 for x ≤ 0, else 1 (0 at the kink, as PyTorch). A NaN input
// passes through both ways, as in PyTorch's threshold (y = NaN, ∂y/∂x = 1): a NaN must reach
// the loss, where the trainer stops on it, not turn into a quiet 0.

import TensorCore

/// y = max(x, 0), NaN → NaN.
public func relu(_ x: Variable) -> Variable {
    let xv = x.value
    return record(.relu, xv.relu(), inputs: [x]) { g in [zipMap(g, xv) { gi, xi in xi <= 0 ? 0 : gi }] }
}
