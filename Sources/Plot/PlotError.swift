// PlotError — every way drawing a figure can fail, each with a message that says what to do.
//
// Bad input names the argument (`scatter.labels`, `ecg.signal`); a missing gnuplot says how to
// install it; a failing gnuplot carries its stderr and the script's file name so the script can
// be re-run by hand. What this file deliberately does not do: recover — callers decide.

import Foundation

/// Errors raised by the Plot module.
public enum PlotError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// No `gnuplot` executable on `PATH` (or at `$GNUPLOT`).
    case gnuplotMissing(searched: String)
    /// gnuplot ran but exited with a non-zero status; `stderr` is its error output.
    case gnuplotFailed(script: String, status: Int32, stderr: String)
    /// An input array or list that must not be empty is empty.
    case emptyInput(argument: String)
    /// An input array has the wrong number of elements.
    case lengthMismatch(argument: String, expected: Int, actual: Int)
    /// An input value is NaN or infinite.
    case nonFinite(argument: String, index: Int)
    /// Any other invalid argument (negative size, unknown option, bad name).
    case invalidArgument(argument: String, reason: String)
    /// Reading or writing a file failed.
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case .gnuplotMissing(let searched):
            return "gnuplot was not found (searched \(searched)). Install it with "
                + "`sudo apt-get install gnuplot-nox` (Debian/Ubuntu), `brew install gnuplot` (macOS), "
                + "or run `make deps`; or point the GNUPLOT environment variable at the executable."
        case .gnuplotFailed(let script, let status, let stderr):
            return "gnuplot failed on \(script) (exit status \(status)):\n\(stderr)"
        case .emptyInput(let argument):
            return "\(argument) is empty"
        case .lengthMismatch(let argument, let expected, let actual):
            return "\(argument) has \(actual) elements, expected \(expected)"
        case .nonFinite(let argument, let index):
            return "\(argument)[\(index)] is not a finite number"
        case .invalidArgument(let argument, let reason):
            return "\(argument): \(reason)"
        case .io(let path, let reason):
            return "cannot write \(path): \(reason)"
        }
    }

    public var errorDescription: String? { description }
}

/// Input checks shared by the panels; each throws a `PlotError` naming `argument`.
enum Check {
    /// `values` is non-empty, has `count` elements (when given) and only finite entries.
    static func finite<T: BinaryFloatingPoint>(_ values: [T], _ argument: String, count: Int? = nil) throws {
        if values.isEmpty { throw PlotError.emptyInput(argument: argument) }
        if let count, values.count != count {
            throw PlotError.lengthMismatch(argument: argument, expected: count, actual: values.count)
        }
        for (i, v) in values.enumerated() where !v.isFinite {
            throw PlotError.nonFinite(argument: argument, index: i)
        }
    }

    /// `value` is at least `minimum`.
    static func atLeast(_ value: Int, _ minimum: Int, _ argument: String) throws {
        if value < minimum {
            throw PlotError.invalidArgument(argument: argument, reason: "is \(value), must be at least \(minimum)")
        }
    }
}
