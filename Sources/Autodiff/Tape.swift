// Tape — the reverse sweep.
//
// The nodes reachable from the output, sorted by the order in which they were recorded, form
// the tape; `backward` walks it from the end, calling each node's vector–Jacobian product and
// summing the gradients that meet at a value. A gradient of an intermediate value is released
// as soon as its node has run, so peak memory is that of the forward activations.
//
// Determinism: the order is the recording order, and gradients meeting at a value are summed
// in that order too, so a backward pass is bitwise reproducible.

import TensorCore

extension Variable {
    /// Back-propagates from this value. `seed` is ∂L/∂self; omitted, it is 1 (self must then
    /// have exactly one element, i.e. be a loss).
    public func backward(_ seed: Tensor? = nil) {
        let g0: Tensor
        if let s = seed {
            precondition(s.shape == value.shape, "backward: seed shape \(s.shape) differs from value shape \(value.shape)")
            g0 = s
        } else {
            precondition(value.count == 1, "backward: a seed is required for non-scalar output of shape \(value.shape)")
            g0 = Tensor(shape: value.shape, repeating: 1)
        }
        guard requiresGrad else { return }
        guard node != nil else { accumulate(into: self, g0); return }

        let order = tapeOrder(from: self)
        var pending: [ObjectIdentifier: Tensor] = [ObjectIdentifier(self): g0]
        for v in order.reversed() {
            guard let node = v.node, let g = pending.removeValue(forKey: ObjectIdentifier(v)) else { continue }
            let inputGrads = node.backward(g)
            precondition(inputGrads.count == node.inputs.count,
                         "backward of \(node.op): \(inputGrads.count) gradients for \(node.inputs.count) inputs")
            for (input, gi) in zip(node.inputs, inputGrads) {
                guard input.requiresGrad, let gi else { continue }
                precondition(gi.shape == input.shape,
                             "backward of \(node.op): gradient shape \(gi.shape) for input of shape \(input.shape)")
                if input.node == nil {
                    accumulate(into: input, gi)
                } else {
                    let key = ObjectIdentifier(input)
                    if let prev = pending[key] { pending[key] = prev + gi } else { pending[key] = gi }
                }
            }
        }
    }
}

/// Adds `g` to a leaf's gradient (never in place: `g` may be shared with other nodes).
func accumulate(into leaf: Variable, _ g: Tensor) {
    if let prev = leaf.grad { leaf.grad = prev + g } else { leaf.grad = g.copy() }
}

/// The recorded nodes reachable from `root` (values with a node), in recording order.
public func tapeOrder(from root: Variable) -> [Variable] {
    var seen = Set<ObjectIdentifier>()
    var out: [Variable] = []
    var stack: [Variable] = [root]
    while let v = stack.popLast() {
        guard let node = v.node, seen.insert(ObjectIdentifier(v)).inserted else { continue }
        out.append(v)
        for i in node.inputs where i.node != nil { stack.append(i) }
    }
    out.sort { $0.node!.sequence < $1.node!.sequence }
    return out
}

/// The set of ops on the tape that produced `root`.
public func opsOnTape(_ root: Variable) -> Set<Op> {
    Set(tapeOrder(from: root).compactMap { $0.node?.op })
}
