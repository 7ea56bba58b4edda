// AblationOptions — where the ablation runs live and how long they train, for the commands
// that use them: `more table` (table-ablation, the bi-modal rows of the probe tables) and
// `more figure figure2` (the X-ray–text-only column). The runs are keyed by config, seed and
// data hash and pre-trained on demand (Tables/AblationRuns.swift); `make` passes the same
// folder and budget to both, so a figure reuses the runs the tables trained.

import ArgumentParser
import Foundation
import MoRE

struct AblationOptions: ParsableArguments {
    @Option(name: .long, help: "Folder of the ablation runs (default: <main run folder>-ablation-e<N> beside it).")
    var ablationRuns: String?

    @Option(name: .customLong("ablation-epochs"), help: "Pre-training epochs of every ablation run, the baseline included (default 1).")
    var ablationEpochsOption: Int?

    /// `--ablation-epochs`, 1 when not given.
    var ablationEpochs: Int { ablationEpochsOption ?? 1 }

    /// The options of this group given on the command line, for commands that do not use them.
    var given: [String] {
        optionsGiven([("--ablation-runs", ablationRuns != nil), ("--ablation-epochs", ablationEpochsOption != nil)])
    }

    /// The plan for the run behind `checkpoint` on `data`: `--ablation-runs`, or
    /// `<runs>/<run>-ablation-e<N>` beside the checkpoint's run folder.
    func plan(checkpoint: URL, data: URL, info: CheckpointInfo) throws -> AblationPlan {
        guard ablationEpochs >= 1 else { throw ValidationError("--ablation-epochs must be at least 1, got \(ablationEpochs)") }
        return try AblationPlan(runsDir: runsDir(mainRun: checkpoint.deletingLastPathComponent()), epochs: ablationEpochs,
                                dataDir: data, mainCheckpoint: checkpoint, mainInfo: info)
    }

    /// `--ablation-runs`, or `<run>-ablation-e<N>` beside the main run's folder.
    func runsDir(mainRun run: URL) -> URL {
        ablationRuns.map { URL(fileURLWithPath: $0).standardizedFileURL }
            ?? run.deletingLastPathComponent().appendingPathComponent(run.lastPathComponent + "-ablation-e\(ablationEpochs)")
    }
}
