// EvalError — the errors of the evaluation protocols (zero-shot, linear probe, retrieval,
// embedding extraction) on input a user can get wrong: a dataset without the modality or the
// label set a protocol needs, a label set of the wrong shape, a class name the label set does
// not have, a checkpoint of another config. Every message names the file and the field.
//
// Deliberately not here: metric input errors (`MetricError`) and probe-fitting errors
// (`ProbeError`), which pass through unchanged.

/// An evaluation protocol cannot run on the given data or checkpoint.
public enum EvalError: Error, Equatable, CustomStringConvertible {
    /// The dataset file has no `modality` ("xray", "ecg", "report_xray", "report_ecg").
    case missingModality(file: String, modality: String, protocolName: String)
    /// The dataset file has no label set `labelSet` under /labels.
    case missingLabels(file: String, labelSet: String, protocolName: String, available: [String])
    /// The label set has a shape the protocol cannot use.
    case labelShape(file: String, labelSet: String, expected: String, found: [Int])
    /// The label set has no column / class of that name.
    case unknownClass(file: String, labelSet: String, className: String, available: [String])
    /// A label value that is neither −1 (uncertain / none) nor a valid class or 0/1.
    case invalidLabel(file: String, labelSet: String, row: Int, value: Float)
    /// A modality tensor of the wrong shape for the model.
    case wrongShape(file: String, field: String, expected: String, found: [Int])
    /// The checkpoint was trained with another config than the one asked for.
    /// `differences`: the keys that differ, with the trained and the asked value ("" when unknown).
    case configMismatch(checkpoint: String, expected: String, found: String, differences: String = "")
    /// Two inputs that must agree do not (rows of queries and candidates, …).
    case mismatch(field: String, expected: Int, found: Int)
    /// A protocol parameter out of range.
    case invalidParameter(name: String, value: String, reason: String)
    /// After removing rows without a usable label nothing (or a single class) is left.
    case noUsableRows(file: String, labelSet: String, reason: String)
    /// The model's embedding of a row is NaN or ±Inf although its input and the weights are
    /// finite (both are checked when read): a numerical failure inside the model.
    case nonFiniteEmbedding(file: String, modality: String, row: Int)

    /// The file the error names (nil for the errors of a checkpoint, a parameter or two inputs).
    public var file: String? {
        switch self {
        case .missingModality(let f, _, _), .missingLabels(let f, _, _, _), .labelShape(let f, _, _, _), .unknownClass(let f, _, _, _),
             .invalidLabel(let f, _, _, _), .wrongShape(let f, _, _, _), .noUsableRows(let f, _, _), .nonFiniteEmbedding(let f, _, _):
            return f
        case .configMismatch, .mismatch, .invalidParameter:
            return nil
        }
    }

    public var description: String {
        switch self {
        case let .missingModality(file, modality, p):
            return "\(file): dataset has no '\(modality)', needed by \(p)"
        case let .missingLabels(file, set, p, available):
            let list = available.isEmpty ? "none" : available.sorted().joined(separator: ", ")
            return "\(file): dataset has no label set '/labels/\(set)', needed by \(p) (label sets present: \(list))"
        case let .labelShape(file, set, expected, found):
            return "\(file): label set '\(set)' has shape \(found), expected \(expected)"
        case let .unknownClass(file, set, name, available):
            return "\(file): label set '\(set)' has no class '\(name)' (classes: \(available.joined(separator: ", ")))"
        case let .invalidLabel(file, set, row, value):
            return "\(file): label set '\(set)' has invalid value \(value) at row \(row)"
        case let .wrongShape(file, field, expected, found):
            return "\(file): field '\(field)' has shape \(found), expected \(expected)"
        case let .configMismatch(ckpt, expected, found, differences):
            return "\(ckpt): checkpoint was trained with config '\(found)', but config '\(expected)' was asked for"
                + (differences.isEmpty ? "" : " (they differ in \(differences))")
        case let .mismatch(field, expected, found):
            return "evaluation: '\(field)' has \(found) rows, expected \(expected)"
        case let .invalidParameter(name, value, reason):
            return "evaluation: '\(name)' = \(value): \(reason)"
        case let .noUsableRows(file, set, reason):
            return "\(file): label set '\(set)': \(reason)"
        case let .nonFiniteEmbedding(file, modality, row):
            return "\(file): the \(modality) embedding of row \(row) is not finite (NaN or ±Inf): a numerical failure inside the model"
        }
    }
}
