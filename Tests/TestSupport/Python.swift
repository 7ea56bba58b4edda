// Python — running python3 oracles from tests (h5py, PyTorch): skip when the modules are
// missing, fail with Python's stderr when the script fails. The project never needs Python to
// build or to pass `make test`; these tests skip with a message instead.

import Foundation
import Synchronization
import XCTest

/// A python3 script that exited with a non-zero status.
public struct PythonScriptError: Error, CustomStringConvertible {
    public var script: String
    public var status: Int32
    public var stderr: String
    public var description: String { "\(script): exit status \(status): \(stderr)" }
}

public enum Python {
    /// Which `import …` lines python3 could run, probed once per test process.
    private static let probes = Mutex<[String: Bool]>([:])

    /// Runs `python3 arguments…`; returns the exit status and stderr (stdout is discarded).
    public static func run(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let r = try capture(arguments, keepOutput: false)
        return (r.status, r.stderr)
    }

    /// Runs `python3 arguments…`; returns the exit status, stdout and stderr (stdout goes
    /// through a temporary file, so neither pipe can fill while the other is read).
    public static func capture(_ arguments: [String], keepOutput: Bool = true) throws -> (status: Int32, stdout: String, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3"] + arguments
        let err = Pipe()
        p.standardError = err
        let outURL = FileManager.default.temporaryDirectory.appendingPathComponent("python-stdout-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: outURL) }
        var out: FileHandle? = nil
        if keepOutput {
            guard FileManager.default.createFile(atPath: outURL.path, contents: nil) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: outURL.path])
            }
            out = try FileHandle(forWritingTo: outURL)
        }
        defer { try? out?.close() }
        p.standardOutput = out ?? FileHandle.nullDevice
        try p.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        let output = keepOutput ? ((try? String(contentsOf: outURL, encoding: .utf8)) ?? "") : ""
        return (p.terminationStatus, output, message)
    }

    /// Throws XCTSkip unless `python3 -c "import <modules>"` succeeds (probed once per process).
    public static func require(modules: [String], install: String? = nil) throws {
        let imports = "import " + modules.joined(separator: ", ")
        let available = probes.withLock { cache in
            if let known = cache[imports] { return known }
            let ok = ((try? run(["-c", imports]))?.status ?? 127) == 0
            cache[imports] = ok
            return ok
        }
        if !available {
            let hint = install ?? "pip install " + modules.joined(separator: " ")
            throw XCTSkip("python3 with \(modules.joined(separator: ", ")) is not available (\(hint)): skipping the Python cross-check")
        }
    }

    /// Runs `python3 script arguments…` after `require(modules:)`; a non-zero exit throws
    /// `PythonScriptError` with the script's stderr.
    public static func runScript(_ script: String, _ arguments: [String], modules: [String], install: String? = nil) throws {
        try require(modules: modules, install: install)
        let (status, message) = try run([script] + arguments)
        if status != 0 { throw PythonScriptError(script: script, status: status, stderr: message) }
    }
}
