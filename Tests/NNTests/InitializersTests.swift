// InitializersTests — the initial distributions against PyTorch's (Tests/Golden/nn/expected.json):
// timm's trunc_normal_(std=.02) (bounds ±2 in value units, so in effect N(0, .02²)), the cut
// at ±2 when std = 1, and nn.Linear's kaiming_uniform(a=√5) = U(±1/√fan_in); and that a
// parameter is a pure function of (seed, name): the same for any thread count.

import XCTest
import TensorCore
import TestSupport
@testable import NN

final class InitializersTests: XCTestCase {
    func std(_ x: [Float]) -> Double {
        let m = x.reduce(0.0) { $0 + Double($1) } / Double(x.count)
        return (x.reduce(0.0) { $0 + (Double($1) - m) * (Double($1) - m) } / Double(x.count - 1)).squareRoot()
    }

    /// 200,000 draws: the standard error of a sample std is std/√(2n) ≈ 0.16 %, so 1 % tolerances
    /// separate timm's 0.0200 from the 0.0176 of a cut at ±2σ by a factor of ten.
    func testTruncatedNormalMatchesTimm() throws {
        let g = try NNGolden.section("init")
        let narrow = try XCTUnwrap(g["trunc_normal_std002"] as? [String: Double])
        let x = Init.truncatedNormal([200_000], std: 0.02, seed: 1, name: "w").scalars
        XCTAssertEqual(std(x), narrow["std"]!, accuracy: 0.01 * narrow["std"]!)
        let wide = try XCTUnwrap(g["trunc_normal_std1"] as? [String: Double])
        let y = Init.truncatedNormal([200_000], std: 1, seed: 1, name: "w").scalars
        XCTAssertEqual(std(y), wide["std"]!, accuracy: 0.01 * wide["std"]!)
        XCTAssertLessThanOrEqual(y.map(abs).max()!, 2)
        let z = Init.truncatedNormal([10_000], std: 1, a: -0.5, b: 1.5, seed: 1, name: "w").scalars
        XCTAssertTrue(z.allSatisfy { $0 >= -0.5 && $0 <= 1.5 })
    }

    func testKaimingUniformMatchesTorch() throws {
        let k = try XCTUnwrap(try NNGolden.section("init")["kaiming_uniform_a_sqrt5_fan_in_64"] as? [String: Double])
        let x = Init.kaimingUniform([400, 64], fanIn: 64, seed: 3, name: "w").scalars
        XCTAssertLessThanOrEqual(Double(x.map(abs).max()!), k["bound"]!)
        XCTAssertEqual(std(x), k["std"]!, accuracy: 0.02 * k["std"]!)
    }

    /// Element i depends only on (seed, name, i): the same tensor with 1 or 2 threads, a
    /// different one for another name or seed.
    func testPureFunctionOfSeedAndName() {
        let saved = ThreadPool.shared.threadCount
        defer { ThreadPool.shared.setThreadCount(saved) }
        ThreadPool.shared.setThreadCount(1)
        let a = Init.truncatedNormal([50_000], std: 0.02, seed: 9, name: "p")
        ThreadPool.shared.setThreadCount(2)
        let b = Init.truncatedNormal([50_000], std: 0.02, seed: 9, name: "p")
        XCTAssertTrue(a.bitwiseEqual(b))
        XCTAssertFalse(a.bitwiseEqual(Init.truncatedNormal([50_000], std: 0.02, seed: 9, name: "q")))
        XCTAssertFalse(a.bitwiseEqual(Init.truncatedNormal([50_000], std: 0.02, seed: 8, name: "p")))
    }
}
