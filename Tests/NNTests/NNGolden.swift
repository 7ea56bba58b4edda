// NNGolden — the PyTorch golden values of Tests/Golden/nn/expected.json (written by
// make_nn_golden.py beside it: torch.optim.AdamW, CosineAnnealingWarmRestarts,
// clip_grad_norm_, BatchNorm1d, a LoRA forward and the initialisers), read without PyTorch.

import Foundation
import XCTest
import TestSupport
import TensorCore

enum NNGolden {
    /// The golden file parsed, with its path for messages.
    private static func file() throws -> (all: [String: Any], path: String) {
        let url = try Fixtures.committed("Tests/Golden/nn/expected.json")
        return (try XCTUnwrap(Fixtures.json(url) as? [String: Any]), url.path)
    }

    /// One object section of the file (`section("adamw")`).
    static func section(_ name: String) throws -> [String: Any] {
        let f = try file()
        return try XCTUnwrap(f.all[name] as? [String: Any], "no section '\(name)' in \(f.path)")
    }

    /// One list section (`clip_grad_norm`, `batchnorm1d`).
    static func cases(_ name: String) throws -> [[String: Any]] {
        let f = try file()
        return try XCTUnwrap(f.all[name] as? [[String: Any]], "no list '\(name)' in \(f.path)")
    }
}

/// JSON numbers as Float32 (the goldens are float32 values printed as doubles).
func floats(_ any: Any?, file: StaticString = #filePath, line: UInt = #line) throws -> [Float] {
    let xs = try XCTUnwrap(any as? [Any], "expected a list of numbers", file: file, line: line)
    return try xs.map { Float(try XCTUnwrap($0 as? Double, "expected a number", file: file, line: line)) }
}

/// A JSON number.
func number(_ any: Any?, file: StaticString = #filePath, line: UInt = #line) throws -> Double {
    try XCTUnwrap(any as? Double, "expected a number", file: file, line: line)
}
