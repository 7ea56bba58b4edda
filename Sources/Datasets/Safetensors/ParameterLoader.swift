// ParameterLoader — copies the tensors of a checkpoint onto named parameters and reports, by
// name, what did not fit: parameters the file lacks (missing), tensors no parameter wants
// (unexpected) and tensors whose shape differs from the parameter's (mis-shaped). A tensor that
// would be copied and holds a NaN or ±Inf is an error naming it (`requireFinite`).
//
// The destination is a dictionary of existing parameter tensors (e.g. a module's named
// parameters); values are copied into their storage, so the module sees them at once.
// Deliberately not here: knowing any model's naming scheme — a `rename` closure maps checkpoint
// names onto parameter names (or drops a tensor by returning nil).

import TensorCore

/// What `loadParameters` did.
public struct ParameterLoadReport: Sendable, Equatable, CustomStringConvertible {
    /// A tensor whose shape differs from its parameter's.
    public struct Mismatch: Sendable, Equatable {
        public var name: String
        public var expected: [Int]
        public var found: [Int]
    }

    /// Parameters filled from the file, sorted.
    public var loaded: [String] = []
    /// Parameters the file does not provide, sorted.
    public var missing: [String] = []
    /// File tensors (after renaming) that match no parameter, sorted.
    public var unexpected: [String] = []
    /// Tensors with the wrong shape (not copied), sorted by name.
    public var misshaped: [Mismatch] = []

    /// True when every parameter was loaded and every tensor was used.
    public var isComplete: Bool { missing.isEmpty && unexpected.isEmpty && misshaped.isEmpty }

    public var description: String {
        var parts = ["\(loaded.count) loaded"]
        if !missing.isEmpty { parts.append("\(missing.count) missing (\(missing.joined(separator: ", ")))") }
        if !unexpected.isEmpty { parts.append("\(unexpected.count) unexpected (\(unexpected.joined(separator: ", ")))") }
        if !misshaped.isEmpty {
            let items = misshaped.map { "\($0.name): expected \($0.expected), found \($0.found)" }
            parts.append("\(misshaped.count) mis-shaped (\(items.joined(separator: "; ")))")
        }
        return parts.joined(separator: "; ")
    }
}

/// Copies `file`'s tensors into the parameters `destination` (name → existing tensor).
///
/// `rename` maps a checkpoint name to a parameter name; returning nil drops the tensor (it is
/// then neither loaded nor unexpected). In `strict` mode nothing is copied unless the match is
/// complete, and an incomplete match throws `DataError.malformed(file:, field: "parameters", …)`
/// listing every missing, unexpected and mis-shaped name. A tensor to be copied that holds a
/// NaN or ±Inf throws `DataError.malformed` naming it, before anything is copied.
///
/// ```swift
/// let report = try loadParameters(readSafetensors(url), into: model.namedParameters,
///                                 rename: { $0.hasPrefix("pooler.") ? nil : $0 })
/// ```
@discardableResult
public func loadParameters(_ file: SafetensorsFile, into destination: [String: Tensor],
                           strict: Bool = false, rename: (String) -> String? = { $0 }) throws -> ParameterLoadReport {
    var report = ParameterLoadReport()
    var sources: [String: Tensor] = [:], fileName: [String: String] = [:]
    for name in file.names {
        guard let target = rename(name), let t = file.tensors[name] else { continue }
        sources[target] = t; fileName[target] = name
    }
    var pairs: [(Tensor, Tensor)] = []
    for name in destination.keys.sorted() {
        guard let dst = destination[name] else { continue }
        guard let src = sources[name] else { report.missing.append(name); continue }
        if src.shape != dst.shape {
            report.misshaped.append(.init(name: name, expected: dst.shape, found: src.shape))
        } else {
            pairs.append((src, dst)); report.loaded.append(name)
        }
    }
    try file.requireFinite(report.loaded.compactMap { fileName[$0] })
    report.unexpected = sources.keys.filter { destination[$0] == nil }.sorted()
    if strict && !report.isComplete {
        throw DataError.malformed(file: file.path, field: "parameters", reason: report.description)
    }
    for (src, dst) in pairs { dst.assign(src) }
    return report
}

extension SafetensorsFile {
    /// Throws `DataError.malformed` naming the first of the tensors `names` that holds a NaN or
    /// ±Inf. A trained model never has one (the trainer stops at the first non-finite loss or
    /// gradient); a corrupted file may, and would otherwise surface, if at all, as wrong
    /// embeddings far from the tensor that caused them.
    public func requireFinite(_ names: [String]) throws {
        for name in names {
            if let i = tensors[name]?.firstNonFiniteIndex {
                throw DataError.malformed(file: path, field: name, reason: "non-finite value (NaN or ±Inf) at flat index \(i)")
            }
        }
    }
}
