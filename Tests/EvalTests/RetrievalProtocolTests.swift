// RetrievalProtocolTests — retrieval on embeddings with a known match (identity → R@1 = 1),
// collapsed candidates (= chance), random embeddings (≈ chance), class precision@K, top-k of
// a query, and the micro-model run.

import XCTest
import TestSupport
import TensorCore
import Datasets
import MoRE
@testable import Eval

final class RetrievalProtocolTests: XCTestCase {
    func randomTensor(_ n: Int, _ d: Int, seed: UInt64) -> Tensor {
        var rng = RNG(seed: seed, stream: 0)
        return Tensor(shape: [n, d], values: (0..<(n * d)).map { _ in rng.normal() })
    }

    func testIdenticalEmbeddingsGiveRecallOne() throws {
        let z = randomTensor(50, 16, seed: 1)
        let r = try retrievalMetrics(direction: .xrayToECG, queries: z, candidates: z)
        XCTAssertEqual(r.recall, [1: 1, 5: 1, 10: 1])
        XCTAssertEqual(r.ranks, [MatchRank](repeating: MatchRank(higher: 0), count: 50))
        // A positive rescaling of each row does not change cosine retrieval.
        let scaled = Tensor(shape: z.shape, values: z.scalars.enumerated().map { $0.element * Float(1 + $0.offset / 16) })
        XCTAssertEqual(try retrievalMetrics(direction: .textToXray, queries: scaled, candidates: z).recall[1], 1)
    }

    func testCollapsedCandidatesScoreChance() throws {
        // A tower that maps every input to one point: every query ties all candidates, so each
        // direction scores chance (K/N) — not a perfect 1.
        let n = 40
        let collapsed = Tensor(shape: [n, 16], values: (0..<(n * 16)).map { Float($0 % 16) - 7.5 })
        let r = try retrievalMetrics(direction: .textToXray, queries: randomTensor(n, 16, seed: 3), candidates: collapsed)
        XCTAssertEqual(r.recall[1]!, 1.0 / Double(n), accuracy: 1e-12)
        XCTAssertEqual(r.recall[10]!, 10.0 / Double(n), accuracy: 1e-12)
        XCTAssertEqual(r.ranks, [MatchRank](repeating: MatchRank(higher: 0, tied: n - 1), count: n))
    }

    func testRandomEmbeddingsAreNearChance() throws {
        let n = 200
        var r1 = 0.0, r10 = 0.0
        for s in 0..<5 {
            let r = try retrievalMetrics(direction: .textToECG, queries: randomTensor(n, 32, seed: UInt64(10 + s)),
                                         candidates: randomTensor(n, 32, seed: UInt64(100 + s)))
            r1 += r.recall[1]! / 5; r10 += r.recall[10]! / 5
        }
        XCTAssertLessThan(r1, 0.03)                         // chance 0.005
        XCTAssertEqual(r10, 10.0 / Double(n), accuracy: 0.03)  // chance 0.05
    }

    func testClassPrecisionAtK() throws {
        // Two well separated clusters; the labels follow the clusters → precision@5 = 1;
        // labels shuffled against the clusters → lower.
        var rng = RNG(seed: 4, stream: 0)
        let n = 20
        let z = Tensor(shape: [n, 4], values: (0..<(n * 4)).map { ($0 % 4 == ($0 / 4) % 2 ? 5 : 0) + 0.1 * rng.normal() })
        let cls = (0..<n).map { $0 % 2 }
        let t = LabelTargets(labelSet: "cls", classNames: ["a", "b"], rows: Array(0..<n),
                             multiHot: cls.map { [$0 == 0 ? 1 : 0, $0 == 1 ? 1 : 0] }, classIndex: cls)
        let r = try retrievalMetrics(direction: .xrayToECG, queries: z, candidates: z, targets: t, precisionKs: [5])
        XCTAssertEqual(r.precision[5], 1)
        let multi = LabelTargets(labelSet: "cls", classNames: ["a", "b"], rows: Array(0..<n), multiHot: t.multiHot)
        XCTAssertEqual(try retrievalMetrics(direction: .xrayToECG, queries: z, candidates: z, targets: multi, precisionKs: [5]).precision[5], 1)
        let wrong = (0..<n).map { ($0 / 2) % 2 }
        let tw = LabelTargets(labelSet: "cls", classNames: ["a", "b"], rows: Array(0..<n),
                              multiHot: wrong.map { [$0 == 0 ? 1 : 0, $0 == 1 ? 1 : 0] }, classIndex: wrong)
        XCTAssertLessThan(try retrievalMetrics(direction: .xrayToECG, queries: z, candidates: z, targets: tw, precisionKs: [5]).precision[5]!, 0.8)
    }

    func testTopKReturnsBestFirst() throws {
        let c = Tensor(shape: [4, 2], values: [1, 0, 0, 1, 1, 1, -1, 0])
        let hits = try topK(query: Tensor(shape: [2], values: [1, 0.1]), candidates: c, k: 2)
        XCTAssertEqual(hits.map(\.index), [0, 2])
        XCTAssertGreaterThan(hits[0].score, hits[1].score)
        XCTAssertEqual(try topK(query: Tensor(shape: [2], values: [1, 0]), candidates: c, k: 10).count, 4)
    }

    func testMicroModelAllDirections() throws {
        let m = MicroModel.model(), tok = try MicroModel.tokenizer()
        let s = EvalSplit(MicroModel.split(12, seed: 9), file: "test.h5")
        let r = try m.retrieval(s, tokenizer: tok, labelSet: "grade", ks: [1, 5])
        XCTAssertEqual(r.map(\.direction), RetrievalDirection.allCases)
        for x in r {
            XCTAssertEqual(x.count, 12)
            XCTAssertLessThanOrEqual(x.recall[1]!, x.recall[5]!)
            XCTAssertNotNil(x.precision[5])
        }
        let z = try m.embed(s.split, modality: .xray, file: s.file)
        // X-ray → ECG recall@1 and @5, by hand: patient i counts when its own ECG is among the
        // top-k candidates of its X-ray (not merely recall@1 ≤ recall@5).
        let ze = try m.embed(s.split, modality: .ecg, file: s.file)
        let xe = try XCTUnwrap(r.first { $0.direction == .xrayToECG })
        for k in [1, 5] {
            let found = try (0..<12).filter { i in try topK(query: selectRows(z, [i]), candidates: ze, k: k).contains { $0.index == i } }
            XCTAssertEqual(xe.recall[k], Double(found.count) / 12, "recall@\(k)")
        }
        let hits = try m.topK(textQuery: "cardiomegaly is severe", candidates: z, k: 3, tokenizer: tok)
        XCTAssertEqual(hits.count, 3)
        XCTAssertThrowsError(try m.retrieval(s, tokenizer: tok, labelSet: "conditions")) { XCTAssertTrue("\($0)".contains("conditions")) }
    }
}
