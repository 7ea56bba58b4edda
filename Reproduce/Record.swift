// more record — the provenance record of a whole job such as `make reproduce`: commit, machine,
// settings, finish time and wall time, written atomically to one Markdown file. The machine line
// is the one every table's provenance block carries (`machineDescription()`), so the record and
// the tables cannot describe the machine differently.
//
// Deliberately not here: timing the job itself (the caller passes the time it started, so the
// record covers everything the caller ran, the build included).

import ArgumentParser
import Foundation
import Datasets
import MoRE

struct Record: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the provenance record of a finished job (what `make reproduce` writes to Tables/reproduce.provenance.md).",
        discussion: """
        The wall time runs from --started (seconds since 1970, e.g. `date +%s` taken when the job \
        began) to now. The commit is MORE_COMMIT (set by the Makefile), the machine the same line \
        as in every table's provenance block.
        """)

    @Option(name: .long, help: "Title of the record, e.g. \"make reproduce\".")
    var title: String

    /// The longest job a record can cover, 30 days: an earlier --started is a mistake (a
    /// duration, a millisecond time, a stale start file), not a job.
    static let longestJob: Double = 30 * 86_400

    @Option(name: .long, help: "When the job began, in seconds since 1970 (`date +%s`), at most 30 days ago.")
    var started: Double

    @Option(name: .long, help: "The job's settings, one line (config, seed, data, runs).")
    var settings: String

    @Option(name: .long, help: "What the wall time covers, one line.")
    var covers: String

    @Option(name: .long, help: "Markdown file to write (atomically).")
    var out: String

    func run() throws {
        let now = Date()
        let wall = now.timeIntervalSince1970 - started
        guard started > 0, wall >= 0, wall <= Record.longestJob else {
            throw ValidationError(wall < 0
                ? "--started \(Int(started)) is after now (\(Int(now.timeIntervalSince1970))): it must be when the job began, in seconds since 1970 (`date +%s`)"
                : "--started must be when the job began, in seconds since 1970 (`date +%s`), at most \(Int(Record.longestJob / 86_400)) days ago; got \(started)\(started > 0 ? ", \(Int(wall / 86_400)) days ago" : "")")
        }
        for (name, value) in [("--title", title), ("--settings", settings), ("--covers", covers)] {
            guard !value.trimmingCharacters(in: .whitespaces).isEmpty, !value.contains(where: \.isNewline) else {
                throw ValidationError("\(name) must be one non-empty line, got \(value.debugDescription)")
            }
        }
        let text = ReproduceRecord(title: title, commit: codeCommit, machine: machineDescription(), settings: settings,
                                   finished: now, wallSeconds: wall, covers: covers).markdown
        try atomicWrite(Data(text.utf8), to: URL(fileURLWithPath: out))
        print("\(title) took \(Int(wall.rounded())) s; recorded in \(out)")
    }
}

/// The record's content, as plain data so that its format is tested apart from the clock.
struct ReproduceRecord {
    var title: String
    var commit: String
    var machine: String
    var settings: String
    var finished: Date
    var wallSeconds: Double
    var covers: String

    var markdown: String {
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime]
        return """
        # \(title)

        > **Provenance** — written by `\(title)`; do not edit by hand.
        > - commit: \(commit)
        > - machine: \(machine)
        > - config: \(settings)
        > - finished: \(iso.string(from: finished))
        > - wall time: \(Int(wallSeconds.rounded())) s (\(covers))

        """
    }
}
