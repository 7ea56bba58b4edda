// TestSupport — assertions and fixture lookup shared by every test target.
//
// Fixtures: the open real data and the golden values live in `../shared/` beside the
// repository (or wherever `MORE_SHARED` points). Tests that need them call
// `try Fixtures.shared("reference/minilm.json")`, which skips the test with a message naming
// the missing path when it is absent. Generated artefacts (models fetched by the Makefile)
// are found with `Fixtures.repo(...)`, which skips likewise; files committed to the repository
// (the goldens of Tests/Golden, the PyTorch twin) with `Fixtures.committed(...)`, whose
// absence is a failure: a test must not turn into a skip because its golden was deleted.

import Foundation
import XCTest
import TensorCore

public enum Fixtures {
    /// Root of the repository (two levels above this file's folder).
    public static let repoRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The shared folder: `MORE_SHARED`, else `<repo>/../shared`.
    public static var sharedRoot: URL {
        if let s = ProcessInfo.processInfo.environment["MORE_SHARED"], !s.isEmpty {
            return URL(fileURLWithPath: s)
        }
        return repoRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }

    /// A file or folder under the shared folder; skips the test if it is missing.
    public static func shared(_ relative: String) throws -> URL {
        let url = sharedRoot.appendingPathComponent(relative)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw XCTSkip("fixture \(url.path) is missing (set MORE_SHARED to the shared/ folder)")
        }
        return url
    }

    /// A file under the repository; skips the test with `hint` if it is missing.
    public static func repo(_ relative: String, hint: String) throws -> URL {
        let url = repoRoot.appendingPathComponent(relative)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw XCTSkip("\(url.path) is missing: \(hint)")
        }
        return url
    }

    /// A file committed to the repository; its absence (or a malformed fixture, `FixtureError`)
    /// fails the test instead of skipping it.
    public static func committed(_ relative: String) throws -> URL {
        let url = repoRoot.appendingPathComponent(relative)
        guard FileManager.default.fileExists(atPath: url.path) else { throw FixtureError.missing(path: url.path) }
        return url
    }

    /// The pretrained MiniLM folder fetched by `make fetch-model`.
    public static func miniLM() throws -> URL {
        try repo(".cache/models/all-MiniLM-L6-v2/model.safetensors", hint: "run `make fetch-model`")
            .deletingLastPathComponent()
    }

    /// Reads a raw little-endian float32 file.
    public static func f32(_ url: URL) throws -> [Float] {
        let d = try Data(contentsOf: url)
        return d.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    /// Parses a JSON file into Foundation objects.
    public static func json(_ url: URL) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url))
    }

    /// Removes `url` when the test process exits: for a fixture shared by the tests of one
    /// process (built once, e.g. a micro pre-training run), which no single test may delete.
    public static func removeAtExit(_ url: URL) {
        exitRemovalsLock.lock()
        defer { exitRemovalsLock.unlock() }
        if exitRemovals.isEmpty {
            atexit {
                for path in Fixtures.exitRemovals { try? FileManager.default.removeItem(atPath: path) }
            }
        }
        exitRemovals.append(url.path)
    }
    nonisolated(unsafe) private static var exitRemovals: [String] = []
    private static let exitRemovalsLock = NSLock()

    /// A fresh temporary directory, removed at process exit is not guaranteed: tests clean up
    /// (a fixture shared across tests with `removeAtExit`).
    public static func tempDirectory(_ name: String = "more-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// A committed fixture that is missing or does not have the expected layout: a test failure.
public enum FixtureError: Error, CustomStringConvertible {
    case missing(path: String)
    case layout(path: String, expected: String)

    public var description: String {
        switch self {
        case .missing(let p): return "\(p) is missing, but it is part of the repository"
        case .layout(let p, let e): return "\(p): unexpected layout (expected \(e))"
        }
    }
}

/// Asserts two float arrays agree elementwise within `abs + rel·|expected|`.
public func assertClose(_ actual: [Float], _ expected: [Float], abs: Float = 1e-5, rel: Float = 1e-5,
                        _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line) {
    guard actual.count == expected.count else {
        XCTFail("count \(actual.count) != \(expected.count) \(message())", file: file, line: line); return
    }
    var worst = 0, worstErr: Float = -1
    for i in 0..<actual.count {
        let err = Swift.abs(actual[i] - expected[i])
        let tol = abs + rel * Swift.abs(expected[i])
        if !(err <= tol) && (err > worstErr || err.isNaN) { worst = i; worstErr = err.isNaN ? .infinity : err }
    }
    if worstErr >= 0 {
        XCTFail("mismatch at \(worst): \(actual[worst]) vs \(expected[worst]) (|Δ| \(worstErr)) \(message())",
                file: file, line: line)
    }
}

/// Asserts two tensors have the same shape and agree within tolerance.
public func assertClose(_ actual: Tensor, _ expected: Tensor, abs: Float = 1e-5, rel: Float = 1e-5,
                        _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.shape, expected.shape, "shape \(message())", file: file, line: line)
    if actual.shape == expected.shape {
        assertClose(actual.scalars, expected.scalars, abs: abs, rel: rel, message(), file: file, line: line)
    }
}

/// Max absolute difference of two equal-length arrays; NaN when any difference is NaN (a NaN on
/// either side, or ∞ − ∞), so that `XCTAssertLessThanOrEqual(maxAbsDiff(a, b), tol)` fails on it
/// as `assertClose` does (`Swift.max` alone would drop a NaN).
public func maxAbsDiff(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count)
    var m: Float = 0
    for i in 0..<a.count {
        let d = Swift.abs(a[i] - b[i])
        if d.isNaN { return .nan }
        m = Swift.max(m, d)
    }
    return m
}

/// Cosine similarity of two vectors, in Double.
public func cosine(_ a: [Float], _ b: [Float]) -> Double {
    var ab = 0.0, aa = 0.0, bb = 0.0
    for i in 0..<a.count { ab += Double(a[i]) * Double(b[i]); aa += Double(a[i] * a[i]); bb += Double(b[i] * b[i]) }
    return ab / (aa.squareRoot() * bb.squareRoot() + 1e-30)
}
