// LRScheduleTests — CosineWarmRestarts against torch.optim.lr_scheduler.CosineAnnealingWarmRestarts
// (the authors' T₀ = 10 epochs, η_min = 3e-6, base 3e-5), and our linear warm-up.

import XCTest
import TestSupport
@testable import NN

final class LRScheduleTests: XCTestCase {
    /// Per epoch over two and a half periods (restart at epoch 10 and 20), and at fractional
    /// epochs (`scheduler.step(epoch)`), as PyTorch.
    func testMatchesTorchCosineAnnealingWarmRestarts() throws {
        let g = try NNGolden.section("cosine_warm_restarts")
        let s = CosineWarmRestarts(baseLR: try number(g["base_lr"]), minLR: try number(g["min_lr"]),
                                   period: try number(g["period"]))
        let perEpoch = try XCTUnwrap(g["per_epoch"] as? [Double])
        for (e, expected) in perEpoch.enumerated() {
            XCTAssertEqual(s.lr(at: Double(e)), expected, accuracy: 1e-12 + 1e-9 * expected, "epoch \(e)")
        }
        let fractional = try XCTUnwrap(g["fractional"] as? [String: Double])
        XCTAssertEqual(fractional.count, 6)
        for (t, expected) in fractional {
            XCTAssertEqual(s.lr(at: try XCTUnwrap(Double(t))), expected, accuracy: 1e-12 + 1e-9 * expected, "t = \(t)")
        }
    }

    /// Warm-up of W units: base·(t + 1)/(W + 1) for t < W, rising to the base rate, where the
    /// cosine starts its first period (then shifted by W).
    func testLinearWarmUp() {
        let s = CosineWarmRestarts(baseLR: 1e-3, minLR: 1e-5, period: 100, warmup: 4)
        XCTAssertEqual(s.lr(at: 0), 1e-3 / 5, accuracy: 1e-15)
        XCTAssertEqual(s.lr(at: 3), 1e-3 * 4 / 5, accuracy: 1e-15)
        XCTAssertEqual(s.lr(at: 4), 1e-3, accuracy: 1e-15)
        XCTAssertEqual(s.lr(at: 54), (1e-3 + 1e-5) / 2, accuracy: 1e-15)
        XCTAssertEqual(s.lr(at: 104), 1e-3, accuracy: 1e-15, "restart one period after the warm-up")
        let ramp = (0..<4).map { s.lr(at: Double($0)) }
        XCTAssertEqual(ramp, ramp.sorted())
    }
}
