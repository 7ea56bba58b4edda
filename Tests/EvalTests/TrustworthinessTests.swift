// TrustworthinessTests — sklearn's trustworthiness of the stored embeddings to 1e-12, the PCA
// and random baselines' ordering, 1-NN accuracy, and the k range.

import XCTest
import TestSupport
@testable import Eval

final class TrustworthinessTests: XCTestCase {
    func testReproducesSklearnOnStoredEmbeddings() throws {
        let g = try TSNEGolden.load()
        for method in ["exact", "barnes_hut"] {
            let t = try trustworthiness(g.data, rows: g.rows, columns: g.columns,
                                        embedding: g.embedding(method), embeddingColumns: 2, k: 5)
            XCTAssertEqual(t, g.value(method, "trustworthiness_k5"), accuracy: 1e-12, method)
            XCTAssertEqual(try nearestNeighborAccuracy(g.embedding(method), rows: g.rows, columns: 2, labels: g.labels),
                           g.value(method, "one_nn_leave_one_out_accuracy"))
        }
    }

    func testPCABaselineMatchesGolden() throws {
        // Trustworthiness is invariant to the sign of the axes, so our PCA reproduces sklearn's 0.9133.
        let g = try TSNEGolden.load()
        let pca = try PrincipalComponents(g.data, rows: g.rows, columns: g.columns, count: 2)
        let y = pca.transform(g.data, rows: g.rows)
        let t = try trustworthiness(g.data, rows: g.rows, columns: g.columns, embedding: y, embeddingColumns: 2, k: 5)
        XCTAssertEqual(t, 0.9132692307692307, accuracy: 1e-12)
    }

    func testIdentityEmbeddingIsPerfect() throws {
        let x: [[Double]] = (0..<12).map { [Double($0), Double($0 * $0 % 7)] }
        XCTAssertEqual(try trustworthiness(x, embedding: x, k: 3), 1)
    }

    func testKMustBeBelowHalfN() {
        let x: [[Double]] = (0..<6).map { [Double($0)] }
        XCTAssertThrowsError(try trustworthiness(x, embedding: x, k: 3))
        XCTAssertThrowsError(try trustworthiness(x, embedding: Array(x.prefix(5)), k: 1))
    }
}
