// more data check — validates HDF5 dataset files against the schema (DatasetSchema.swift) and
// prints, per file, the datasets with dtypes and shapes, N, label sets with their columns, root
// attributes, value ranges, and every problem found, then one summary line on stdout ("13
// files, all valid", "2 of 13 files invalid"). Exit status 1 when any file is invalid or
// cannot be opened, so `more data check FILE && train` is safe. A folder stands for its `.h5`
// files (`more data check out/synthetic-s42-n3000` checks the whole cohort); a folder without
// any is an error saying so. A file that cannot be opened is reported as "Error: FILE: …", the
// prefix of every other command's errors, and the check goes on with the next file.
//
// A folder argument is a dataset folder: before the summary line comes a section saying, per
// table and figure, whether the folder can make it ("ok") or what it lacks ("edema_test.h5: no
// label set 'edema_severity'", from Tables/DataRequirements.swift), the content of the label
// sets included ("chexpert5x200.h5: label set 'chexpert5_class' has no class 'Edema' (…)",
// LabelContentCheck.swift: the label sets are read, also with --structure-only; no image or
// signal). Files named one by one get no such section (a lone file is not a folder a table
// reads). The section informs; `--for NAME,…` (or `all`) makes a gap of the named tables and
// figures an error (exit 1).
// Deliberately not here: the checks themselves (Sources/Datasets/HDF5/HDF5Validator.swift).

import ArgumentParser
import Datasets
import Foundation

