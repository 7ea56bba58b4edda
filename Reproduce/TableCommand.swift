// more table — regenerates one of the paper's tables into Tables/ (Markdown + CSV with
// provenance). `make table-NAME` calls it with the checkpoint and dataset of the default run.

import ArgumentParser
import Foundation
import MoRE

struct TableCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "table",
        abstract: "Regenerate one table (Markdown + CSV with provenance).",
        discussion: "Names: \(TableCommand.names.joined(separator: ", ")).")

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

    @Option(name: .long, help: "Config of the tables that need none from a checkpoint (table-hparams).")
    var config: String = "tiny"

    @Option(name: .long, help: "Seed for prompt sampling, probe subsets and bootstrap.")
    var seed: UInt64 = 42

    @Option(name: .long, help: "Bootstrap resamples for the 95 % intervals.")
    var bootstrap: Int = 1000

    @OptionGroup var compute: ComputeOptions

    func run() throws {
        try compute.apply()
        guard TableCommand.names.contains(name) else {
            throw ValidationError("unknown table '\(name)'; use one of \(TableCommand.names.joined(separator: ", "))")
        }
        let outDir = URL(fileURLWithPath: out)
        let url: URL
        switch name {
        case "table-params": url = try makeTableParams(outDir: outDir)
        case "table-hparams": url = try makeTableHparams(outDir: outDir, config: try MoREConfig.load(config))
        default:
            guard let data, let checkpoint else {
                throw ValidationError("\(name) needs --data DIR and --checkpoint FILE (or run `make \(name)`)")
            }
            let ctx = try EvalContext(data: URL(fileURLWithPath: data), checkpoint: URL(fileURLWithPath: checkpoint),
                                      seed: seed, bootstrap: bootstrap)
            url = try ctx.make(name, outDir: outDir)
        }
        print("wrote \(url.path)")
    }
}
