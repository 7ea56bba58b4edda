// more describe — the module tree of a config with parameter counts and trainable fractions.

import ArgumentParser
import MoRE
import NN

struct Describe: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a config's module tree with parameter counts and trainable fractions.")

    @Option(name: .long, help: "Config name (tiny, paper) or a JSON file of overrides.")
    var config: String = "tiny"

    @Option(name: .long, help: "Depth of the module tree to print.")
    var depth: Int = 2

    @Flag(name: .long, help: "Also print the config as JSON.")
    var json = false

    func run() throws {
        let c = try MoREConfig.load(config)
        // Only the shapes are printed, so the weights are not drawn (Init.placeholdersOnly).
        let model = Init.$placeholdersOnly.withValue(true) { MoREModel(config: c, seed: c.optim.seed) }
        print(model.describe(depth: depth))
        print("")
        for s in model.componentSummary {
            print("\(s.name.padding(toLength: 22, withPad: " ", startingAt: 0)) \(String(s.total).leftPad(12)) params, \(String(s.trainable).leftPad(11)) trainable (\(String(format: "%.3f", 100 * s.fraction)) %)")
        }
        if json { print(c.json()) }
    }
}
