// more data check — validate a dataset file against the schema (placeholder).

import ArgumentParser

struct DataCheck: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check", abstract: "Validate an HDF5 dataset file.")
    func run() throws { throw ValidationError("not implemented yet") }
}
