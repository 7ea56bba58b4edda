// MetricsFixtureTests — loads ../shared/reference/metrics.json (scikit-learn 1.9.1 goldens) for
// the metric tests, and checks the fixture itself is what the tests assume.

import Foundation
import XCTest
import TestSupport

/// The parsed metrics golden file.
struct MetricsGolden {
    struct Binary {
        let name: String
        let labels: [Int]
        let scores: [Double]
        let expected: [String: Any]
        func value(_ key: String) -> Double { (expected[key] as? NSNumber)?.doubleValue ?? .nan }
        func array(_ key: String) -> [Double] { (expected[key] as? [NSNumber])?.map(\.doubleValue) ?? [] }
    }

    let binary: [Binary]
    let multiLabels: [[Int]]
    let multiScores: [[Double]]
    let multiExpected: [String: Any]
    let similarity: [[Double]]
    let retrievalExpected: [String: [String: Any]]

    static func load() throws -> MetricsGolden {
        let url = try Fixtures.shared("reference/metrics.json")
        guard let root = try Fixtures.json(url) as? [String: Any],
              let binary = root["binary"] as? [String: [String: Any]],
              let multi = root["multilabel"] as? [String: Any],
              let recall = root["recall_at_k"] as? [String: Any] else {
            throw FixtureError.layout(path: url.path, expected: "objects binary, multilabel and recall_at_k")
        }
        let cases = binary.keys.sorted().map { name -> Binary in
            let b = binary[name]!
            return Binary(name: name, labels: (b["labels"] as! [NSNumber]).map(\.intValue),
                          scores: (b["scores"] as! [NSNumber]).map(\.doubleValue),
                          expected: b["expected"] as! [String: Any])
        }
        return MetricsGolden(
            binary: cases,
            multiLabels: (multi["labels"] as! [[NSNumber]]).map { $0.map(\.intValue) },
            multiScores: (multi["scores"] as! [[NSNumber]]).map { $0.map(\.doubleValue) },
            multiExpected: multi["expected"] as! [String: Any],
            similarity: (recall["similarity"] as! [[NSNumber]]).map { $0.map(\.doubleValue) },
            retrievalExpected: recall["expected"] as! [String: [String: Any]])
    }

    func multi(_ key: String) -> Double { (multiExpected[key] as! NSNumber).doubleValue }
    func multiArray(_ key: String) -> [Double] { (multiExpected[key] as! [NSNumber]).map(\.doubleValue) }
}

/// |a − b| ≤ tol elementwise, with the index of the first failure in the message.
func assertAllClose(_ a: [Double], _ b: [Double], tol: Double, _ what: String,
                    file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, "\(what): count", file: file, line: line)
    for i in 0..<min(a.count, b.count) where !(abs(a[i] - b[i]) <= tol) {
        XCTFail("\(what)[\(i)]: \(a[i]) vs \(b[i])", file: file, line: line); return
    }
}

final class MetricsFixtureTests: XCTestCase {
    func testFixtureHasTheFourBinaryCasesAndMultiLabelShape() throws {
        let g = try MetricsGolden.load()
        XCTAssertEqual(g.binary.map(\.name), ["all_equal_scores", "distinct_scores", "imbalanced_logits", "ties_across_classes"])
        XCTAssertEqual(g.multiLabels.count, 12)
        XCTAssertEqual(g.multiScores.first?.count, 3)
        XCTAssertEqual(g.similarity.count, 6)
    }
}
