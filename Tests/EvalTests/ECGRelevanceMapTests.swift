// ECGRelevanceMapTests — token → sample mapping through the conv stem's receptive fields.

import XCTest
import TestSupport
import TensorCore
import NN
@testable import Eval

final class ECGRelevanceMapTests: XCTestCase {
    func testOneHotTokenCoversExactlyItsReceptiveFieldInEveryLead() {
        let tokens = ECGPatchEmbed.tokens(length: 1000)
        XCTAssertEqual(tokens, 196)
        for j in [0, 1, 97, 195] {
            var r = [Float](repeating: 0, count: tokens)
            r[j] = 2.5
            let map = ecgRelevanceMap(tokens: r, leads: 12, length: 1000)
            XCTAssertEqual(map.count, 12 * 1000)
            for lead in 0..<12 {
                let row = Array(map[lead * 1000 ..< (lead + 1) * 1000])
                XCTAssertEqual(row.indices.filter { row[$0] != 0 }, Array(5 * j ..< 5 * j + 25), "token \(j), lead \(lead)")
                for t in 5 * j ..< 5 * j + 25 { XCTAssertEqual(row[t], 2.5 / 25, accuracy: 1e-7) }
            }
        }
    }

    func testRelevanceIsConservedAndEverySampleCovered() {
        var rng = RNG(seed: 4, stream: 0)
        let r = (0..<196).map { _ in rng.uniform() }
        let m = ecgTimeRelevance(tokens: r, length: 1000)
        XCTAssertEqual(m.reduce(0, +), r.reduce(0, +), accuracy: 1e-3)
        // All-ones tokens: 5 tokens cover an interior sample (5/25), fewer near the ends.
        let ones = ecgTimeRelevance(tokens: [Float](repeating: 1, count: 196), length: 1000)
        XCTAssertTrue(ones.allSatisfy { $0 > 0 })
        XCTAssertEqual(ones[500], 0.2, accuracy: 1e-6)
        XCTAssertEqual(ones[0], 0.04, accuracy: 1e-6)
        XCTAssertEqual(ones[999], 0.04, accuracy: 1e-6)
    }
}
