// more — the command-line entry point of MoRE.swift.
//
// One subcommand per job a user runs: generating data, pre-training, evaluating, regenerating
// a table or a figure, benchmarking. Each subcommand lives in its own file in this folder.
// Errors a user can cause are reported as one line on stderr with a non-zero exit code.

import ArgumentParser
import Datasets
import Foundation
import TensorCore

@main
struct More: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "more",
        abstract: "MoRE.swift: reproduce 'MoRE: Multi-Modal Contrastive Pre-training with Transformers on X-Rays, ECGs, and Diagnostic Report'.",
        subcommands: [DataCommand.self, Describe.self, Pretrain.self, Runs.self, Embed.self, TableCommand.self, FigureCommand.self, Bench.self, Record.self, ECGCommand.self, XrayCommand.self]
    )

    /// Sets the malloc policy (MemoryPolicy.swift) before any command allocates, the crash
    /// report for damaged HDF5 files (HDF5CrashReport.swift) and the removal of unfinished
    /// writes' temporary files on Ctrl-C or a kill (TemporaryFiles.swift), then parses and runs
    /// the command. Errors are ArgumentParser's one-line reports (exit 1, 64 for usage errors),
    /// except that a usage error raised inside a subcommand's run() points to that subcommand's
    /// `--help` rather than printing the root's usage.
    static func main() {
        MemoryPolicy.keepFreedMemory()
        HDF5CrashReport.install()
        TemporaryFiles.installInterruptHandlers()
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let message = unknownHelpTopic(arguments) ?? emptyArgument(arguments) {
            FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
        var command: ParsableCommand
        do { command = try parseAsRoot() } catch { exit(withError: error) }
        do { try command.run() } catch let error as ValidationError {
            // Thrown by a subcommand's run(): ArgumentParser would add the root's "Usage: more
            // <subcommand>", which says nothing about the command that refused its options.
            let path = (["more"] + More.commandPath(to: type(of: command))).joined(separator: " ")
            FileHandle.standardError.write(Data("Error: \(error.message)\nSee '\(path) --help' for its options.\n".utf8))
            Foundation.exit(ExitCode.validationFailure.rawValue)
        } catch {
            exit(withError: error)
        }
    }

    /// `more help NAME …` with a NAME that is no subcommand: the message listing the valid ones
    /// (ArgumentParser would print the root's help and exit 0, as if the topic existed).
    static func unknownHelpTopic(_ arguments: [String]) -> String? {
        guard arguments.first == "help" else { return nil }
        var command: ParsableCommand.Type = More.self
        var path = ["more"]
        for name in arguments.dropFirst() where !name.hasPrefix("-") {
            let subs = command.configuration.subcommands
            guard let sub = subs.first(where: { ($0.configuration.commandName ?? String(describing: $0).lowercased()) == name }) else {
                let names = subs.map { $0.configuration.commandName ?? String(describing: $0).lowercased() }
                return names.isEmpty
                    ? "'\(path.joined(separator: " "))' has no subcommands ('\(name)' is not one); see '\(path.joined(separator: " ")) --help'"
                    : "no subcommand '\(name)' in '\(path.joined(separator: " "))'; the subcommands are \(names.joined(separator: ", "))"
            }
            command = sub
            path.append(name)
        }
        return nil
    }

    /// An empty argument (`--data ''`, `--out=`, an empty file name): the message naming its
    /// option. An empty path would silently mean the current folder; no option takes an empty value.
    static func emptyArgument(_ arguments: [String]) -> String? {
        for (i, a) in arguments.enumerated() {
            if a.hasPrefix("--"), a.hasSuffix("="), a.count > 3 {
                return "\(a) has an empty value (no option takes one; an empty path would mean the current folder)"
            }
            guard a.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            if i > 0, arguments[i - 1].hasPrefix("-"), !arguments[i - 1].contains("=") {
                return "the argument after \(arguments[i - 1]) is empty (no option takes an empty value; an empty path would mean the current folder)"
            }
            return "argument \(i + 1) is empty (an empty path would mean the current folder)"
        }
        return nil
    }

    /// The subcommand names from `more` down to `target` ("data", "synth"); empty for `more` itself.
    static func commandPath(to target: ParsableCommand.Type, from root: ParsableCommand.Type = More.self) -> [String] {
        for sub in root.configuration.subcommands {
            let name = sub.configuration.commandName ?? String(describing: sub).lowercased()
            if sub == target { return [name] }
            let below = commandPath(to: target, from: sub)
            if !below.isEmpty { return [name] + below }
        }
        return []
    }
}

/// Options every compute-heavy subcommand accepts.
struct ComputeOptions: ParsableArguments {
    @Option(name: .long, help: "Worker threads, 1 to \(ThreadPool.maxThreads) (default: MORE_THREADS or all cores). Results do not depend on it.")
    var threads: Int?

    /// Checks `--threads` and `MORE_THREADS` (a usage error naming the bad one, before any work)
    /// and sets the pool's size.
    func apply(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        // An empty MORE_THREADS (`MORE_THREADS= more …`) means unset, as a shell user expects.
        if let s = environment["MORE_THREADS"], !s.isEmpty {
            guard let n = Int(s), (1...ThreadPool.maxThreads).contains(n) else {
                throw ValidationError("MORE_THREADS='\(s)' must be a whole number from 1 to \(ThreadPool.maxThreads) (this machine has \(cores) cores)")
            }
        }
        if let t = threads {
            guard (1...ThreadPool.maxThreads).contains(t) else {
                throw ValidationError("--threads must be from 1 to \(ThreadPool.maxThreads), got \(t) (this machine has \(cores) cores; results do not depend on it)")
            }
            ThreadPool.shared.setThreadCount(t)
        }
    }
}
