// Reads the real all-MiniLM-L6-v2 checkpoint (`make fetch-model`) and compares names, shapes,
// dtypes and values with what the reference Python `safetensors` package reads
// (python/minilm_safetensors_expected.json, made by python/make_minilm_safetensors_expected.py).

import Foundation
import XCTest
import TestSupport
@testable import Datasets

final class SafetensorsMiniLMTests: XCTestCase {
    func testMatchesPythonSafetensors() throws {
        let url = try Fixtures.miniLM().appendingPathComponent("model.safetensors")
        let expectedURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("python/minilm_safetensors_expected.json")
        guard let expected = try Fixtures.json(expectedURL) as? [String: Any],
              let shapes = expected["shapes"] as? [String: [Int]], let dtypes = expected["dtypes"] as? [String: String],
              let checked = expected["checked"] as? [String: [String: Any]] else { return XCTFail("bad expected file") }

        let st = try readSafetensors(url)
        XCTAssertEqual(st.names.count, expected["count"] as? Int)
        XCTAssertEqual(st.names, expected["names"] as? [String])
        XCTAssertEqual(st.metadata, expected["metadata"] as? [String: String])
        XCTAssertEqual(st["embeddings.word_embeddings.weight"]?.shape, [30522, 384])
        XCTAssertEqual(st.names.reduce(0) { $0 + st[$1]!.count }, expected["parameters_total"] as? Int)
        for name in st.names {
            XCTAssertEqual(st[name]?.shape, shapes[name], name)
            XCTAssertEqual(st.dtypes[name] == .i64 ? "int64" : "float32", dtypes[name], name)
        }
        XCTAssertEqual(st.int64["embeddings.position_ids"], (0..<512).map { Int64($0) })

        for (name, entry) in checked {
            guard let t = st[name], let first8 = entry["first8"] as? [Double], let sum = entry["sum_f64"] as? Double,
                  let last = entry["last"] as? Double, let middle = entry["middle"] as? Double,
                  let mid = entry["middle_index"] as? Int else { XCTFail("no \(name)"); continue }
            let v = t.scalars
            XCTAssertEqual(Array(v.prefix(8)), first8.map { Float($0) }, name)   // exact
            XCTAssertEqual(v[v.count - 1], Float(last), name)
            XCTAssertEqual(v[mid], Float(middle), name)
            let ourSum = v.reduce(0.0) { $0 + Double($1) }
            XCTAssertEqual(ourSum, sum, accuracy: 1e-9 * max(1, abs(sum)) + 1e-6, name)
        }
    }
}
