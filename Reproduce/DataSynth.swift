// more data synth — the synthetic tri-modal cohort (placeholder until the generator lands).

import ArgumentParser

struct DataSynth: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "synth", abstract: "Generate the synthetic tri-modal cohort.")
    func run() throws { throw ValidationError("not implemented yet") }
}
