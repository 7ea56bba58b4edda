// LoRALinear — a frozen pretrained Linear plus a trainable low-rank update (Hu et al., 2021),
// configured as the authors' PEFT call: r = 16, α = 8, dropout 0.1 on the LoRA path.
//
//   y = x W₀ᵀ + b + (α/r) · dropout(x) Aᵀ Bᵀ,   A: [r, in] ~ U(±1/√in) (kaiming_uniform a=√5),
//                                               B: [out, r] = 0 (so training starts at W₀)
//
// Parameter names follow PEFT's state_dict (`base_layer.weight`, `lora_A.weight`,
// `lora_B.weight`) under the wrapped layer's name. The base weight is frozen; its bias keeps
// whatever trainable flag the model gives it (the authors' `bias="all"` trains every bias).

import TensorCore
import Autodiff

/// A frozen Linear with a LoRA adapter. `x: [..., in]` → `[..., out]`.
public final class LoRALinear: Module {
    public let base: Linear
    public let loraA: Linear
    public let loraB: Linear
    public let rank: Int
    public let alpha: Float
    public let dropout: Dropout

    /// Scaling α / r applied to the low-rank path.
    public var scaling: Float { alpha / Float(rank) }

    public init(base: Linear, rank: Int, alpha: Float, dropout p: Float, seed: UInt64, name: String) {
        self.base = base
        self.rank = rank
        self.alpha = alpha
        self.loraA = Linear(base.inFeatures, rank, bias: false, seed: seed, name: name + ".lora_A")
        self.loraB = Linear(rank, base.outFeatures, bias: false, seed: seed, name: name + ".lora_B")
        self.loraB.weight.value.fill(0)
        self.dropout = Dropout(p)
        base.weight.requiresGrad = false
    }

    public override var children: [(String, Module)] {
        [("base_layer", base), ("lora_A", loraA), ("lora_B", loraB), ("lora_dropout", dropout)]
    }

    /// y = base(x) + (α/r)·B(A(dropout(x)))
    public func callAsFunction(_ x: Variable) -> Variable {
        base(x) + scaling * loraB(loraA(dropout(x)))
    }
}