struct DataCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate HDF5 dataset files against the schema; exit 1 when any is invalid.",
        discussion: """
            A folder argument stands for its .h5 files, and the check ends with what the folder can make: \
            each table and figure that reads split files, "ok" or the files and label sets it lacks, \
            and the classes, label values and usable rows its label sets lack (read from the labels alone). \
            That section does not change the exit status unless --for names the tables and figures \
            that must be makeable (e.g. --for table-edema-severity,figure2, or --for all).
            """)

    @Argument(help: "HDF5 dataset files (one split each), or dataset folders: every .h5 file in them.")
    var files: [String]

    @Flag(name: .long, help: "Check structure only: skip streaming through the values (NaN/Inf, X-ray range, duplicate ids).")
    var structureOnly = false

    @Option(name: .customLong("for"), help: ArgumentHelp(
        "Tables and figures the folder must be able to make (comma-separated, or all); a file or label set one of them lacks is then an error (exit 1).",
        valueName: "names"))
    var required: [String] = []

    func validate() throws {
        let names = try DataCheck.targets(required)
        if !names.isEmpty && !files.contains(where: { isFolder(URL(fileURLWithPath: $0)) }) {
            throw ValidationError("--for needs a dataset folder among the arguments (the tables read a folder's split files, not single files)")
        }
    }

    /// The tables and figures named by `--for` values ("table-retrieval,figure2", "all"), in the
    /// order of `DataRequirements.all`; a name that is not one of them is a usage error listing
    /// the names it takes.
    static func targets(_ values: [String]) throws -> [String] {
        let valid = DataRequirements.all.map(\.name)
        var named: Set<String> = []
        for v in values.flatMap({ $0.split(separator: ",") }).map({ $0.trimmingCharacters(in: .whitespaces) }) where !v.isEmpty {
            if v == "all" { named.formUnion(valid); continue }
            guard valid.contains(v) else {
                let why = DataRequirements.needNoSplit.contains(v) ? "\(v) reads no split file, any folder makes it" : "unknown table or figure '\(v)'"
                throw ValidationError("--for: \(why); use all or any of \(valid.joined(separator: ", "))")
            }
            named.insert(v)
        }
        return valid.filter(named.contains)
    }

    /// The files to check: each argument that is a folder stands for its `.h5` files in name
    /// order (a `DataError` naming the folder, "no .h5 files in this folder", when it has none);
    /// any other argument for itself.
    func expandedFiles() throws -> [String] { try expandedArguments().flatMap(\.files) }

    /// The files to check by argument, with the folder when the argument is one.
    func expandedArguments() throws -> [(folder: URL?, files: [String])] {
        try files.map { path -> (folder: URL?, files: [String]) in
            let url = URL(fileURLWithPath: path)
            guard isFolder(url) else { return (nil, [path]) }
            let all: [String]
            do { all = try FileManager.default.contentsOfDirectory(atPath: path) } catch {
                throw DataError.malformed(file: url.path, field: "*.h5", reason: "cannot list this folder: \(plainReason(error))")
            }
            let names = all.filter { $0.hasSuffix(".h5") && !$0.hasPrefix(".") }.sorted()
            guard !names.isEmpty else { throw DataCheck.noDatasetFiles(url) }
            return (url, names.map { url.appendingPathComponent($0).path })
        }
    }

    /// The error for a folder without `.h5` files: "FOLDER: no .h5 files in this folder".
    static func noDatasetFiles(_ folder: URL) -> DataError { .noFiles(folder: folder.path, pattern: ".h5") }

    /// The last line of a check: "1 file, valid", "13 files, all valid", "2 of 13 files invalid".
    static func summaryLine(failed: Int, of total: Int) -> String {
        if failed == 0 { return total == 1 ? "1 file, valid" : "\(total) files, all valid" }
        return total == 1 ? "1 file, invalid" : "\(failed) of \(total) files invalid"
    }

    /// What each table and figure lacks in a folder whose split files were checked: split name
    /// → contents (`SplitContents`; a file not checked is missing), in `DataRequirements.all` order;
    /// with `labels` (the folder's label sets), also the gaps in their content (`labelGaps`).
    static func gaps(_ folder: [String: SplitContents], labels: LabelCache? = nil) -> [(name: String, missing: [MissingData])] {
        DataRequirements.all.map { r in
            let structural = r.missing(in: folder)
            return (r.name, structural + (labels.map { r.labelGaps($0, structural: structural) } ?? []))
        }
    }

    /// The section on what a folder can make: a heading naming `folder`, one line per table and
    /// figure ("ok", or its first gap; further gaps on lines of their own under it), and the names
    /// that need no split file.
    ///
    ///     tables and figures from data/real:
    ///       table-zeroshot-cxr     ok
    ///       table-edema-severity   edema_test.h5: no label set 'edema_severity'
    static func section(folder: String, gaps: [(name: String, missing: [MissingData])]) -> String {
        let width = (gaps.map(\.name.count).max() ?? 0) + 3
        var lines = ["tables and figures from \(folder):"]
        for (name, missing) in gaps {
            let text = missing.isEmpty ? ["ok"] : DataRequirements.lines(missing)
            for (i, t) in text.enumerated() {
                lines.append("  " + (i == 0 ? name : "").padding(toLength: width, withPad: " ", startingAt: 0) + t)
            }
        }
        lines.append("  (" + englishList(DataRequirements.needNoSplit) + " read no split file.)")
        return lines.joined(separator: "\n")
    }

    func run() throws {
        var failed = 0
        let arguments = try expandedArguments()
        let files = arguments.flatMap(\.files)
        var contents: [String: SplitContents] = [:]   // by path
        for (i, path) in files.enumerated() {
            if i > 0 { print("") }
            let url = URL(fileURLWithPath: path)
            let start = Date()
            do {
                let report = try validateDataset(url, checkValues: !structureOnly)
                print(report.text)
                let bytes = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
                print(String(format: "size %.1f MB, checked in %.2f s", Double(bytes) / 1e6, Date().timeIntervalSince(start)))
                if !report.isValid { failed += 1 }
                contents[path] = SplitContents(report, invalidIsUnusable: true)
            } catch let error as DataError {
                fflush(stdout)   // after the report of the files before it, also through a pipe
                FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
                failed += 1
                contents[path] = .unusable("cannot be opened (the error is above)")
            }
        }
        let wanted = try DataCheck.targets(required)
        var unmet: [String] = []
        for (folder, paths) in arguments {
            guard let folder else { continue }
            var splits: [String: SplitContents] = [:]
            for p in paths { splits[URL(fileURLWithPath: p).deletingPathExtension().lastPathComponent] = contents[p] }
            let gaps = DataCheck.gaps(splits, labels: LabelCache(folder: folder))
            let shown = folder.relativePath   // as typed
            print("\n" + DataCheck.section(folder: shown, gaps: gaps))
            for (name, missing) in gaps where wanted.contains(name) && !missing.isEmpty {
                unmet.append("\(name) cannot be made from \(shown): " + DataRequirements.lines(missing).joined(separator: "; "))
            }
        }
        print("\n" + DataCheck.summaryLine(failed: failed, of: files.count))
        fflush(stdout)   // the errors after the report also when stdout is a pipe
        for u in unmet { FileHandle.standardError.write(Data("Error: \(u)\n".utf8)) }
        if failed > 0 || !unmet.isEmpty { throw ExitCode(1) }
    }
}
