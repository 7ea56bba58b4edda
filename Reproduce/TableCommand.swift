// more table — regenerates one of the paper's tables into Tables/ (Markdown + CSV with
// provenance). `make table-NAME` calls it with the checkpoint and dataset of the default run.
// Tables that need the ablation runs (table-ablation; the bi-modal rows of the probe tables)
// pre-train them on `--ablation-epochs` into `--ablation-runs` when missing (AblationRuns.swift).

import ArgumentParser
import Foundation
import MoRE
import Datasets
import Eval

struct TableCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "table",
        abstract: "Regenerate one table (Markdown + CSV with provenance).",
        discussion: """
            Names: \(TableCommand.names.joined(separator: ", ")).

            Pre-training: table-mimic-4label, table-edema-severity and table-ptbxl-probe compare with a \
            bi-modal run, and table-ablation with every ablation run; a run missing from --ablation-runs \
            is pre-trained first (on --data, --ablation-epochs epochs each: minutes per run for `tiny` on \
            2 cores; `more runs` / `make runs` trains them all side by side beforehand).
            """)

    static let names = ["table-params", "table-hparams", "table-zeroshot-cxr", "table-zeroshot-ecg", "table-retrieval",
                        "table-mimic-4label", "table-edema-severity", "table-ptbxl-probe", "table-ablation"]

    @Argument(help: "Table name, e.g. table-zeroshot-cxr.")
    var name: String

    @Option(name: .long, help: "Output folder.")
    var out: String = "Tables"

    @Option(name: .long, help: "Dataset folder (as written by `more data synth` or a converter).")
    var data: String?

    @Option(name: .long, help: "Pre-trained MoRE checkpoint (best.safetensors).")
    var checkpoint: String?

    @Option(name: .long, help: "Config (name or JSON): of table-hparams (default tiny); table-params adds its column when it is neither tiny nor paper; for the other tables, the config the checkpoint must have been trained with (seed and epochs may differ).")
    var config: String?

    @OptionGroup var ablation: AblationOptions

    @Option(name: .customLong("seed"), help: "Seed for prompt sampling, probe subsets and bootstrap (default 42).")
    var seedOption: UInt64?
    var seed: UInt64 { seedOption ?? 42 }

    @Option(name: .customLong("bootstrap"), help: "Bootstrap resamples for the 95 % intervals: 10 to 100,000 (fewer than about 1,000 give rough intervals; default 1,000).")
    var bootstrapOption: Int?
    var bootstrap: Int { bootstrapOption ?? 1000 }

    @Option(name: .customLong("prompt-form"), help: "How the zero-shot tables encode a prompt: alone (the authors') or report (as a training text: the prefixed sentence pair with the prompt as its modality's report; a diagnostic, PAPER.md §5.1); default alone.")
    var promptFormOption: ZeroShotPromptForm?
    var promptForm: ZeroShotPromptForm { promptFormOption ?? .alone }

    @OptionGroup var compute: ComputeOptions

    @Flag(name: .long, help: "No progress bars (stderr; a bar appears for an embedding pass that runs longer than 2 s).")
    var quiet = false

    /// The options given that only the checkpoint-based tables read.
    var evaluationOptionsGiven: [String] {
        optionsGiven([("--data", data != nil), ("--checkpoint", checkpoint != nil), ("--seed", seedOption != nil),
                      ("--bootstrap", bootstrapOption != nil), ("--prompt-form", promptFormOption != nil)]) + ablation.given
    }

    func validate() throws {
        guard (10...100_000).contains(bootstrap) else {
            throw ValidationError("--bootstrap must be between 10 and 100000 resamples, got \(bootstrap) (a 95 % percentile interval needs a few hundred to be meaningful)")
        }
    }

    func run() throws {
        try compute.apply()
        if !quiet { PassProgressBars.installForEvaluation() }
        guard TableCommand.names.contains(name) else {
            throw ValidationError("unknown table '\(name)'; use one of \(TableCommand.names.joined(separator: ", "))")
        }
        let outDir = URL(fileURLWithPath: out)
        try requireWritableOutputFolder(outDir)
        let url: URL
        switch name {
        case "table-params", "table-hparams":
            try refuseUnusedOptions(evaluationOptionsGiven, job: name, reason: name == "table-params"
                ? "it counts the parameters of the tiny and paper configs (and of --config, when another) without data, checkpoint or random draws"
                : "it lists the hyper-parameters of --config (default tiny) beside the authors', without data, checkpoint or random draws")
            url = name == "table-params"
                ? try makeTableParams(outDir: outDir, also: try config.map { try MoREConfig.load($0) })
                : try makeTableHparams(outDir: outDir, config: try MoREConfig.load(config ?? "tiny"))
        default:
            guard let data, let checkpoint else {
                throw ValidationError("\(name) needs --data DIR and --checkpoint FILE (or run `make \(name)`)")
            }
            let ckURL = URL(fileURLWithPath: checkpoint), dataURL = URL(fileURLWithPath: data)
            try DataRequirements.named(name)?.check(folder: dataURL)   // a missing file or label set before the model loads
            let ctx = try EvalContext(data: dataURL, checkpoint: ckURL, seed: seed, bootstrap: bootstrap)
            if let config { try checkTrainedConfig(try MoREConfig.load(config), info: ctx.checkpointInfo, checkpoint: checkpoint) }
            ctx.ablation = try ablation.plan(checkpoint: ckURL, data: dataURL, info: ctx.checkpointInfo)
            ctx.promptForm = promptForm
            url = try ctx.make(name, outDir: outDir)
        }
        print("wrote \(url.path)")
    }
}

/// Throws when the checkpoint was trained with another config than `expected`: its values are
/// compared, not its name (a JSON file is named after the file), and the seed and the epochs,
/// which `more pretrain` overrides, may differ. The error names the keys that differ with both
/// values (`MoREConfig.differences`).
func checkTrainedConfig(_ expected: MoREConfig, info: CheckpointInfo, checkpoint: String) throws {
    var e = expected
    e.name = info.config.name
    e.optim.seed = info.config.optim.seed
    e.optim.epochs = info.config.optim.epochs
    guard e.hash != info.config.hash else { return }
    throw EvalError.configMismatch(checkpoint: checkpoint, expected: expected.name, found: info.config.name,
                                   differences: info.config.differences(from: e, mine: "trained", theirs: "asked"))
}

extension ZeroShotPromptForm: ExpressibleByArgument {}
