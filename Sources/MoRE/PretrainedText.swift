// PretrainedText — loads a Hugging Face BERT/RoBERTa checkpoint folder (config.json,
// model.safetensors, vocab.txt or vocab.json + merges.txt) into the text tower and builds the
// matching tokenizer.
//
// Name mapping from the checkpoint to our parameters:
//   [bert.|roberta.]embeddings.word_embeddings.weight  → text_model.embeddings.word_embeddings.weight
//   …attention.self.query.weight (with LoRA)            → …attention.self.query.base_layer.weight
// `embeddings.position_ids` (a buffer) is ignored; anything else the model lacks, or lacks in
// the file, is reported by name and makes loading fail.

import Foundation
import TensorCore
import Datasets
import NN

/// Problems loading a pretrained text model.
public enum PretrainedTextError: Error, CustomStringConvertible {
    /// `path` from the config; `tried`: the folders looked in, in order.
    case missingFolder(String, tried: [String] = [])
    case configMismatch(file: String, field: String, expected: String, found: String)
    case incomplete(file: String, report: String)

    public var description: String {
        switch self {
        case .missingFolder(let p, let tried):
            let looked = tried.count > 1 ? " (looked in \(tried.joined(separator: ", ")))" : ""
            return "\(p): pretrained text model not found\(looked); run `make fetch-model` in the checkout, set MORE_ROOT to the checkout, or set textModel in the config"
        case .configMismatch(let f, let k, let e, let v):
            return "\(f): field '\(k)' is \(v) but the MoRE config expects \(e)"
        case .incomplete(let f, let r): return "\(f): checkpoint does not fit the text tower: \(r)"
        }
    }
}

/// Resolves a config's `textModel` folder: as given (an absolute path, or relative to the
/// current directory); a relative one also against the repository root given by `MORE_ROOT`
/// and against the checkout that holds the running executable (`…/.build/release/more`: the
/// first ancestor folder of it where the path exists), so that `more` run from another folder
/// finds the model `make fetch-model` put in the checkout's `.cache/`.
public func resolveTextModelFolder(_ path: String) throws -> URL {
    try resolveTextModelFolder(path, executableFolder: executableDirectory(),
                               root: ProcessInfo.processInfo.environment["MORE_ROOT"])
}

/// `resolveTextModelFolder(_:)` with the executable's folder and `MORE_ROOT` given.
func resolveTextModelFolder(_ path: String, executableFolder: URL?, root: String?) throws -> URL {
    let relative = !path.hasPrefix("/")
    // The places to look, in order: as given, under MORE_ROOT, under the executable's folder and each above it.
    var named = [URL(fileURLWithPath: path)]
    if relative, let root { named.append(URL(fileURLWithPath: root).appendingPathComponent(path)) }
    var aboveExecutable: [URL] = []
    var folder = relative ? executableFolder : nil
    while let f = folder, f.path != "/" {
        aboveExecutable.append(f.appendingPathComponent(path))
        folder = f.deletingLastPathComponent()
    }
    for c in named + aboveExecutable where FileManager.default.fileExists(atPath: c.appendingPathComponent("model.safetensors").path) {
        return c
    }
    var tried = named.map(\.standardizedFileURL.path)
    if relative, let e = executableFolder { tried.append("\(path) under \(e.path) and each folder above it") }
    throw PretrainedTextError.missingFolder(path, tried: tried)
}

/// The tokenizer stored with a checkpoint: WordPiece (vocab.txt) or byte-level BPE
/// (vocab.json + merges.txt).
public func loadTokenizer(folder: URL) throws -> TextTokenizer {
    let fm = FileManager.default
    if fm.fileExists(atPath: folder.appendingPathComponent("vocab.txt").path) {
        return try WordPieceTokenizer(vocabURL: folder.appendingPathComponent("vocab.txt"))
    }
    return try BPETokenizer(directory: folder)
}

extension TextEncoder {
    /// Copies a Hugging Face checkpoint into this encoder. Throws, naming every missing,
    /// unexpected or mis-shaped tensor, unless the checkpoint fits exactly.
    @discardableResult
    public func loadPretrained(folder: URL) throws -> ParameterLoadReport {
        let file = folder.appendingPathComponent("model.safetensors")
        let st = try readSafetensors(file)
        try checkConfig(folder: folder)
        let ours = Dictionary(uniqueKeysWithValues: namedParameters().map { ($0.0, $0.1.value) })
        let lora = ours.keys.contains { $0.contains(".query.base_layer.") }
        let report = try loadParameters(st, into: ours, strict: false) { name in
            var n = name
            for prefix in ["bert.", "roberta."] where n.hasPrefix(prefix) { n.removeFirst(prefix.count) }
            if n == "embeddings.position_ids" || n.hasPrefix("lm_head.") || n.hasPrefix("cls.") { return nil }
            if lora {
                n = n.replacingOccurrences(of: ".attention.self.query.", with: ".attention.self.query.base_layer.")
                n = n.replacingOccurrences(of: ".attention.self.value.", with: ".attention.self.value.base_layer.")
            }
            return n
        }
        // LoRA adapters are new: only they may be missing.
        let missing = report.missing.filter { !$0.contains(".lora_") }
        guard missing.isEmpty, report.unexpected.isEmpty, report.misshaped.isEmpty else {
            throw PretrainedTextError.incomplete(file: file.path, report: report.description)
        }
        return report
    }

    /// Compares the folder's config.json with this encoder's sizes.
    func checkConfig(folder: URL) throws {
        let url = folder.appendingPathComponent("config.json")
        guard let data = try? Data(contentsOf: url),
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return }
        let expect: [(String, Int)] = [("hidden_size", config.hidden), ("num_hidden_layers", config.layers),
                                       ("num_attention_heads", config.heads), ("intermediate_size", config.intermediate),
                                       ("vocab_size", config.vocabSize)]
        for (k, v) in expect {
            if let found = json[k] as? Int, found != v {
                throw PretrainedTextError.configMismatch(file: url.path, field: k, expected: String(v), found: String(found))
            }
        }
    }
}

extension MoREModel {
    /// A model with randomly initialised towers and heads and the config's pretrained text model
    /// (`textModel`; none when it is empty). The text base weights are not drawn first: the
    /// checkpoint replaces every one of them or `loadPretrained` throws. Bitwise the same model
    /// as drawing them and overwriting, 0.9 s sooner for `tiny`.
    public static func withPretrainedText(config c: MoREConfig, seed: UInt64) throws -> MoREModel {
        if c.textModel.isEmpty { return MoREModel(config: c, seed: seed) }
        let folder = try resolveTextModelFolder(c.textModel)
        let model = MoREModel(config: c, seed: seed, drawTextBase: false)
        try model.textModel.loadPretrained(folder: folder)
        return model
    }
}
