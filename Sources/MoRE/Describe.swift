// Describe — the module tree of a model with parameter counts and trainable fractions, as
// printed by `more describe --config NAME` and used by the parameter table.

import NN

/// Parameter counts of one module subtree.
public struct ParameterSummary: Equatable, Sendable {
    public var name: String
    public var total: Int
    public var trainable: Int
    public var fraction: Double { total == 0 ? 0 : Double(trainable) / Double(total) }
}

extension Module {
    /// Counts for this module and each descendant down to `depth` levels (depth 0 = self only).
    public func parameterSummary(depth: Int, name: String = "(model)") -> [(level: Int, summary: ParameterSummary)] {
        var out: [(Int, ParameterSummary)] = []
        func walk(_ m: Module, _ n: String, _ level: Int) {
            out.append((level, ParameterSummary(name: n, total: m.parameterCount, trainable: m.trainableParameterCount)))
            guard level < depth else { return }
            for (cn, c) in m.children where c.parameterCount > 0 { walk(c, cn, level + 1) }
        }
        walk(self, name, 0)
        return out
    }
}

extension MoREModel {
    /// The figures of MoRE-reference §2.9 for this model: towers, heads and text.
    public var componentSummary: [ParameterSummary] {
        let parts: [(String, Module)] = [("X-ray ViT", xrayModel), ("ECG ViT", ecgModel), ("text + LoRA", textModel),
                                         ("projector_xray_text", projectorXray), ("projector_ecg_text", projectorECG),
                                         ("projector_text", projectorText)]
        return parts.map { ParameterSummary(name: $0.0, total: $0.1.parameterCount, trainable: $0.1.trainableParameterCount) }
            + [ParameterSummary(name: "total", total: parameterCount, trainable: trainableParameterCount)]
    }

    /// A printable tree (name, parameters, trainable, trainable %) down to `depth`.
    public func describe(depth: Int = 2) -> String {
        var lines = ["MoRE config '\(config.name)'",
                     "module".padding(toLength: 44, withPad: " ", startingAt: 0) + "parameters".leftPad(14) + "trainable".leftPad(13) + "  trainable %",
                     String(repeating: "-", count: 85)]
        for (level, s) in parameterSummary(depth: depth) {
            let label = String(repeating: "  ", count: level) + s.name
            let pct = String(format: "%7.3f %%", 100 * s.fraction)
            lines.append(label.padding(toLength: 44, withPad: " ", startingAt: 0)
                         + groupedThousands(s.total).leftPad(14) + groupedThousands(s.trainable).leftPad(13) + "  " + pct)
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    /// The string right-aligned in a field of `n` characters.
    public func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}

/// 1234567 → "1,234,567" (parameter counts in `describe` and the parameter table).
public func groupedThousands(_ n: Int) -> String {
    let s = String(n)
    var out = ""
    for (i, ch) in s.reversed().enumerated() { if i > 0 && i % 3 == 0 { out.append(",") }; out.append(ch) }
    return String(out.reversed())
}

import Foundation
