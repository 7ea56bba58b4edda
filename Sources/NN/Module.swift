// Module — the building block of every network: named parameters in dotted paths (exactly
// like a PyTorch `state_dict`: `blocks.3.attn.qkv.weight`), buffers (BatchNorm running
// statistics), trainable/frozen flags, and train/eval mode.
//
// A module lists its own parameters and buffers (`localParameters`, `localBuffers`) and its
// sub-modules (`children`) by name; everything else — full names, counting, freezing,
// switching mode, giving each stochastic layer its own random stream — is derived here.
// Names are explicit rather than reflected so that they can match checkpoints from other
// frameworks (Hugging Face BERT names for the text tower, timm names for the ViTs).
//
// Not here: the forward computations (each layer's own file), optimisers (AdamW.swift).

import TensorCore
import Autodiff

/// A trainable tensor: a leaf Variable whose `requiresGrad` is its trainable flag.
public typealias Parameter = Variable

/// Base class of all layers and models.
open class Module {
    /// Training mode (batch statistics in BatchNorm, dropout and DropKey active).
    public private(set) var isTraining = true
    /// The module's dotted path inside its root ("" for the root); set by `assignPaths()`.
    public internal(set) var path = ""

    public init() {}

    /// Parameters owned directly by this module, by local name.
    open var localParameters: [(String, Parameter)] { [] }
    /// Non-trainable state saved with the parameters (e.g. BatchNorm running statistics).
    open var localBuffers: [(String, Tensor)] { [] }
    /// Sub-modules by local name.
    open var children: [(String, Module)] { [] }

    /// All parameters with their full dotted names, depth-first in declaration order.
    public func namedParameters(prefix: String = "") -> [(String, Parameter)] {
        var out = localParameters.map { (join(prefix, $0.0), $0.1) }
        for (name, child) in children { out += child.namedParameters(prefix: join(prefix, name)) }
        return out
    }

    /// All buffers with full dotted names.
    public func namedBuffers(prefix: String = "") -> [(String, Tensor)] {
        var out = localBuffers.map { (join(prefix, $0.0), $0.1) }
        for (name, child) in children { out += child.namedBuffers(prefix: join(prefix, name)) }
        return out
    }

    /// Parameters and buffers together: what a checkpoint stores.
    public func stateDict() -> [(String, Tensor)] {
        namedParameters().map { ($0.0, $0.1.value) } + namedBuffers()
    }

    /// All sub-modules (including self) with full names.
    public func namedModules(prefix: String = "") -> [(String, Module)] {
        var out: [(String, Module)] = [(prefix, self)]
        for (name, child) in children { out += child.namedModules(prefix: join(prefix, name)) }
        return out
    }

    /// Parameters that currently receive gradients.
    public func trainableParameters() -> [(String, Parameter)] { namedParameters().filter { $0.1.requiresGrad } }

    /// Total number of parameter elements.
    public var parameterCount: Int { namedParameters().reduce(0) { $0 + $1.1.value.count } }
    /// Number of trainable parameter elements.
    public var trainableParameterCount: Int { trainableParameters().reduce(0) { $0 + $1.1.value.count } }

    /// Switches this module and every descendant to training (true) or evaluation (false).
    public func train(_ on: Bool = true) {
        for (_, m) in namedModules() { m.isTraining = on }
    }
    /// Evaluation mode.
    public func eval() { train(false) }

    /// Freezes (or unfreezes) every parameter of this module and its descendants.
    public func setTrainable(_ on: Bool) {
        for (_, p) in namedParameters() { p.requiresGrad = on }
    }

    /// Clears all gradients.
    public func zeroGrad() { for (_, p) in namedParameters() { p.grad = nil } }

    /// Records every module's dotted path (used to derive per-layer random streams). Call
    /// once on the root after building it.
    public func assignPaths() {
        for (name, m) in namedModules() { m.path = name }
    }
}

@inline(__always) func join(_ prefix: String, _ name: String) -> String {
    prefix.isEmpty ? name : (name.isEmpty ? prefix : prefix + "." + name)
}

/// Sequential container whose children are named "0", "1", … (PyTorch `nn.Sequential` /
/// `nn.ModuleList` naming).
public final class ModuleList<M: Module>: Module {
    public let items: [M]
    public init(_ items: [M]) { self.items = items }
    public override var children: [(String, Module)] { items.enumerated().map { (String($0.offset), $0.element) } }
    public subscript(i: Int) -> M { items[i] }
    public var count: Int { items.count }
}
