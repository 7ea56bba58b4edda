// more data check — validates HDF5 dataset files against the schema (DatasetSchema.swift) and
// prints, per file, the datasets with dtypes and shapes, N, label sets with their columns, root
// attributes, value ranges, and every problem found, then one summary line on stdout ("13
// files, all valid", "2 of 13 files invalid"). Exit status 1 when any file is invalid or
// cannot be opened, so `more data check FILE && train` is safe. A folder stands for its `.h5`
// files (`more data check out/synthetic-s42-n3000` checks the whole cohort); a folder without
// any is an error saying so. A file that cannot be opened is reported as "Error: FILE: …", the
// prefix of every other command's errors, and the check goes on with the next file.
// Deliberately not here: the checks themselves (Sources/Datasets/HDF5/HDF5Validator.swift).

import ArgumentParser
import Datasets
import Foundation

struct DataCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate HDF5 dataset files against the schema; exit 1 when any is invalid.")

    @Argument(help: "HDF5 dataset files (one split each), or dataset folders: every .h5 file in them.")
    var files: [String]

    @Flag(name: .long, help: "Check structure only: skip streaming through the values (NaN/Inf, X-ray range, duplicate ids).")
    var structureOnly = false

    /// The files to check: each argument that is a folder stands for its `.h5` files in name
    /// order (a `DataError` naming the folder, "no .h5 files in this folder", when it has none);
    /// any other argument for itself.
    func expandedFiles() throws -> [String] {
        try files.flatMap { path -> [String] in
            let url = URL(fileURLWithPath: path)
            guard isFolder(url) else { return [path] }
            let all: [String]
            do { all = try FileManager.default.contentsOfDirectory(atPath: path) } catch {
                throw DataError.malformed(file: url.path, field: "*.h5", reason: "cannot list this folder: \(plainReason(error))")
            }
            let names = all.filter { $0.hasSuffix(".h5") && !$0.hasPrefix(".") }.sorted()
            guard !names.isEmpty else { throw DataCheck.noDatasetFiles(url) }
            return names.map { url.appendingPathComponent($0).path }
        }
    }

    /// The error for a folder without `.h5` files: "FOLDER: no .h5 files in this folder".
    static func noDatasetFiles(_ folder: URL) -> DataError { .noFiles(folder: folder.path, pattern: ".h5") }

    /// The last line of a check: "1 file, valid", "13 files, all valid", "2 of 13 files invalid".
    static func summaryLine(failed: Int, of total: Int) -> String {
        if failed == 0 { return total == 1 ? "1 file, valid" : "\(total) files, all valid" }
        return total == 1 ? "1 file, invalid" : "\(failed) of \(total) files invalid"
    }

    func run() throws {
        var failed = 0
        let files = try expandedFiles()
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
            } catch let error as DataError {
                FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
                failed += 1
            }
        }
        print("\n" + DataCheck.summaryLine(failed: failed, of: files.count))
        if failed > 0 { throw ExitCode(1) }
    }
}
