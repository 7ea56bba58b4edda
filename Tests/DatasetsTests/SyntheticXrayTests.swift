// SyntheticXrayTests — the X-ray phantom shows each finding where its region says, measured from
// the pixels (Sources/Datasets/Synthetic/XrayPhantom.swift, XrayFindingOpacity.swift).
//
// Support devices, lung volumes and the aorta (XrayDevices.swift) are checked the same way: the
// pixels a device adds (with − without, same patient) must be bright, thin and where the device
// belongs.
//
// Less acquisition variation (`variation` < 1) makes two patients' images closer; 1 is the
// default bit for bit. Its two parts act apart (`XrayVariation`): geometry alone moves the
// anatomy's boxes, exposure alone the intensities.
//
// Paired tests render the same patient (same RNG stream → same anatomy, acquisition and noise)
// with and without a finding; the population test measures a cohort.

import XCTest
import TensorCore
import TestSupport
@testable import Datasets

final class SyntheticXrayTests: XCTestCase {
    static let size = 64

    /// Renders patient `stream`; `variation` nil takes `XrayPhantom.render`'s default argument.
    func render(_ f: XrayFindings, stream: Int, variation: XrayVariation? = nil) -> ([Float], XrayRegions) {
        var image = [Float](repeating: -1, count: Self.size * Self.size)
        var rng = RNG(seed: 3, stream: RNG.stream("xray-test", stream))
        let r = image.withUnsafeMutableBufferPointer { p in
            variation.map { XrayPhantom.render(f, male: true, size: Self.size, into: p.baseAddress!, variation: $0, rng: &rng) }
                ?? XrayPhantom.render(f, male: true, size: Self.size, into: p.baseAddress!, rng: &rng)
        }
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

    func testVariationOneIsTheDefaultAndLessVariationMakesImagesAlike() {
        func image(_ stream: Int, _ v: Float?) -> [Float] { render(XrayFindings(), stream: stream, variation: v.map { XrayVariation($0) }).0 }
        XCTAssertEqual(image(0, 1).map(\.bitPattern), image(0, nil).map(\.bitPattern), "variation 1 is the default, bit for bit")
        // Mean squared difference between two patients' images: acquisition (geometry, exposure)
        // dominates it at the default and shrinks with the variation.
        func spread(_ v: Float) -> Float {
            var total: Float = 0
            for k in 0..<20 {
                let a = image(2 * k, v), b = image(2 * k + 1, v)
                total += zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Float(a.count)
            }
            return total / 20
        }
        let full = spread(1), third = spread(1.0 / 3), none = spread(0)
        XCTAssertLessThan(third, 0.7 * full, "1/3 of the variation: \(third) vs \(full)")
        XCTAssertLessThan(none, third, "no acquisition variation: \(none) vs \(third)")
    }

    func testGeometryAndExposureVaryApart() {
        func image(_ stream: Int, _ v: XrayVariation) -> ([Float], XrayRegions) { render(XrayFindings(), stream: stream, variation: v) }
        func bits(_ x: [Float]) -> [UInt32] { x.map(\.bitPattern) }
        let none = XrayVariation(0)
        let geometryOnly = XrayVariation(geometry: 1, exposure: 0), exposureOnly = XrayVariation(geometry: 0, exposure: 1)
        XCTAssertEqual(bits(image(0, XrayVariation(geometry: 1, exposure: 1)).0), bits(image(0, .default).0))
        for k in 0..<6 {
            let still = image(k, none), exposed = image(k, exposureOnly), framed = image(k, geometryOnly)
            // Exposure does not move the anatomy; geometry does.
            XCTAssertEqual(exposed.1, still.1, "patient \(k): exposure moved a box")
            XCTAssertEqual(framed.1, image(k, .default).1, "patient \(k): exposure moved a box")
            XCTAssertNotEqual(framed.1, still.1, "patient \(k): geometry did not move the boxes")
            XCTAssertNotEqual(bits(exposed.0), bits(still.0), "patient \(k): exposure changed no pixel")
        }
        // Exposure drives the spread of the images' mean intensity across patients.
        func meanSpread(_ v: XrayVariation) -> Float {
            let means = (0..<30).map { k in image(k, v).0.reduce(0, +) / Float(Self.size * Self.size) }
            let m = means.reduce(0, +) / Float(means.count)
            return means.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Float(means.count)
        }
        XCTAssertLessThan(meanSpread(geometryOnly), 0.5 * meanSpread(.default), "exposure 0 should even out the brightness")
        XCTAssertEqual(XrayVariation.default.attributes, [:])
        XCTAssertEqual(XrayVariation(0.5).attributes, ["xray_variation": "0.5"])
        XCTAssertEqual(geometryOnly.attributes, ["xray_geometry_variation": "1.0", "xray_exposure_variation": "0.0"])
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

    /// Pixels an object adds to the same patient: rendering with `f` minus rendering without.
    func added(_ f: XrayFindings, stream: Int) -> [Float] {
        let (a, _) = render(XrayFindings(), stream: stream), (b, _) = render(f, stream: stream)
        return zip(b, a).map { $0 - $1 }
    }

    /// Count, centroid and extreme rows/columns (normalised) of pixels brighter by more than `t`.
    func bright(_ d: [Float], _ t: Float = 0.05) -> (n: Int, x: Float, y: Float, yMax: Float, xMax: Float) {
        var n = 0, sx: Float = 0, sy: Float = 0, yMax: Float = 0, xMax: Float = 0
        let s = Float(Self.size)
        for (i, v) in d.enumerated() where v > t {
            let x = (Float(i % Self.size) + 0.5) / s, y = (Float(i / Self.size) + 0.5) / s
            n += 1; sx += x; sy += y; yMax = max(yMax, y); xMax = max(xMax, x)
        }
        return (n, sx / Float(max(1, n)), sy / Float(max(1, n)), yMax, xMax)
    }

    func testSupportDevicesAreThinBrightObjectsInTheirAnatomy() {
        for s in 0..<4 {
            func with(_ set: (inout SupportDevices) -> Void) -> XrayFindings {
                var f = XrayFindings(); set(&f.devices); return f
            }
            let ett = added(with { $0.ettAboveCarina = 4 }, stream: s)
            XCTAssertGreaterThanOrEqual(ett.min()!, 0, "a device only adds density")
            let e = bright(ett)
            XCTAssertGreaterThan(e.n, 8); XCTAssertLessThan(e.n, 160, "a thin tube, not a blob")
            XCTAssertEqual(e.x, 0.5, accuracy: 0.12, "midline trachea")
            XCTAssertLessThan(e.yMax, 0.55, "tip above the carina")
            let deep = bright(added(with { $0.ettAboveCarina = 1.5 }, stream: s)), high = bright(added(with { $0.ettAboveCarina = 7 }, stream: s))
            XCTAssertGreaterThan(deep.yMax, high.yMax + 0.04, "a tube 1.5 cm above the carina reaches lower than one 7 cm above")

            let pacer = added(with { $0.pacer = .dualChamber }, stream: s)
            let peak = pacer.indices.max { pacer[$0] < pacer[$1] }!
            XCTAssertGreaterThan(pacer[peak], 0.2, "dense generator")
            XCTAssertGreaterThan(Float(peak % Self.size) / Float(Self.size), 0.58, "generator in the patient's left upper chest (image right)")
            XCTAssertLessThan(Float(peak / Self.size) / Float(Self.size), 0.45)
            XCTAssertGreaterThan(bright(pacer).yMax, 0.5, "leads reach the heart")

            let sternotomy = bright(added(with { $0.sternotomy = true }, stream: s))
            XCTAssertGreaterThan(sternotomy.n, 5)
            XCTAssertEqual(sternotomy.x, 0.5, accuracy: 0.12, "wires on the midline")

            let ij = added(with { $0.centralLine = .rightIJ }, stream: s)
            let upperRight = (0..<(Self.size * Self.size / 5)).filter { $0 % Self.size < Self.size / 2 && ij[$0] > 0.05 }
            XCTAssertFalse(upperRight.isEmpty, "a right IJ line enters from the right neck (image upper left)")
        }
    }

    func testLungVolumesMoveTheDiaphragm() {
        for s in 0..<4 {
            var low = XrayFindings(), high = XrayFindings()
            low.lungVolume = -1; high.lungVolume = 1
            let n = render(XrayFindings(), stream: s).1, l = render(low, stream: s).1, h = render(high, stream: s).1
            XCTAssertLessThan(l.lungRight.w, n.lungRight.w - 0.03, "low volumes raise the domes")
            XCTAssertGreaterThan(h.lungRight.w, n.lungRight.w + 0.03, "hyperinflation lowers them")
        }
    }
}
