// Gnuplot — finds the gnuplot executable and runs one script in a given folder.
//
// The script is run with the figure's folder as working directory, so every file name inside
// it is relative and `cd Figures && gnuplot figure2.gp` reproduces the output. The environment
// is pinned (`LC_ALL=C`, no `GNUPLOT_LIB`/`GNUPLOT_DRIVER_DIR` surprises) so number formatting in
// tick labels does not depend on the user's locale. What it deliberately does not do: talk to an
// interactive gnuplot over a pipe; every figure is a file that can be re-run.

import Foundation

/// Locates and runs gnuplot.
///
///     let exe = try Gnuplot.locate()
///     try Gnuplot.run(script: "figure2.gp", in: figuresFolder, executable: exe)
public enum Gnuplot {
    /// The gnuplot executable: `$GNUPLOT` if set, else the first `gnuplot` on `$PATH`
    /// (`/usr/bin:/usr/local/bin:/opt/homebrew/bin` when `PATH` is unset).
    /// Throws `PlotError.gnuplotMissing` with installation instructions when none is found.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> URL {
        let fm = FileManager.default
        if let explicit = environment["GNUPLOT"], !explicit.isEmpty {
            guard fm.isExecutableFile(atPath: explicit) else { throw PlotError.gnuplotMissing(searched: "GNUPLOT=\(explicit)") }
            return URL(fileURLWithPath: explicit)
        }
        let folders = (environment["PATH"] ?? "/usr/bin:/usr/local/bin:/opt/homebrew/bin")
            .split(separator: ":").map(String.init)
        for folder in folders where !folder.isEmpty {
            let candidate = URL(fileURLWithPath: folder).appendingPathComponent("gnuplot")
            if fm.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw PlotError.gnuplotMissing(searched: "PATH=\(folders.joined(separator: ":"))")
    }

    /// The version line (`gnuplot 5.4 patchlevel 4`) of `executable`.
    public static func version(executable: URL) throws -> String {
        let (status, out, err) = try execute(executable, arguments: ["--version"], in: nil)
        guard status == 0 else { throw PlotError.gnuplotFailed(script: "--version", status: status, stderr: err) }
        return out.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs `gnuplot <script>` with `directory` as working directory.
    /// Throws `PlotError.gnuplotFailed` carrying gnuplot's stderr when it exits non-zero.
    /// Warnings (e.g. an empty relevance layer) do not fail the figure.
    public static func run(script: String, in directory: URL, executable: URL) throws {
        try run(arguments: [script], in: directory, executable: executable)
    }

    /// Runs `gnuplot <arguments>` (the last argument is the script) in `directory`.
    public static func run(arguments: [String], in directory: URL, executable: URL) throws {
        let script = arguments.last ?? ""
        let (status, _, err) = try execute(executable, arguments: arguments, in: directory)
        let trimmed = err.trimmingCharacters(in: .whitespacesAndNewlines)
        if status != 0 {
            throw PlotError.gnuplotFailed(script: directory.appendingPathComponent(script).path,
                                          status: status, stderr: trimmed)
        }
    }

    /// Runs a process to completion and returns (status, stdout, stderr).
    static func execute(_ executable: URL, arguments: [String], in directory: URL?) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var env = ProcessInfo.processInfo.environment
        env["LC_ALL"] = "C"
        env["LANG"] = "C"
        env.removeValue(forKey: "GNUTERM")
        env.removeValue(forKey: "DISPLAY")
        process.environment = env
        let outPipe = Pipe(), errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw PlotError.gnuplotMissing(searched: "\(executable.path) (\(error.localizedDescription))")
        }
        // Drain both pipes concurrently so a chatty gnuplot cannot block on a full pipe.
        let errBox = DataBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errBox.data = errPipe.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = outPipe.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return (process.terminationStatus,
                String(decoding: outData, as: UTF8.self),
                String(decoding: errBox.data, as: UTF8.self))
    }

    /// Holds the stderr bytes read on another thread (written once, read after `group.wait()`).
    private final class DataBox: @unchecked Sendable { var data = Data() }
}
