// Tests for ParameterLoader: copies matching tensors, reports missing / unexpected /
// mis-shaped names, renames, strict mode throws listing all without copying anything, and a
// tensor holding NaN or ±Inf is refused by name.

import Foundation
import XCTest
import TensorCore
import TestSupport
@testable import Datasets

final class SafetensorsParameterLoaderTests: XCTestCase {
    let file = SafetensorsFile(path: "ckpt.safetensors", tensors: [
        "bert.dense.weight": Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6]),
        "bert.dense.bias": Tensor(shape: [2], values: [7, 8]),
        "bert.norm.weight": Tensor(shape: [4], values: [1, 1, 1, 1]),
        "bert.extra": Tensor(shape: [1], values: [9]),
        "pooler.weight": Tensor(shape: [1], values: [0]),
    ])

    func destination() -> [String: Tensor] {
        ["dense.weight": Tensor(zeros: [2, 3]), "dense.bias": Tensor(zeros: [2]),
         "norm.weight": Tensor(zeros: [3]), "head.weight": Tensor(zeros: [5])]
    }

    let rename: (String) -> String? = { n in n.hasPrefix("pooler.") ? nil : String(n.dropFirst("bert.".count)) }

    func testReportsEveryMismatchByName() throws {
        let dst = destination()
        let report = try loadParameters(file, into: dst, rename: rename)
        XCTAssertEqual(report.loaded, ["dense.bias", "dense.weight"])
        XCTAssertEqual(report.missing, ["head.weight"])
        XCTAssertEqual(report.unexpected, ["extra"])
        XCTAssertEqual(report.misshaped, [.init(name: "norm.weight", expected: [3], found: [4])])
        XCTAssertFalse(report.isComplete)
        XCTAssertEqual(dst["dense.weight"]?.scalars, [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(dst["dense.bias"]?.scalars, [7, 8])
        XCTAssertEqual(dst["norm.weight"]?.scalars, [0, 0, 0], "mis-shaped tensors are not copied")
        XCTAssertEqual(report.description,
                       "2 loaded; 1 missing (head.weight); 1 unexpected (extra); 1 mis-shaped (norm.weight: expected [3], found [4])")
    }

    func testStrictModeThrowsListingAllAndCopiesNothing() {
        let dst = destination()
        XCTAssertThrowsError(try loadParameters(file, into: dst, strict: true, rename: rename)) { error in
            guard case .malformed(let f, let field, let reason)? = error as? DataError else { return XCTFail("\(error)") }
            XCTAssertEqual(f, "ckpt.safetensors"); XCTAssertEqual(field, "parameters")
            for name in ["head.weight", "extra", "norm.weight"] { XCTAssertTrue(reason.contains(name), reason) }
        }
        XCTAssertEqual(dst["dense.weight"]?.scalars, [0, 0, 0, 0, 0, 0])
    }

    func testNonFiniteTensorThrowsNamingItAndCopiesNothing() {
        let bad = SafetensorsFile(path: "ckpt.safetensors", tensors: [
            "bert.dense.weight": Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6]),
            "bert.dense.bias": Tensor(shape: [2], values: [7, .nan]),
        ])
        let dst = ["dense.weight": Tensor(zeros: [2, 3]), "dense.bias": Tensor(zeros: [2])]
        XCTAssertThrowsError(try loadParameters(bad, into: dst, rename: rename)) { error in
            XCTAssertEqual(error as? DataError, .malformed(file: "ckpt.safetensors", field: "bert.dense.bias",
                                                          reason: "non-finite value (NaN or ±Inf) at flat index 1"))
        }
        XCTAssertEqual(dst["dense.weight"]?.scalars, [0, 0, 0, 0, 0, 0], "nothing is copied")
        XCTAssertNoThrow(try bad.requireFinite(["bert.dense.weight", "not.there"]))
    }

    func testCompleteStrictLoad() throws {
        let dst = ["dense.weight": Tensor(zeros: [2, 3]), "dense.bias": Tensor(zeros: [2])]
        let report = try loadParameters(file, into: dst, strict: true,
                                        rename: { $0.hasPrefix("bert.dense") ? String($0.dropFirst(5)) : nil })
        XCTAssertTrue(report.isComplete)
        XCTAssertEqual(dst["dense.bias"]?.scalars, [7, 8])
    }

    func testMiniLMIntoMatchingParameters() throws {
        // The real checkpoint into destinations shaped from its own header: everything loads.
        let url = try Fixtures.miniLM().appendingPathComponent("model.safetensors")
        let st = try readSafetensors(url)
        var dst: [String: Tensor] = [:]
        for name in st.names where st.dtypes[name] == .f32 { dst[name] = Tensor(zeros: st[name]!.shape) }
        dst["embeddings.word_embeddings.weight"] = Tensor(zeros: [30522, 256])   // a wrong width
        let report = try loadParameters(st, into: dst)
        XCTAssertEqual(report.loaded.count, 102)
        XCTAssertEqual(report.unexpected, ["embeddings.position_ids"])
        XCTAssertEqual(report.misshaped, [.init(name: "embeddings.word_embeddings.weight", expected: [30522, 256], found: [30522, 384])])
        XCTAssertTrue(dst["pooler.dense.weight"]!.bitwiseEqual(st["pooler.dense.weight"]!))
    }
}
