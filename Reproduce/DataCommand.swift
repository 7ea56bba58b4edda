// more data — dataset generation and validation.

import ArgumentParser

struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Generate, convert and validate datasets (HDF5).",
        subcommands: [DataSynth.self, DataCheck.self, DataConvert.self])
}
