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
        let (status, text) = try runMore(["table", "table-nope"])
        XCTAssertEqual(status, 64)
        XCTAssertTrue(text.hasPrefix("Error: unknown table 'table-nope'; use one of table-params"), text)
        XCTAssertTrue(text.hasSuffix("\nSee 'more table --help' for its options.\n"), text)
        XCTAssertFalse(text.contains("<subcommand>"), text)
    }

    /// An empty argument is refused before parsing, naming the option it belongs to: an empty
    /// path would silently mean the current folder.
    func testEmptyArgumentsAreUsageErrors() {
        XCTAssertNil(More.emptyArgument(["table", "table-params", "--out", "T"]))
        XCTAssertTrue(More.emptyArgument(["table", "x", "--data", ""])?.hasPrefix("the argument after --data is empty") == true)
        XCTAssertTrue(More.emptyArgument(["embed", "--out="])?.hasPrefix("--out= has an empty value") == true)
        XCTAssertTrue(More.emptyArgument(["data", "check", " "])?.hasPrefix("argument 3 is empty") == true)
    }

    /// `more help NAME` with a NAME that is no subcommand is an error listing the subcommands
    /// (ArgumentParser alone prints the root's help and exits 0).
    func testHelpOnAnUnknownTopicIsAnError() throws {
        XCTAssertNil(More.unknownHelpTopic(["help"]))
        XCTAssertNil(More.unknownHelpTopic(["help", "data", "synth"]))
        XCTAssertNil(More.unknownHelpTopic(["table", "help"]))
        let top = try XCTUnwrap(More.unknownHelpTopic(["help", "nosuch"]))
        XCTAssertTrue(top.hasPrefix("no subcommand 'nosuch' in 'more'; the subcommands are data, describe, pretrain"), top)
        let sub = try XCTUnwrap(More.unknownHelpTopic(["help", "data", "nope"]))
        XCTAssertTrue(sub.hasPrefix("no subcommand 'nope' in 'more data'; the subcommands are synth"), sub)
        XCTAssertTrue(try XCTUnwrap(More.unknownHelpTopic(["help", "record", "x"])).hasPrefix("'more record' has no subcommands"))

        let (status, text) = try runMore(["help", "nosuch"])
        XCTAssertEqual(status, 64)
        XCTAssertTrue(text.hasPrefix("Error: no subcommand 'nosuch'"), text)
    }

    /// Runs the `more` binary; its exit status and stderr (stdout discarded).
    func runMore(_ arguments: [String]) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = try ConvertedEndToEndTests.moreBinary()
        p.arguments = arguments
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return (p.terminationStatus, text)
    }
}
