// Interoperability with h5py: files written by MoRE.swift open in h5py with identical values,
// and a file written the way a Python user would (h5py defaults) reads in Swift.
// Skips with a message when python3, h5py or numpy is missing (`pip install h5py`).

import Foundation
import XCTest
import TensorCore
import TestSupport
@testable import Datasets

/// Runs `python3 python/<script> arguments…` (the scripts beside this file); skips the calling
/// test when python3 or one of `modules` cannot be imported, and throws with Python's stderr
/// when the script fails.
func runPythonOracle(_ script: String, _ arguments: [String], modules: [String]) throws {
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("python/\(script)").path
    try Python.runScript(path, arguments, modules: modules)
}

final class HDF5PythonTests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws { dir = try Fixtures.tempDirectory("h5-python") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func testOurFileOpensInH5py() throws {
        let split = sampleSplit(n: 13)
        let url = dir.appendingPathComponent("ours.h5")
        try writeHDF5(split, to: url, options: HDF5WriteOptions(chunkBytes: 2000, deflateLevel: 3))
        try runPythonOracle("h5_oracle.py", ["dump", url.path, dir.path], modules: ["h5py", "numpy"])

        guard let summary = try Fixtures.json(dir.appendingPathComponent("summary.json")) as? [String: Any],
              let datasets = summary["datasets"] as? [String: [String: Any]] else { return XCTFail("no summary") }
        XCTAssertEqual(summary["attributes"] as? [String: String], split.fileAttributes)
        XCTAssertEqual(Set(datasets.keys), Set(split.schemaFields.map(\.name)))
        for f in split.schemaFields { XCTAssertEqual(datasets[f.name]?["shape"] as? [Int], f.shape, f.name) }
        XCTAssertEqual(datasets["/ids"]?["strings"] as? [String], split.ids)
        XCTAssertEqual(datasets["/report_xray"]?["strings"] as? [String], split.reportXray)
        XCTAssertEqual(datasets["/report_ecg"]?["strings"] as? [String], split.reportECG)
        XCTAssertEqual(datasets["/labels/chexpert"]?["columns"] as? [String], split.labelNames["chexpert"])
        XCTAssertEqual(datasets["/xray"]?["dtype"] as? String, "float32")
        // Chunks along N: 2000-byte target / 192-byte X-ray rows = 10 rows; a 4800-byte raw ECG row → 1.
        XCTAssertEqual(datasets["/xray"]?["chunks"] as? [Int], [10, 8, 6])
        XCTAssertEqual(datasets["/ecg_raw"]?["chunks"] as? [Int], [1, 12, 100])
        let tensors: [(String, Tensor)] = [("/xray", split.xray!), ("/ecg", split.ecg!), ("/ecg_raw", split.ecgRaw!),
                                            ("/labels/chexpert", split.labels["chexpert"]!),
                                            ("/labels/edema_severity", split.labels["edema_severity"]!)]
        for (name, t) in tensors {
            let bytes = try Data(contentsOf: dir.appendingPathComponent(String(name.dropFirst()).replacingOccurrences(of: "/", with: "__") + ".f32"))
            let ours = t.withUnsafeBufferPointer { Data(buffer: $0) }
            XCTAssertEqual(bytes, ours, "\(name) as h5py reads it")
        }
    }

    func testH5pyFileReadsInSwift() throws {
        let url = dir.appendingPathComponent("theirs.h5")
        try runPythonOracle("h5_oracle.py", ["write", url.path], modules: ["h5py", "numpy"])
        let report = try validateDataset(url)
        XCTAssertTrue(report.isValid, report.text)
        let split = try readHDF5(url)
        XCTAssertEqual(split.name, "py")
        XCTAssertEqual(split.ids, ["p-0", "p-1", "p-2", "p-3"])
        XCTAssertEqual(split.xray?.shape, [4, 2, 3])
        XCTAssertEqual(split.xray?.scalars, (0..<24).map { Float($0) / 32 })
        XCTAssertEqual(split.reportECG, (0..<4).map { "Sinus rhythm. ø \($0)" })
        XCTAssertEqual(split.labels["super"]?.scalars, [1, 0, 0, 1, 0, 0, 0, 0])
        XCTAssertEqual(split.labelNames["super"], ["NORM", "MI"])
        XCTAssertEqual(split.attributes["seed"], "42")
        XCTAssertEqual(split.attributes["source"], "h5py")
    }
}
