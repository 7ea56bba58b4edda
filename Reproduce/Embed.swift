// more embed — embeddings of one modality of a dataset file with a trained checkpoint.
//
//     more embed --checkpoint runs/tiny/best.safetensors --data data/test.h5 --modality xray --out z.f32
//
// Writes <out> (little-endian float32, N×D row-major, no header) and <out>.json (manifest:
// shape, dtype, byte order, modality, stage, checkpoint and its hash/config/seed/step, data
// file and its hash, row ids). D = 128 (after the projection head), or the encoder width with
// --features (before it). Both files are written to temporary names first and then renamed
// together (`writeAllOrNone`), so a failed run leaves neither, never one without the other.
// `text` embeds each row's report pair with the authors' prefixes, as in pre-training. `--prompts TASK` embeds a zero-shot task's prompts
// instead, exactly as the zero-shot tables score them (MoREModel.promptEmbeddings).

import ArgumentParser
import Foundation
import TensorCore
import Datasets
import MoRE
import Eval

struct Embed: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the embeddings of one modality of a dataset file (float32 N×D + JSON manifest).")

    @Option(name: .long, help: "Checkpoint (.safetensors) written by `more pretrain`.")
    var checkpoint: String

    @Option(name: .long, help: "Dataset file (.h5).")
    var data: String?

    @Option(name: .long, help: "xray, ecg or text (the report pair).")
    var modality: String?

    @Option(name: .long, help: ArgumentHelp("Embed a zero-shot task's prompts instead of a dataset, as the zero-shot tables encode them: chexpert4, chexpert5 or ptbxl (rows class by class; the manifest lists the prompts and their classes).", valueName: "TASK"))
    var prompts: String?

    @Option(name: .long, help: "With --prompts: seed of the prompt sampling (the tables use their --seed, default 42).")
    var promptSeed: UInt64?

    @Option(name: .long, help: "With --prompts: alone (the authors', default) or report (see `more table --help`).")
    var promptForm: ZeroShotPromptForm?

    @Option(name: .long, help: "Output file for the raw float32 values; the manifest goes to <out>.json.")
    var out: String

    @Flag(name: .long, help: "Pre-projection encoder features instead of the 128-d embeddings.")
    var features = false

    @Option(name: .long, help: "Rows per forward pass.")
    var batchSize: Int = 64

    @Flag(name: .long, help: "No progress bar.")
    var quiet = false

    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
    }

    func run() throws {
        try compute.apply()
        if let prompts { return try embedPrompts(prompts) }
        guard let data, let modality else { throw ValidationError("give --data FILE and --modality, or --prompts TASK") }
        guard promptSeed == nil, promptForm == nil else { throw ValidationError("--prompt-seed and --prompt-form go with --prompts only") }
        guard let m = EmbeddingModality(rawValue: modality) else {
            throw ValidationError("--modality must be one of \(EmbeddingModality.allCases.map(\.rawValue).joined(separator: ", ")), got '\(modality)'")
        }
        let ckptURL = URL(fileURLWithPath: checkpoint), dataURL = URL(fileURLWithPath: data), outURL = URL(fileURLWithPath: out)
        try requireOutputs(inputs: [ckptURL, dataURL])
        let (model, ck) = try loadEvaluationModel(checkpoint: ckptURL)
        var split = try readHDF5(dataURL)
        split.prepareECGForModel()   // the model sees ECGs through the authors' 100 Hz chain, as in training
        let tokenizer: TextTokenizer? = m == .text ? try textTokenizer(model.config) : nil
        let bar = ProgressBar(total: split.count, label: "embed \(m.rawValue)", enabled: !quiet)
        let stage: EmbeddingStage = features ? .features : .projected
        let z = try model.embed(split, modality: m, file: dataURL.path, tokenizer: tokenizer,
                                options: EmbeddingOptions(stage: stage, batchSize: batchSize, progress: { done, _ in bar.update(done, unit: "rows") }))
        try write(z, to: outURL, checkpoint: ckptURL, info: ck.info, manifest: [
            "modality": m.rawValue, "stage": stage == .projected ? "projected (after the projection head)" : "features (before the projection head)",
            "data": dataURL.path, "data_hash": try fileHash(dataURL), "split": split.name, "ids": split.ids,
        ])
        print("wrote \(out) (\(z.shape[0]) × \(z.shape[1]) float32, \(m.rawValue), \(stage.rawValue)) and \(out).json")
    }

    /// `--prompts TASK`: the projected embeddings of a zero-shot task's prompts, class by class.
    func embedPrompts(_ name: String) throws {
        guard data == nil, modality == nil, !features else {
            throw ValidationError("--prompts embeds prompts only: leave out --data, --modality and --features")
        }
        let seed = promptSeed ?? Prompts.publishedSeed
        var t: ZeroShotTask
        switch name {
        case "chexpert4": t = try .cheXpert(classes: 4, seed: seed)
        case "chexpert5": t = try .cheXpert(classes: 5, seed: seed)
        case "ptbxl": t = try .ptbxl(singleLabel: false)
        default: throw ValidationError("--prompts must be chexpert4, chexpert5 or ptbxl, got '\(name)'")
        }
        t.promptForm = promptForm ?? .alone
        let ckptURL = URL(fileURLWithPath: checkpoint)
        try requireOutputs(inputs: [ckptURL])
        let (model, ck) = try loadEvaluationModel(checkpoint: ckptURL)
        let z = concatenate(try model.promptEmbeddings(t, tokenizer: try textTokenizer(model.config), batchSize: batchSize), axis: 0)
        try write(z, to: URL(fileURLWithPath: out), checkpoint: ckptURL, info: ck.info, manifest: [
            "modality": "text", "stage": "projected (after the projection head)",
            "task": t.name, "prompt_form": t.promptForm.rawValue, "prompt_seed": String(seed), "prompt_max_length": t.promptMaxLength,
            "classes": t.classNames, "prompts": t.prompts.flatMap { $0 },
            "class_of_row": t.prompts.enumerated().flatMap { c, ps in ps.map { _ in c } },
        ])
        print("wrote \(out) (\(z.shape[0]) prompts × \(z.shape[1]) float32, \(t.name)) and \(out).json")
    }

    /// Before any work: <out> and <out>.json can be written and are none of `inputs`.
    func requireOutputs(inputs: [URL]) throws {
        for url in [URL(fileURLWithPath: out), URL(fileURLWithPath: out + ".json")] {
            try requireWritableOutputFile(url)
            try requireNotAnInput(url, inputs: inputs)
        }
    }

    /// `z` as little-endian float32 into `url` and its manifest into `url.json`, both or neither
    /// (`writeAllOrNone`): `manifest` plus the format, shape and the checkpoint's provenance.
    func write(_ z: Tensor, to url: URL, checkpoint: URL, info: CheckpointInfo, manifest: [String: Any]) throws {
        let common: [String: Any] = [
            "format": "raw float32, row-major, no header",
            "dtype": "float32", "byte_order": "little", "shape": [z.shape[0], z.shape[1]], "values_file": url.lastPathComponent,
            "checkpoint": checkpoint.path, "checkpoint_hash": try fileHash(checkpoint),
            "config": info.config.name, "config_hash": info.config.hash,
            "checkpoint_seed": String(info.seed), "checkpoint_step": info.step, "checkpoint_data_hash": info.dataHash,
        ]
        let all = common.merging(manifest) { _, own in own }
        var bytes = Data(capacity: z.count * 4)
        for v in z.scalars { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        let json = try JSONSerialization.data(withJSONObject: all, options: [.prettyPrinted, .sortedKeys])
        try writeAllOrNone([(url, bytes), (URL(fileURLWithPath: url.path + ".json"), json)])
    }
}
