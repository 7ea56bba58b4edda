// EvalContext — what the checkpoint-based tables share: the dataset folder, the pre-trained
// model, a randomly initialised model of the same config (the "random init" row), the
// tokenizer, the seed and the bootstrap settings; plus the dispatch from a table name to the
// file that builds it.

import Foundation
import MoRE
import Eval
import Datasets

final class EvalContext {
    let dataDir: URL
    let checkpointURL: URL
    let model: MoREModel
    let randomModel: MoREModel
    let tokenizer: TextTokenizer
    let checkpointInfo: CheckpointInfo
    let seed: UInt64
    let bootstrap: Bootstrap
    /// The ablation runs (table-ablation, the bi-modal probe rows); nil = not configured.
    var ablation: AblationPlan?
    /// How the zero-shot tables encode their prompts (`--prompt-form`; the authors': alone).
    var promptForm: ZeroShotPromptForm = .alone
    private var cache: [String: EvalSplit] = [:]

    init(data: URL, checkpoint: URL, seed: UInt64, bootstrap resamples: Int) throws {
        try requireDatasetFolder(data)
        dataDir = data
        checkpointURL = checkpoint
        let (m, ck) = try loadEvaluationModel(checkpoint: checkpoint)
        model = m
        checkpointInfo = ck.info
        let c = ck.info.config
        // "random init": random towers and heads, the same pretrained text model
        randomModel = try MoREModel.withPretrainedText(config: c, seed: ck.info.seed &+ 1)
        randomModel.eval()
        tokenizer = try loadTokenizer(folder: resolveTextModelFolder(c.textModel.isEmpty ? ".cache/models/all-MiniLM-L6-v2" : c.textModel))
        self.seed = seed
        bootstrap = Bootstrap(resamples: resamples, confidence: 0.95, seed: seed)
    }

    /// A split of the dataset folder, e.g. "chexpert5x200" → chexpert5x200.h5 (read once); a
    /// file without rows is an error naming it (`data check` accepts one, nothing can use it).
    func split(_ name: String) throws -> EvalSplit {
        if let s = cache[name] { return s }
        let url = dataDir.appendingPathComponent(name + ".h5")
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw TableError.missingSplit(file: url.path, split: name)
        }
        var raw = try readHDF5(url, fields: Set([DatasetSchema.ids, DatasetSchema.xray, DatasetSchema.ecg, DatasetSchema.reportXray,
                                                          DatasetSchema.reportECG, DatasetSchema.labels]))
        guard raw.count > 0 else { throw TableError.emptySplit(file: url.path, split: name) }
        raw.prepareECGForModel()
        let s = EvalSplit(raw, file: url.path)
        cache[name] = s
        return s
    }

    func provenance(_ splits: [String], extra: [(String, String)] = []) throws -> Provenance {
        let hashes = try splits.map { "\($0): " + (try fileHash(dataDir.appendingPathComponent($0 + ".h5"))) }
        return Provenance(dataset: splits.map { displayPath(dataDir.appendingPathComponent($0 + ".h5")) }.joined(separator: ", "),
                          datasetHash: hashes.joined(separator: "; "), config: checkpointInfo.config.name,
                          configHash: checkpointInfo.config.hash, seed: seed,
                          checkpoint: "\(displayPath(checkpointURL)) (step \(checkpointInfo.step), trained on data \(checkpointInfo.dataHash), commit \(checkpointInfo.commit))",
                          extra: [("source", try sourceDescription(splits)),
                                  ("bootstrap", "\(bootstrap.resamples) resamples, 95 % percentile intervals")] + extra)
    }

    /// The encoders compared in every table: name and model.
    var encoders: [(String, MoREModel)] { [(modelLabel, model), ("random init", randomModel)] }

    /// The checkpoint's row label in the tables.
    var modelLabel: String { EvalContext.modelLabel(checkpointInfo.config) }

    /// Whether the checkpoint aligned both vision modalities with the reports — what the
    /// ablation rows and the probe tables' bi-modal rows switch one choice off.
    var isTriModal: Bool { checkpointInfo.config.useXray && checkpointInfo.config.useECG }

    /// Names the modalities the checkpoint's pre-training aligned with the reports, so that a
    /// bi-modal ablation run evaluated with `more table --checkpoint` is not called tri-modal.
    static func modelLabel(_ c: MoREConfig) -> String {
        switch (c.useXray, c.useECG) {
        case (true, true): return "MoRE (tri-modal, ours)"
        case (true, false): return "MoRE (X-ray–text only, ours)"
        case (false, true): return "MoRE (ECG–text only, ours)"
        case (false, false): return "MoRE (no vision tower trained)"
        }
    }

    func make(_ name: String, outDir: URL) throws -> URL {
        let t0 = Date()
        let doc: TableDocument
        switch name {
        case "table-zeroshot-cxr": doc = try tableZeroShotCXR()
        case "table-zeroshot-ecg": doc = try tableZeroShotECG()
        case "table-retrieval": doc = try tableRetrieval()
        case "table-mimic-4label": doc = try tableMIMIC4Label()
        case "table-edema-severity": doc = try tableEdemaSeverity()
        case "table-ptbxl-probe": doc = try tablePTBXLProbe()
        case "table-ablation": doc = try tableAblation()
        default: throw TableError.unknownTable(name)
        }
        var d = doc
        if let t = TableDocument.trainingSeconds(checkpoint: checkpointURL) { d.training.insert(("the checkpoint", t), at: 0) }
        return try d.write(to: outDir, wallSeconds: Date().timeIntervalSince(t0))
    }
}

/// Problems a table run can hit that the evaluation library does not name.
enum TableError: Error, CustomStringConvertible {
    case missingSplit(file: String, split: String)
    case emptySplit(file: String, split: String)
    case unknownTable(String)
    var description: String {
        switch self {
        case .missingSplit(let f, let s): return "\(f): missing (the \(s) split; generate it with `make data` or a converter)"
        case .emptySplit(let f, let s): return "\(f): no rows (the \(s) split is empty; nothing to evaluate)"
        case .unknownTable(let n): return "unknown table '\(n)'"
        }
    }
}
