// AttentionRolloutTests — rollout algebra on hand-built attention: identity and uniform
// attention, a CLS that attends to one token, row-stochastic normalisation, start layer,
// head mean.

import XCTest
import TestSupport
import TensorCore
@testable import Eval

final class AttentionRolloutTests: XCTestCase {
    /// `[1, T, T]` from a row-major matrix.
    func matrix(_ t: Int, _ f: (Int, Int) -> Float) -> Tensor {
        Tensor(shape: [1, t, t], values: (0..<t * t).map { f($0 / t, $0 % t) })
    }

    func testIdentityAttentionGivesNoTokenRelevance() {
        let eye = matrix(5) { $0 == $1 ? 1 : 0 }
        // (I + I)^3 = 8 I: the CLS row has all mass on CLS itself, none on the tokens.
        let r = rollout([eye, eye, eye], normalisation: .none)
        assertClose(r, matrix(5) { $0 == $1 ? 8 : 0 })
        assertClose(clsRelevance(r).scalars, [0, 0, 0, 0])
        assertClose(rollout([eye, eye], normalisation: .rowStochastic), eye)
    }

    func testUniformAttentionGivesUniformRelevance() {
        let u = matrix(6) { _, _ in 1 / 6 }
        for norm in RolloutNormalisation.allCases {
            let rel = clsRelevance(rollout([u, u, u], normalisation: norm)).scalars
            XCTAssertEqual(rel.count, 5)
            assertClose(rel, [Float](repeating: rel[0], count: 5), abs: 1e-6, "\(norm)")
            XCTAssertGreaterThan(rel[0], 0)
        }
    }

    func testCLSAttendingToOneTokenPeaksThere() {
        // CLS row one-hot at k = 3, every other row the identity.
        let k = 3
        let a = matrix(5) { r, c in r == 0 ? (c == k ? 1 : 0) : (r == c ? 1 : 0) }
        // Row 0 of (I + A)² = (e0 + ek)(I + A) = e0 + 3 ek.
        let rel = clsRelevance(rollout([a, a])).scalars
        assertClose(rel, [0, 0, 3, 0])
        // Normalised: row 0 of each factor is ½(e0 + ek), every other row e_r, so row 0 of the
        // product is ½·½(e0 + ek) + ½ek = ¼e0 + ¾ek.
        assertClose(clsRelevance(rollout([a, a], normalisation: .rowStochastic)).scalars, [0, 0, 0.75, 0])
    }

    func testRowStochasticRolloutKeepsRowSumsOne() {
        var rng = RNG(seed: 3, stream: 0)
        let layers = (0..<4).map { _ in
            Tensor(shape: [2, 7, 7], values: (0..<98).map { _ in rng.uniform() })
        }
        let r = rollout(layers, normalisation: .rowStochastic).scalars
        for row in 0..<14 { XCTAssertEqual(r[row * 7 ..< row * 7 + 7].reduce(0, +), 1, accuracy: 1e-5) }
    }

    func testStartLayerSkipsEarlierLayers() {
        let k = 2
        let a = matrix(4) { r, c in r == 0 ? (c == k ? 1 : 0) : (r == c ? 1 : 0) }
        let eye = matrix(4) { $0 == $1 ? 1 : 0 }
        // Only the last layer counts from start layer 1: row 0 of (I + A) = e0 + ek.
        assertClose(clsRelevance(rollout([a, eye, a], startLayer: 2)).scalars, [0, 1, 0])
        // Layer order: R = (I + M₂)(I + M₁); with M₁ = A, M₂ = I the CLS row is 2(e0 + ek).
        assertClose(clsRelevance(rollout([a, eye])).scalars, [0, 2, 0])
    }

    func testHeadMean() {
        let a = Tensor(shape: [1, 2, 2, 2], values: [1, 2, 3, 4, 5, 6, 7, 8])
        assertClose(headMean(a), Tensor(shape: [1, 2, 2], values: [3, 4, 5, 6]))
    }
}
