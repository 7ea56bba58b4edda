// AugmentTests — X-ray and ECG augmentations: determinism under the counter RNG, shapes and
// invariants (permutation keeps each lead's values, flip twice is the identity, a full-size crop
// is the identity, time-warp keeps segment end points).

import Foundation
import XCTest
import TestSupport
import TensorCore
@testable import Datasets

final class AugmentTests: XCTestCase {

    private func image(_ h: Int, _ w: Int) -> [Float] {
        (0..<h * w).map { i in Float((i * 37) % 101) / 100 }
    }

    private func ecg() -> [Float] {
        (0..<12 * 1000).map { i in sin(Float(i % 1000) * 0.05 + Float(i / 1000)) }
    }

    func testXrayPipelineIsDeterministicAndKeepsShape() {
        let x = image(64, 48)
        var r1 = RNG(seed: 11, stream: RNG.stream("xray-augment", 3))
        var r2 = RNG(seed: 11, stream: RNG.stream("xray-augment", 3))
        var r3 = RNG(seed: 11, stream: RNG.stream("xray-augment", 4))
        let a = augmentXray(x, height: 64, width: 48, rng: &r1)
        let b = augmentXray(x, height: 64, width: 48, rng: &r2)
        let c = augmentXray(x, height: 64, width: 48, rng: &r3)
        XCTAssertEqual(a.count, 64 * 48)
        XCTAssertEqual(a.map(\.bitPattern), b.map(\.bitPattern))
        XCTAssertNotEqual(a, c, "another stream gives another augmentation")
        XCTAssertFalse(a.contains { $0.isNaN })
    }

    func testFlipTwiceIsIdentity() {
        let x = image(5, 7)
        let f = horizontalFlip(x, height: 5, width: 7)
        XCTAssertEqual(f[0], x[6])
        XCTAssertEqual(horizontalFlip(f, height: 5, width: 7), x)
    }

    func testFullCropIsIdentity() {
        let x = image(32, 32)
        var rng = RNG(seed: 1)
        XCTAssertEqual(randomResizedCrop(x, height: 32, width: 32, scale: 1...1, ratio: 1...1, rng: &rng), x)
    }

    func testCropBoxFollowsTorchvisionBounds() {
        var rng = RNG(seed: 5, stream: 9)
        for _ in 0..<200 {
            let b = randomResizedCropBox(height: 224, width: 224, scale: 0.2...1, ratio: 0.75...(4.0 / 3), rng: &rng)
            XCTAssertTrue(b.h >= 1 && b.w >= 1 && b.top + b.h <= 224 && b.left + b.w <= 224)
            let area = Double(b.h * b.w) / (224 * 224)
            XCTAssertTrue(area > 0.19 && area <= 1.0, "area fraction \(area)")
        }
        // Impossible ratio → torchvision's centre-crop fallback.
        var r2 = RNG(seed: 1)
        let f = randomResizedCropBox(height: 10, width: 100, scale: 1...1, ratio: 1...1, rng: &r2)
        XCTAssertEqual(f.h, 10); XCTAssertEqual(f.w, 10); XCTAssertEqual(f.left, 45); XCTAssertEqual(f.top, 0)
    }

    func testResizeFloatBilinearKeepsConstants() {
        let x = [Float](repeating: 0.25, count: 10 * 13)
        let y = resizeFloat(x, height: 10, width: 13, outHeight: 31, outWidth: 7)
        XCTAssertEqual(y.count, 31 * 7)
        assertClose(y, [Float](repeating: 0.25, count: 31 * 7), abs: 1e-6)
    }

    func testColorJitterAndBlurStayInRange() {
        let x = image(16, 16)
        var rng = RNG(seed: 2)
        let j = colorJitter(x, brightness: 0.4, contrast: 0.4, rng: &rng)
        XCTAssertTrue(j.allSatisfy { $0 >= 0 && $0 <= 1 })
        // Blur of a constant is the constant; blur preserves the mean of a reflect-padded impulse row-wise sum ≈ 1.
        let cst = [Float](repeating: 0.6, count: 30 * 30)
        assertClose(gaussianBlur(cst, height: 30, width: 30, kernel: 23, sigma: 1.3), cst, abs: 1e-6)
        var imp = [Float](repeating: 0, count: 30 * 30); imp[15 * 30 + 15] = 1
        let bl = gaussianBlur(imp, height: 30, width: 30, kernel: 23, sigma: 1.0)
        XCTAssertEqual(bl.reduce(0, +), 1, accuracy: 1e-5)
        XCTAssertEqual(bl[15 * 30 + 15], bl.max()!)
        XCTAssertEqual(bl[15 * 30 + 14], bl[15 * 30 + 16])
    }

    func testPermutationKeepsEachLeadsValues() {
        let x = ecg()
        var rng = RNG(seed: 3, stream: RNG.stream("ecg-augment", 0))
        let y = segmentPermutation(x, leads: 12, rng: &rng)
        XCTAssertEqual(y.count, x.count)
        var moved = false
        for l in 0..<12 {
            let a = Array(x[l * 1000..<(l + 1) * 1000]), b = Array(y[l * 1000..<(l + 1) * 1000])
            XCTAssertEqual(a.sorted(), b.sorted(), "lead \(l)")
            moved = moved || a != b
            // Whole segments move: each 250-sample block of y equals some block of x.
            for s in 0..<4 {
                let blk = Array(b[s * 250..<(s + 1) * 250])
                XCTAssertTrue((0..<4).contains { Array(a[$0 * 250..<($0 + 1) * 250]) == blk })
            }
        }
        XCTAssertTrue(moved)
    }

    func testTimeWarpShapeAndSegmentLengths() {
        let x = ecg()
        var rng = RNG(seed: 4)
        let y = timeWarp(x, leads: 12, rng: &rng)
        XCTAssertEqual(y.count, 12_000)
        // The first sample of each lead is kept (segment end points are kept by the interpolation),
        // and the lead's last sample equals x's last sample.
        for l in 0..<12 {
            XCTAssertEqual(y[l * 1000], x[l * 1000])
            XCTAssertEqual(y[l * 1000 + 999], x[l * 1000 + 999], accuracy: 1e-6)
        }
        XCTAssertEqual(linearResize([0, 1, 2, 3][...], to: 7), [0, 0.5, 1, 1.5, 2, 2.5, 3])
        XCTAssertEqual(segmentBounds(10, 4), [0..<3, 3..<6, 6..<8, 8..<10])
        // A ramp stays monotone under any warp.
        let ramp = (0..<1000).map { Float($0) }
        let w = timeWarp(ramp, leads: 1, rng: &rng)
        XCTAssertTrue(zip(w, w.dropFirst()).allSatisfy { $0 <= $1 })
        XCTAssertNotEqual(w, ramp)
    }

    func testAugmentECGPicksAllThreeAndIsDeterministic() {
        let x = ecg()
        var seen = Set<Int>()
        for i in 0..<30 {
            var r1 = RNG(seed: 9, stream: RNG.stream("ecg-augment", i))
            var r2 = RNG(seed: 9, stream: RNG.stream("ecg-augment", i))
            let (a, ca) = augmentECG(x, leads: 12, rng: &r1)
            let (b, cb) = augmentECG(x, leads: 12, rng: &r2)
            XCTAssertEqual(ca, cb); XCTAssertEqual(a, b)
            XCTAssertEqual(a.count, 12_000)
            if ca == .none { XCTAssertEqual(a, x) }
            seen.insert(ca.rawValue)
        }
        XCTAssertEqual(seen, [0, 1, 2])
    }
}
