// TableDocument — one regenerated table: a provenance block, the claim it tests, the protocol,
// and one or more Markdown tables, written as `Tables/<name>.md` plus one CSV per table
// (`Tables/<name>.csv`, or `<name>-<part>.csv`). All of them are written through temporary files
// renamed together (`writeAllOrNone`), so a table's files always come from one run. Nothing in
// the output depends on the clock except the one wall-time line of the Markdown provenance
// block (`TableDocument.wallTimePrefix`), which is kept out of the CSV:
// with the same seed, data and checkpoint the CSVs are byte-identical and the Markdown files are
// byte-identical once that line is removed (Tests/ReproduceTests/TableRegenerationTests.swift).

import Datasets
import Foundation
import MoRE
import TensorCore

/// One Markdown/CSV table.
struct TablePart {
    var title: String
    var columns: [String]
    var rows: [[String]]
    /// Suffix of the CSV file ("" = `<name>.csv`).
    var csvSuffix: String = ""
    var notes: [String] = []
}

/// A path as provenance shows it: relative to the working directory when inside it (`make`
/// runs from the repository root, so a reader's clone resolves it), absolute otherwise. Inside
/// is checked on the path as given first (a symlinked `out/runs/…` stays `out/runs/…`), then
/// with symlinks resolved on both sides.
func displayPath(_ url: URL) -> String {
    let path = url.standardizedFileURL.path, real = url.resolvingSymlinksInPath().path
    let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    for (p, c) in [(path, cwd.standardizedFileURL.path), (real, cwd.resolvingSymlinksInPath().path)] where p.hasPrefix(c + "/") {
        return String(p.dropFirst(c.count + 1))
    }
    return path
}

