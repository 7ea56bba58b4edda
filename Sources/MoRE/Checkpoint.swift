// Checkpoint — a MoRE model (and optionally its optimiser and trainer state) in one
// safetensors file, with provenance in `__metadata__`:
//   config (JSON), config_name, seed, step, data_hash, commit, trainer (JSON state)
// Tensor names: `model.<parameter or buffer name>`, `optim.exp_avg.<name>`,
// `optim.exp_avg_sq.<name>`. Written to a temporary file and renamed (by writeSafetensors).
//
// Loading checks that the checkpoint's config is the config asked for (a checkpoint of another
// config is an error naming both) and that every tensor fits.

import Foundation
import TensorCore
import Datasets
import NN

/// Problems with a checkpoint a user can cause.
public enum CheckpointError: Error, CustomStringConvertible {
    case configMismatch(file: String, expected: String, found: String)
    case missingMetadata(file: String, field: String)
    case incomplete(file: String, report: String)

    public var description: String {
        switch self {
        case .configMismatch(let f, let e, let g):
            return "\(f): checkpoint was trained with config '\(g)', not '\(e)' (pass --config \(g), or retrain)"
        case .missingMetadata(let f, let k): return "\(f): checkpoint metadata lacks '\(k)'"
        case .incomplete(let f, let r): return "\(f): checkpoint does not fit the model: \(r)"
        }
    }
}

/// Provenance stored with every checkpoint.
public struct CheckpointInfo: Sendable {
    public var config: MoREConfig
    public var seed: UInt64
    public var step: Int
    public var dataHash: String
    public var commit: String
    /// Opaque trainer state (JSON) for resuming.
    public var trainerState: String
}

/// Writes the model (and optimiser state when given) with its provenance.
public func saveCheckpoint(_ model: MoREModel, optimizer: AdamW? = nil, info: CheckpointInfo, to url: URL) throws {
    var tensors: [(String, Tensor)] = model.stateDict().map { ("model." + $0.0, $0.1) }
    if let opt = optimizer {
        let s = opt.state()
        tensors += s.tensors.map { ("optim." + $0.0, $0.1) }
    }
    let meta: [String: String] = [
        "format": "MoRE.swift checkpoint 1",
        "config": info.config.json(), "config_name": info.config.name, "config_hash": info.config.hash,
        "seed": String(info.seed), "step": String(info.step), "data_hash": info.dataHash, "commit": info.commit,
        "trainer": info.trainerState, "optimizer_step": String(optimizer?.step ?? 0),
    ]
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try writeSafetensors(tensors, metadata: meta, to: url)
}

/// A checkpoint read back: its provenance and tensors.
public struct LoadedCheckpoint {
    public var info: CheckpointInfo
    public var file: SafetensorsFile
    public var optimizerStep: Int
}

/// Reads a checkpoint's metadata and tensors.
public func readCheckpoint(_ url: URL) throws -> LoadedCheckpoint {
    let file = try readSafetensors(url)
    return LoadedCheckpoint(info: try checkpointInfo(file.metadata, file: url.path), file: file,
                            optimizerStep: Int(file.metadata["optimizer_step"] ?? "0") ?? 0)
}

/// A checkpoint's provenance from its header alone (no tensor is read): what `more runs` and the
/// tables need to tell whether a run is finished and of which config.
public func readCheckpointInfo(_ url: URL) throws -> CheckpointInfo {
    try checkpointInfo(try readSafetensorsMetadata(url), file: url.path)
}

/// The `__metadata__` of a checkpoint as a CheckpointInfo; `.missingMetadata` naming the field.
func checkpointInfo(_ metadata: [String: String], file: String) throws -> CheckpointInfo {
    func meta(_ k: String) throws -> String {
        guard let v = metadata[k] else { throw CheckpointError.missingMetadata(file: file, field: k) }
        return v
    }
    let config = try MoREConfig.fromCheckpointJSON(try meta("config"), file: file + " (metadata 'config')")
    return CheckpointInfo(config: config, seed: UInt64(try meta("seed")) ?? 0, step: Int(try meta("step")) ?? 0,
                          dataHash: metadata["data_hash"] ?? "", commit: metadata["commit"] ?? "",
                          trainerState: metadata["trainer"] ?? "{}")
}

