// more — the command-line entry point of MoRE.swift.
//
// One subcommand per job a user runs: generating data, pre-training, evaluating, regenerating
// a table or a figure, benchmarking. Each subcommand lives in its own file in this folder.
// Errors a user can cause are reported as one line on stderr with a non-zero exit code.

import ArgumentParser
import TensorCore

@main
struct More: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "more",
        abstract: "MoRE.swift: reproduce 'MoRE: Multi-Modal Contrastive Pre-training with Transformers on X-Rays, ECGs, and Diagnostic Report'.",
        subcommands: [DataCommand.self, Describe.self, Pretrain.self, Runs.self, Embed.self, TableCommand.self, FigureCommand.self, Bench.self, Record.self, ECGCommand.self, XrayCommand.self]
    )
}

/// Options every compute-heavy subcommand accepts.
struct ComputeOptions: ParsableArguments {
    @Option(name: .long, help: "Worker threads (default: MORE_THREADS or all cores). Results do not depend on it.")
    var threads: Int?

    func apply() throws {
        if let t = threads {
            guard t >= 1 else { throw ValidationError("--threads must be at least 1, got \(t)") }
            ThreadPool.shared.setThreadCount(t)
        }
    }
}