/// How a table or figure was made, for the first provenance line: `make NAME` when `make` ran
/// the command (its recipes see `MAKELEVEL`), else the command line itself, quoted for a shell
/// (`more table table-zeroshot-cxr --data data/real …`), so that a table made by hand with its
/// own data or seed does not claim to be the Makefile's.
func generatedBy(_ name: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                 arguments: [String] = CommandLine.arguments) -> String {
    if environment["MAKELEVEL"] != nil || arguments.isEmpty { return "`make \(name)`" }
    let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./=:,@%+-")
    func quoted(_ a: String) -> String {
        !a.isEmpty && a.allSatisfy(safe.contains) ? a : "'" + a.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
    return "`" + (["more"] + arguments.dropFirst().map(quoted)).joined(separator: " ") + "`"
}

/// Where a table's numbers came from.
struct Provenance {
    var dataset: String
    var datasetHash: String
    var config: String
    var configHash: String
    var seed: UInt64
    var checkpoint: String
    var extra: [(String, String)] = []

    var lines: [(String, String)] {
        [("dataset", dataset), ("dataset hash", datasetHash),
         ("config", "\(config) (hash \(configHash))"), ("seed", String(seed)), ("checkpoint", checkpoint),
         ("commit", codeCommit), ("machine", machineDescription())] + extra
    }
}

/// A whole table file.
struct TableDocument {
    var name: String
    var title: String
    var claim: String
    var protocolText: String
    var provenance: Provenance
    var parts: [TablePart]
    var discussion: [String] = []
    /// The pre-training behind the table, for its wall-time line: ("the checkpoint", 731.9), …
    var training: [(String, Double)] = []

    /// The start of the only line that depends on the clock.
    static let wallTimePrefix = "> - wall time: "

    /// The provenance line with the wall time (tables and figure provenance files), followed by
    /// the wall time of the pre-training runs behind it when known:
    /// `> - wall time: 5.2 s; pre-training: 731.9 s (the checkpoint)`.
    static func wallTimeLine(_ seconds: Double, training: [(String, Double)] = []) -> String {
        let runs = training.map { "\(String(format: "%.1f", $0.1)) s (\($0.0))" }
        return wallTimePrefix + "\(String(format: "%.1f", seconds)) s" + (runs.isEmpty ? "" : "; pre-training: " + runs.joined(separator: ", ")) + "\n"
    }

    /// The wall time of the pre-training run of `checkpoint`, from `summary.json` beside it (nil
    /// when the run left none, e.g. a run stopped early by hand).
    static func trainingSeconds(checkpoint: URL) -> Double? {
        TrainSummary.read(from: checkpoint.deletingLastPathComponent())?.wallSeconds
    }

    /// Writes `<dir>/<name>.md` and the CSVs, all or none (`writeAllOrNone`: a failed write
    /// leaves the table's previous files as they were); returns the Markdown path.
    @discardableResult
    func write(to dir: URL, wallSeconds: Double) throws -> URL {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var files: [(URL, Data)] = []
        var md = "# \(title)\n\n"
        md += "> **Provenance** — generated by \(generatedBy(name)); do not edit by hand.\n"
        for (k, v) in provenance.lines { md += "> - \(k): \(v)\n" }
        md += TableDocument.wallTimeLine(wallSeconds, training: training) + "\n"
        md += "**Claim tested.** \(claim)\n\n**Protocol.** \(protocolText)\n\n"
        for p in parts {
            md += "## \(p.title)\n\n"
            md += "| " + p.columns.joined(separator: " | ") + " |\n"
            md += "|" + p.columns.map { _ in "---" }.joined(separator: "|") + "|\n"
            for r in p.rows { md += "| " + r.joined(separator: " | ") + " |\n" }
            md += "\n"
            for n in p.notes { md += "\(n)\n\n" }
            var csv = p.columns.map(csvField).joined(separator: ",") + "\n"
            for r in p.rows { csv += r.map(csvField).joined(separator: ",") + "\n" }
            let csvName = p.csvSuffix.isEmpty ? "\(name).csv" : "\(name)-\(p.csvSuffix).csv"
            files.append((dir.appendingPathComponent(csvName), Data(csv.utf8)))
        }
        for d in discussion { md += "\(d)\n\n" }
        let url = dir.appendingPathComponent("\(name).md")
        try writeAllOrNone(files + [(url, Data(md.utf8))])
        return url
    }
}

func csvField(_ s: String) -> String {
    let plain = s.replacingOccurrences(of: "**", with: "")
    return plain.contains(",") || plain.contains("\"") ? "\"" + plain.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : plain
}

/// "x.xxx [lo, hi]" with three decimals, or "n/a" for NaN.
func fmt(_ x: Double, _ lo: Double? = nil, _ hi: Double? = nil, digits: Int = 3) -> String {
    guard x.isFinite else { return "n/a" }
    let f = "%.\(digits)f"
    if let lo, let hi, lo.isFinite, hi.isFinite {
        return String(format: f, x) + " [" + String(format: f, lo) + ", " + String(format: f, hi) + "]"
    }
    return String(format: f, x)
}

/// The paper's value: unknown to us for every cell (MoRE-reference §4).
let paperValue = "not available"

/// The fields of the first processor in /proc/cpuinfo ("model name", "cpu family", "flags", …);
/// empty where there is no such file.
func cpuInfo() -> [String: String] {
    let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    var fields: [String: String] = [:]
    for line in info.split(separator: "\n") {
        let parts = line.split(separator: ":", maxSplits: 1)
        guard parts.count == 2 else { continue }
        let key = parts[0].trimmingCharacters(in: .whitespaces)
        if fields[key] == nil { fields[key] = parts[1].trimmingCharacters(in: .whitespaces) }
    }
    return fields
}

/// CPU model, x86 family/model numbers, core count (from /proc/cpuinfo) and the GEMM kernel
/// layout of this build — e.g. "AMD EPYC (family 25, model 1), 2 cores, GEMM kernel 6x16 ymm
/// halves, …". Two machines can share a model name (both of our hosts read "AMD EPYC") and
/// give the same bytes at different speeds, so wall times are read against all of it.
func machineDescription() -> String {
    let fields = cpuInfo()
    let model = fields["model name"] ?? "unknown CPU"
    let numbers = [fields["cpu family"].map { "family \($0)" }, fields["model"].map { "model \($0)" }].compactMap { $0 }
    let cpu = numbers.isEmpty ? model : "\(model) (\(numbers.joined(separator: ", ")))"
    return "\(cpu), \(ProcessInfo.processInfo.activeProcessorCount) cores, GEMM kernel \(gemmKernelLayout)"
}
