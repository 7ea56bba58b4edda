// SyntheticXrayTests — the X-ray phantom shows each finding where its region says, measured from
// the pixels (Sources/Datasets/Synthetic/XrayPhantom.swift, XrayFindingOpacity.swift).
//
// Paired tests render the same patient (same RNG stream → same anatomy, acquisition and noise)
// with and without a finding; the population test measures a cohort.

import XCTest
import TensorCore
import TestSupport
@testable import Datasets

final class SyntheticXrayTests: XCTestCase {
    static let size = 64

    func render(_ f: XrayFindings, stream: Int) -> ([Float], XrayRegions) {
        var image = [Float](repeating: -1, count: Self.size * Self.size)
        var rng = RNG(seed: 3, stream: RNG.stream("xray-test", stream))
        let r = image.withUnsafeMutableBufferPointer { XrayPhantom.render(f, male: true, size: Self.size, into: $0.baseAddress!, rng: &rng) }
        return (image, r)
    }

    /// Mean intensity inside a box (x0, y0, x1, y1) in normalised image coordinates.
    func mean(_ img: [Float], _ b: SIMD4<Float>) -> Float {
        let s = Float(Self.size)
        var sum: Float = 0, n = 0
        for y in Int(b.y * s)..<max(Int(b.y * s) + 1, Int(b.w * s)) {
            for x in Int(b.x * s)..<max(Int(b.x * s) + 1, Int(b.z * s)) where x >= 0 && y >= 0 && x < Self.size && y < Self.size {
                sum += img[y * Self.size + x]; n += 1
            }
        }
        return sum / Float(max(1, n))
    }

    func testImageIsInUnitRangeAndRegionsAreOrdered() {
        var f = XrayFindings()
        f.consolidation = .rightLower
        let (img, r) = render(f, stream: 1)
        XCTAssertTrue(img.allSatisfy { $0 >= 0 && $0 <= 1 })
        for b in [r.heart, r.lungLeft, r.lungRight, r.costophrenicLeft, r.costophrenicRight, r.consolidation] {
            XCTAssertTrue(b.x < b.z && b.y < b.w && b.x >= 0 && b.w <= 1, "\(b)")
        }
        XCTAssertLessThan(r.lungRight.x, r.lungLeft.x, "the patient's right lung is on the image left")
        XCTAssertLessThan(r.consolidation.x, 0.5)
        XCTAssertEqual(render(XrayFindings(), stream: 1).1.consolidation, XrayRegions.absent)
    }

    func testCardiomegalyWidensTheHeartBox() {
        for s in 0..<5 {
            var small = XrayFindings(), big = XrayFindings()
            small.ctr = 0.42; big.ctr = 0.6
            let (a, ra) = render(small, stream: s), (b, rb) = render(big, stream: s)
            XCTAssertGreaterThan(rb.heart.z - rb.heart.x, 1.25 * (ra.heart.z - ra.heart.x))
            // Beside the normal heart's left border the enlarged heart replaces dark lung.
            let lateral = SIMD4<Float>(ra.heart.z, (ra.heart.y + ra.heart.w) / 2, rb.heart.z - 0.02, ra.heart.w)
            XCTAssertGreaterThan(mean(b, lateral), mean(a, lateral) + 0.08)
        }
    }

    func testEffusionBluntsTheCostophrenicAngleOfItsSide() {
        for s in 0..<5 {
            var eff = XrayFindings()
            eff.effusion = .right; eff.effusionSize = 2
            let (a, r) = render(XrayFindings(), stream: s), (b, _) = render(eff, stream: s)
            XCTAssertGreaterThan(mean(b, r.costophrenicRight), mean(a, r.costophrenicRight) + 0.05)
            XCTAssertEqual(mean(b, r.costophrenicLeft), mean(a, r.costophrenicLeft), accuracy: 1e-6, "left side untouched")
        }
    }

    func testEdemaHazeIncreasesWithGrade() {
        for s in 0..<3 {
            var last: Float = -1
            for g in 0...3 {
                var f = XrayFindings()
                f.edema = g
                let (img, r) = render(f, stream: s)
                let m = (mean(img, r.lungRight) + mean(img, r.lungLeft)) / 2
                XCTAssertGreaterThan(m, last + 0.005, "grade \(g)")
                last = m
            }
        }
    }

    func testConsolidationIsInsideItsRegion() {
        for s in 0..<5 {
            var f = XrayFindings()
            f.consolidation = .leftUpper
            let (a, _) = render(XrayFindings(), stream: s), (b, r) = render(f, stream: s)
            XCTAssertGreaterThan(mean(b, r.consolidation), mean(a, r.consolidation) + 0.05)
            XCTAssertGreaterThan(r.consolidation.x, 0.5, "left upper lobe is on the image right")
        }
    }

    func testCohortCardiomegalyPatientsHaveBrighterHeartRegion() throws {
        var c = SyntheticCohortConfig().scaled(pretrain: 300)
        c.rawECG = .none
        let spec = try XCTUnwrap(SyntheticCohort.plan(c).first { $0.name == "pretrain_train" })
        let s = SyntheticCohort.generate(spec, config: c)
        let labels = s.labels["mimic4"]!.scalars, x = s.xray!.scalars
        // Fixed window beside a normal heart's left border, in the lower left (image right) lung.
        let window = SIMD4<Float>(0.66, 0.6, 0.78, 0.72)
        var pos: [Float] = [], neg: [Float] = []
        for i in 0..<s.count {
            let img = Array(x[(i * 4096)..<((i + 1) * 4096)])
            let lungMean = mean(img, SIMD4(0.15, 0.3, 0.35, 0.55))  // right upper/mid lung: exposure reference
            let v = mean(img, window) - lungMean
            if labels[i * 4 + 1] == 1 { pos.append(v) } else if labels[i * 4 + 1] == 0 { neg.append(v) }
        }
        XCTAssertGreaterThan(pos.count, 20)
        let mp = pos.reduce(0, +) / Float(pos.count), mn = neg.reduce(0, +) / Float(neg.count)
        XCTAssertGreaterThan(mp, mn + 0.03, "cardiomegaly: \(mp), others: \(mn)")
    }
}
