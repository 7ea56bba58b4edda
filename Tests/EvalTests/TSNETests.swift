// TSNETests — t-SNE against ../shared/reference/tsne.json: the exact joint P (≤ 1e-9), the KL of
// sklearn's embeddings under it, and the quality of our own embedding (KL within 10 % of
// sklearn's exact-method KL, trustworthiness ≥ sklearn's − 0.02 and ≥ 0.95, 1-NN accuracy ≥
// 0.95); determinism across thread counts; input errors.

import Foundation
import XCTest
import TestSupport
@testable import Eval
import TensorCore

/// The parsed t-SNE golden file.
struct TSNEGolden {
    let data: [Double]
    let labels: [Int]
    let rows: Int, columns: Int
    let results: [String: [String: Any]]
    let jointP: [Float]

    static func load() throws -> TSNEGolden {
        let url = try Fixtures.shared("reference/tsne.json")
        let root = try Fixtures.json(url) as! [String: Any]
        let rowsArray = (root["data"] as! [[NSNumber]]).map { $0.map(\.doubleValue) }
        return TSNEGolden(data: rowsArray.flatMap { $0 }, labels: (root["labels"] as! [NSNumber]).map(\.intValue),
                          rows: rowsArray.count, columns: rowsArray[0].count,
                          results: root["results"] as! [String: [String: Any]],
                          jointP: try Fixtures.f32(Fixtures.shared("reference/tsne_joint_p_exact.f32")))
    }

    func embedding(_ method: String) -> [Double] {
        (results[method]!["embedding"] as! [[NSNumber]]).flatMap { $0.map(\.doubleValue) }
    }

    func value(_ method: String, _ key: String) -> Double { (results[method]![key] as! NSNumber).doubleValue }
}

final class TSNETests: XCTestCase {
    func testJointPMatchesGoldenAndRowEntropiesHitThePerplexity() throws {
        let g = try TSNEGolden.load()
        let a = try TSNEAffinities(g.data, rows: g.rows, columns: g.columns, perplexity: 10)
        XCTAssertEqual(a.p.count, g.jointP.count)
        var worst = 0.0
        for k in 0..<a.p.count { worst = max(worst, abs(a.p[k] - Double(g.jointP[k]))) }
        XCTAssertLessThanOrEqual(worst, 1e-9)
        for h in a.entropies { XCTAssertEqual(h, log(10), accuracy: 1e-5) }
        XCTAssertEqual(a.p.reduce(0, +), 1, accuracy: 1e-12)
        XCTAssertEqual(a.betas[0], 0.28362274169921875, accuracy: 1e-15)   // golden betas_first5[0]
    }

    func testKLOfSklearnEmbeddingsReproducesGolden() throws {
        let g = try TSNEGolden.load()
        let a = try TSNEAffinities(g.data, rows: g.rows, columns: g.columns, perplexity: 10)
        for method in ["exact", "barnes_hut"] {
            let kl = try tsneKLDivergence(p: a.p, embedding: g.embedding(method), rows: g.rows)
            XCTAssertEqual(kl, g.value(method, "kl_divergence_exact_P_of_this_embedding"), accuracy: 1e-9, method)
        }
    }

    func testQualityAgainstSklearn() throws {
        // Three seeds (the seed moves the PCA start vectors, and the tiny differences grow over
        // 1,000 iterations): measured KL 0.1995 / 0.2010 / 0.1937, trustworthiness 0.972 / 0.968 / 0.972.
        let g = try TSNEGolden.load()
        let sklearnKL = g.value("exact", "kl_divergence_exact_P_of_this_embedding")
        let sklearnT = g.value("exact", "trustworthiness_k5")
        for seed: UInt64 in [0, 1, 2] {
            let r = try TSNE(perplexity: 10, seed: seed).fit(g.data, rows: g.rows, columns: g.columns)
            let t = try trustworthiness(g.data, rows: g.rows, columns: g.columns, embedding: r.embedding, embeddingColumns: 2, k: 5)
            let nn = try nearestNeighborAccuracy(r.embedding, rows: g.rows, columns: 2, labels: g.labels)
            XCTAssertLessThanOrEqual(abs(r.klDivergence - sklearnKL), 0.1 * sklearnKL, "seed \(seed): KL \(r.klDivergence) vs \(sklearnKL)")
            XCTAssertGreaterThanOrEqual(t, sklearnT - 0.02, "seed \(seed)")
            XCTAssertGreaterThanOrEqual(t, 0.95, "seed \(seed)")
            XCTAssertGreaterThanOrEqual(nn, 0.95, "seed \(seed)")
            XCTAssertEqual(r.learningRate, 50)
            XCTAssertEqual(r.iterations, 1000)
        }
    }

    func testBitwiseIdenticalForAnyThreadCount() throws {
        let g = try TSNEGolden.load()
        let tsne = TSNE(perplexity: 10, iterations: 300, seed: 3)
        let a = try tsne.fit(g.data, rows: g.rows, columns: g.columns)
        let threads = ThreadPool.shared.threadCount
        ThreadPool.shared.setThreadCount(threads == 1 ? 2 : 1)
        defer { ThreadPool.shared.setThreadCount(threads) }
        let b = try tsne.fit(g.data, rows: g.rows, columns: g.columns)
        XCTAssertEqual(a.embedding, b.embedding)
        XCTAssertEqual(a.klDivergence, b.klDivergence)
    }

    func testGradientMatchesFiniteDifferences() throws {
        // 13 points (not a multiple of the SIMD width) in 3-D, random embedding.
        var rng = RNG(seed: 2, stream: 5)
        let n = 13
        let x = (0..<(n * 3)).map { _ in rng.normalDouble() }
        let p = try TSNEAffinities(x, rows: n, columns: 3, perplexity: 4).p
        var y = (0..<(2 * n)).map { _ in rng.normalDouble() }
        let g = tsneGradient(p: p, y: y, n: n, exaggeration: 1, computeKL: true).grad
        for k in [0, 5, 17, 25] {
            let h = 1e-6, y0 = y[k]
            y[k] = y0 + h
            let up = try tsneKLDivergence(p: p, embedding: y, rows: n)
            y[k] = y0 - h
            let down = try tsneKLDivergence(p: p, embedding: y, rows: n)
            y[k] = y0
            XCTAssertEqual(g[k], (up - down) / (2 * h), accuracy: 1e-6, "component \(k)")
        }
    }

    func testBadInputThrows() {
        XCTAssertThrowsError(try TSNE(perplexity: 30).fit([[0, 1], [1, 0], [2, 2]])) {
            XCTAssertTrue("\($0)".contains("perplexity"))
        }
        XCTAssertThrowsError(try TSNE().fit([[0, 1], [1]]))
        XCTAssertThrowsError(try TSNE(perplexity: 1).fit([[0, .nan], [1, 0], [2, 2]]))
    }
}