extension MoREModel {
    /// Builds the model of a checkpoint and loads its weights. With `expect`, the checkpoint's
    /// config must have that name and the same contents.
    public static func load(checkpoint url: URL, expect: MoREConfig? = nil) throws -> (MoREModel, LoadedCheckpoint) {
        let ck = try readCheckpoint(url)
        if let e = expect, e.hash != ck.info.config.hash {
            throw CheckpointError.configMismatch(file: url.path, expected: e.name, found: ck.info.config.name)
        }
        // Every parameter and buffer comes from the file (`loadState` throws otherwise), so
        // none is drawn first.
        let model = Init.$placeholdersOnly.withValue(true) { MoREModel(config: ck.info.config, seed: ck.info.seed) }
        try model.loadState(from: ck.file)
        return (model, ck)
    }

    /// Copies `model.*` tensors of a checkpoint into parameters and buffers; every one must fit.
    public func loadState(from file: SafetensorsFile) throws {
        let dest = Dictionary(uniqueKeysWithValues: stateDict())
        let report = try loadParameters(file, into: dest) { $0.hasPrefix("model.") ? String($0.dropFirst(6)) : nil }
        guard report.isComplete else { throw CheckpointError.incomplete(file: file.path, report: report.description) }
    }
}

/// A 64-bit value as 16 hex digits, leading zeros kept (hashes of files and configs).
func hex16(_ h: UInt64) -> String {
    let digits = String(h, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
}

/// Whether two hashes name the same value: checkpoints written before 2 Dec 2026 store a hash
/// without its leading zeros ("41ad02fc154d389" for "041ad02fc154d389").
public func sameHash(_ a: String, _ b: String) -> Bool {
    if let x = UInt64(a, radix: 16), let y = UInt64(b, radix: 16) { return x == y }
    return a == b
}

/// A 64-bit FNV-1a hash of a file's bytes (16 hex digits), identifying the data a model was trained on.
public func fileHash(_ url: URL) throws -> String {
    let data = try Data(contentsOf: url, options: .mappedIfSafe)
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    data.withUnsafeBytes { raw in
        let words = raw.count / 8
        let p = raw.baseAddress!
        for i in 0..<words { h = (h ^ p.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)) &* 0x100_0000_01b3 }
        for i in (words * 8)..<raw.count { h = (h ^ UInt64(raw[i])) &* 0x100_0000_01b3 }
    }
    return hex16(h)
}

extension MoREConfig {
    /// Config keys added after checkpoints were first written, each with the value that
    /// reproduces how a checkpoint without it was trained (before the key existed, X-rays were
    /// always normalised with the dataset mean and deviation).
    public static let keysAddedLater: [String: Any] = ["xrayNormalization": XrayNormalization.dataset.rawValue]

    /// The config stored in a checkpoint's metadata, with `keysAddedLater` filled in where the
    /// checkpoint predates them (otherwise `fromJSON` would give them today's `tiny` values).
    public static func fromCheckpointJSON(_ text: String, file: String) throws -> MoREConfig {
        guard var stored = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw ConfigError.unreadable(file: file, reason: "not a JSON object")
        }
        for (k, v) in keysAddedLater where stored[k] == nil { stored[k] = v }
        // JSONEncoder leaves a nil optional out (the paper's optim.gradClip): absent means nil
        // there, not `tiny`'s value.
        if var optim = stored["optim"] as? [String: Any], optim["gradClip"] == nil {
            optim["gradClip"] = NSNull()
            stored["optim"] = optim
        }
        return try fromJSON(try JSONSerialization.data(withJSONObject: stored), file: file)
    }
}
