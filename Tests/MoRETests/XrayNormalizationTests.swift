import XCTest
import TensorCore
@testable import MoRE

/// `normalizeXrays`: the authors' fixed mean/std and the per-image standardisation.
final class XrayNormalizationTests: XCTestCase {
    /// Three 4×5 images: a ramp, the ramp darkened and flattened (0.2 + 0.5·x), and a blank one.
    private func images() -> Tensor {
        let n = 20
        var v: [Float] = []
        for j in 0..<n { v.append(Float(j) / Float(n - 1)) }
        for j in 0..<n { v.append(0.2 + 0.5 * Float(j) / Float(n - 1)) }
        v += [Float](repeating: 0.7, count: n)
        return Tensor(shape: [3, 4, 5], values: v)
    }

    func testDatasetIsTheAuthorsNormalize() {
        let x = images()
        let y = normalizeXrays(x, .dataset, mean: 0.499, std: 0.293)
        XCTAssertEqual(y.shape, [3, 4, 5])
        for (a, b) in zip(x.scalars, y.scalars) { XCTAssertEqual(b, (a - 0.499) / 0.293) }
    }

    func testPerImageHasZeroMeanAndUnitDeviation() {
        let y = normalizeXrays(images(), .perImage, mean: 0.499, std: 0.293).scalars
        for i in 0..<2 {
            let row = Array(y[i * 20..<(i + 1) * 20]).map(Double.init)
            let mean = row.reduce(0, +) / 20
            let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 20
            XCTAssertEqual(mean, 0, accuracy: 1e-6)
            XCTAssertEqual(variance, 1, accuracy: 1e-5)
        }
    }

    /// The point of the option: brightness and contrast (any x ↦ a + b·x, b > 0) no longer
    /// reach the ViT, so the ramp and its darkened, flattened copy give the same input.
    func testPerImageRemovesBrightnessAndContrast() {
        let y = normalizeXrays(images(), .perImage, mean: 0.499, std: 0.293).scalars
        for j in 0..<20 { XCTAssertEqual(y[j], y[20 + j], accuracy: 1e-5) }
    }

    /// A blank image has σ = 0: it maps to zeros (σ is floored at ε), not to NaN.
    func testPerImageBlankImageGivesZeros() {
        let y = normalizeXrays(images(), .perImage, mean: 0.499, std: 0.293).scalars
        XCTAssertEqual(Array(y[40..<60]), [Float](repeating: 0, count: 20))
    }

    /// One image per task, sums in Double: the same bits for 1 and 2 threads.
    func testPerImageDoesNotDependOnTheThreadCount() {
        var rng = RNG(seed: 5, stream: 1)
        let x = Tensor(shape: [7, 16, 16]) { p in for i in p.indices { p[i] = rng.uniform() } }
        let before = ThreadPool.shared.threadCount
        defer { ThreadPool.shared.setThreadCount(before) }
        ThreadPool.shared.setThreadCount(1)
        let one = normalizeXrays(x, .perImage, mean: 0.499, std: 0.293)
        ThreadPool.shared.setThreadCount(2)
        let two = normalizeXrays(x, .perImage, mean: 0.499, std: 0.293)
        XCTAssertTrue(one.bitwiseEqual(two))
    }

    /// `tiny` standardises per image; `paper` keeps the authors' Normalize; a JSON config can
    /// switch it, and an unknown value is an error naming the key.
    func testConfigs() throws {
        XCTAssertEqual(MoREConfig.tiny.xrayNormalization, .perImage)
        XCTAssertEqual(MoREConfig.paper.xrayNormalization, .dataset)
        let c = try MoREConfig.fromJSON(Data(#"{"base": "tiny", "xrayNormalization": "dataset"}"#.utf8), file: "x.json")
        XCTAssertEqual(c.xrayNormalization, .dataset)
        XCTAssertThrowsError(try MoREConfig.fromJSON(Data(#"{"xrayNormalization": "clahe"}"#.utf8), file: "y.json")) { e in
            guard case ConfigError.badValue(let f, let k, _) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(f, "y.json")
            XCTAssertEqual(k, "xrayNormalization")
        }
    }

    /// A checkpoint written before the key existed was trained with the dataset normalisation
    /// and must be evaluated with it, not with today's `tiny` default.
    func testCheckpointsWithoutTheKeyKeepTheDatasetNormalisation() throws {
        let today = MoREConfig.tiny
        XCTAssertEqual(try MoREConfig.fromCheckpointJSON(today.json(), file: "ck"), today)
        var old = try JSONSerialization.jsonObject(with: Data(today.json().utf8)) as! [String: Any]
        old.removeValue(forKey: "xrayNormalization")
        let text = String(decoding: try JSONSerialization.data(withJSONObject: old), as: UTF8.self)
        let c = try MoREConfig.fromCheckpointJSON(text, file: "ck")
        XCTAssertEqual(c.xrayNormalization, .dataset)
        var expected = today
        expected.xrayNormalization = .dataset
        XCTAssertEqual(c, expected)
    }
}
