// Interoperability with the reference Python `safetensors` package: files written by
// MoRE.swift load there with identical values and metadata, and F32/F16/I64 files it writes
// read here. Skips with a message when python3, safetensors or numpy is missing.

import Foundation
import XCTest
import TensorCore
import TestSupport
@testable import Datasets

final class SafetensorsPythonTests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws { dir = try Fixtures.tempDirectory("st-python") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func testOurFileLoadsInPythonSafetensors() throws {
        var rng = RNG(seed: 11, stream: 0)
        let tensors: [(String, Tensor)] = [
            ("layer.0.weight", Tensor(shape: [4, 3], values: (0..<12).map { _ in Float(rng.normal()) })),
            ("layer.0.bias", Tensor(shape: [4], values: [1, -1, 0.5, -0.0])),
            ("scale", Tensor(shape: [1, 1, 2], values: [3, 4])),
        ]
        let meta = ["format": "pt", "config": #"{"width": 128}"#]
        let url = dir.appendingPathComponent("ours.safetensors")
        try writeSafetensors(tensors, metadata: meta, to: url)
        try runPythonOracle("safetensors_oracle.py", ["dump", url.path, dir.path], modules: ["safetensors", "numpy"])

        guard let summary = try Fixtures.json(dir.appendingPathComponent("summary.json")) as? [String: Any],
              let entries = summary["tensors"] as? [String: [String: Any]] else { return XCTFail("no summary") }
        XCTAssertEqual(summary["metadata"] as? [String: String], meta)
        XCTAssertEqual(Set(entries.keys), Set(tensors.map(\.0)))
        for (name, t) in tensors {
            XCTAssertEqual(entries[name]?["shape"] as? [Int], t.shape, name)
            XCTAssertEqual(entries[name]?["dtype"] as? String, "float32", name)
            let bytes = try Data(contentsOf: dir.appendingPathComponent(name + ".f32"))
            XCTAssertEqual(bytes, t.withUnsafeBufferPointer { Data(buffer: $0) }, name)
        }
    }

    func testPythonFileReadsInSwift() throws {
        let url = dir.appendingPathComponent("theirs.safetensors")
        try runPythonOracle("safetensors_oracle.py", ["write", url.path], modules: ["safetensors", "numpy"])
        let st = try readSafetensors(url)
        XCTAssertEqual(st.metadata, ["format": "np", "who": "safetensors_oracle.py"])
        XCTAssertEqual(st.dtypes, ["w32": .f32, "w16": .f16, "ids": .i64])
        XCTAssertEqual(st["w32"]?.scalars, (0..<12).map { (Float($0) - 5.5) / 3 })
        XCTAssertEqual(st["w16"]?.shape, [2, 3])
        XCTAssertEqual(st["w16"]?.scalars, [1.0, -2.5, 65504.0, 6e-8, 0.1, -0.0].map { Float(Float16($0)) })
        XCTAssertEqual(st.int64["ids"], [0, -7, 1 << 40])
    }
}
