import XCTest
import TensorCore
@testable import more

/// The options every compute-heavy subcommand shares (Reproduce/More.swift).
final class MoreTests: XCTestCase {
    /// A thread count outside 1…256, from `--threads` or `MORE_THREADS`, is a usage error (exit 64)
    /// naming the option, raised before the pool changes size.
    func testThreadCountsOutsideTheRangeAreUsageErrors() throws {
        let pool = ThreadPool.shared, saved = pool.threadCount
        defer { pool.setThreadCount(saved) }
        for bad in ["0", "257", "100000"] {
            let options = try ComputeOptions.parse(["--threads", bad])
            XCTAssertThrowsError(try options.apply(environment: [:])) { e in
                XCTAssertTrue(More.message(for: e).hasPrefix("--threads must be from 1 to 256, got \(bad)"), More.message(for: e))
                XCTAssertEqual(More.exitCode(for: e).rawValue, 64)
            }
            XCTAssertEqual(pool.threadCount, saved)
        }
        for bad in ["0", "300", "two"] {
            XCTAssertThrowsError(try ComputeOptions.parse([]).apply(environment: ["MORE_THREADS": bad])) { e in
                XCTAssertTrue(More.message(for: e).hasPrefix("MORE_THREADS='\(bad)' must be a whole number from 1 to 256"), More.message(for: e))
            }
        }
        // Empty is unset, as in a shell (`MORE_THREADS= more …`): no error, the pool unchanged.
        try ComputeOptions.parse([]).apply(environment: ["MORE_THREADS": ""])
        XCTAssertEqual(pool.threadCount, saved)
        try ComputeOptions.parse(["--threads", "3"]).apply(environment: ["MORE_THREADS": "2"])
        XCTAssertEqual(pool.threadCount, 3)
    }

    func testCommandPathsFollowTheSubcommandTree() {
        XCTAssertEqual(More.commandPath(to: TableCommand.self), ["table"])
        XCTAssertEqual(More.commandPath(to: DataSynth.self), ["data", "synth"])
        XCTAssertEqual(More.commandPath(to: More.self), [])
    }

    /// A usage error raised by a subcommand's run() names that subcommand's help, not the root's
    /// "Usage: more <subcommand>", and exits with 64.
    func testAUsageErrorFromRunPointsToItsCommandsHelp() throws {
        let p = Process()
        p.executableURL = try ConvertedEndToEndTests.moreBinary()
        p.arguments = ["table", "table-nope"]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 64)
        XCTAssertTrue(text.hasPrefix("Error: unknown table 'table-nope'; use one of table-params"), text)
        XCTAssertTrue(text.hasSuffix("\nSee 'more table --help' for its options.\n"), text)
        XCTAssertFalse(text.contains("<subcommand>"), text)
    }
}
