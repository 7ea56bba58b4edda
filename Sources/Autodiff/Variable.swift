// Variable — a tensor that remembers how it was computed, so gradients can flow back to it.
//
// Define-by-run: every differentiable op (one file each in Ops/) computes its forward value
// with TensorCore kernels and, when gradients are wanted, records a `Node` holding its inputs
// and a backward closure. The graph *is* the tape: the nodes reachable from the loss, in the
// order they were recorded, are a topological order; `backward()` walks it in reverse
// (Tape.swift). Leaves that `requiresGrad` (parameters) accumulate into `grad`.
//
// Not here: optimisers (NN), parameter naming (NN.Module).

import TensorCore

/// A node of the computation graph: the op that produced a value, its inputs, and the
/// vector–Jacobian product mapping the output gradient to one gradient per input.
public final class Node {
    public let op: Op
    public let inputs: [Variable]
    /// gOut ↦ [gInput₀, gInput₁, …] (nil for an input that needs no gradient).
    let backward: (Tensor) -> [Tensor?]
    /// Recording order (a global counter): larger = later.
    let sequence: Int

    init(op: Op, inputs: [Variable], sequence: Int, backward: @escaping (Tensor) -> [Tensor?]) {
        self.op = op
        self.inputs = inputs
        self.sequence = sequence
        self.backward = backward
    }
}

/// A value in the computation graph.
///
///     let w = Variable(Tensor(shape: [3, 2], repeating: 0.1), requiresGrad: true)
///     let loss = mean(matmul(x, w))
///     loss.backward()
///     w.grad        // ∂loss/∂w, shape [3, 2]
public final class Variable {
    /// The forward value.
    public var value: Tensor
    /// Accumulated gradient ∂L/∂value (leaves only; nil until a backward pass reaches it).
    public var grad: Tensor?
    /// Whether gradients flow to (or through) this value. Settable on leaves, so a
    /// parameter can be frozen or unfrozen (LoRA freezes the pretrained text model).
    public var requiresGrad: Bool
    /// The node that produced this value (nil for leaves and values computed under `noGrad`).
    public let node: Node?
    /// Optional name, used in error messages and gradient-check reports.
    public var name: String

    /// A leaf: data or a parameter.
    public init(_ value: Tensor, requiresGrad: Bool = false, name: String = "") {
        self.value = value
        self.requiresGrad = requiresGrad
        self.node = nil
        self.name = name
    }

    init(value: Tensor, node: Node) {
        self.value = value
        self.requiresGrad = true
        self.node = node
        self.name = ""
    }

    /// Shape of the value.
    public var shape: [Int] { value.shape }
    /// True for a value not produced by a recorded op.
    public var isLeaf: Bool { node == nil }

    /// The same value, cut from the graph.
    public func detached() -> Variable { Variable(value, requiresGrad: false, name: name) }

    /// Clears the accumulated gradient.
    public func zeroGrad() { grad = nil }
}

/// Records an op: returns a Variable holding `value` and, when gradient recording is on and
/// some input requires a gradient, a node with `backward`.
///
/// `backward` receives ∂L/∂output (shape of `value`) and returns one gradient per input in
/// the same order (shape of that input), or nil where none is needed.
public func record(_ op: Op, _ value: Tensor, inputs: [Variable], backward: @escaping (Tensor) -> [Tensor?]) -> Variable {
    guard GradMode.isEnabled, inputs.contains(where: { $0.requiresGrad }) else {
        return Variable(value)
    }
    let node = Node(op: op, inputs: inputs, sequence: GradMode.nextSequence(), backward: backward)
    return Variable(value: value, node: node)
}
