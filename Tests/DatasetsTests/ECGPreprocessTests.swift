// ECGPreprocessTests — the authors' ECG chain against the scipy goldens in
// ../shared/reference/ecg_preprocess, stage by stage (each stage fed the stored previous stage),
// and end to end from the WFDB record.

import Foundation
import XCTest
import TestSupport
import TensorCore
@testable import Datasets

final class ECGPreprocessTests: XCTestCase {

    private func golden(_ name: String) throws -> [Float] {
        try Fixtures.f32(Fixtures.shared("reference/ecg_preprocess/\(name).f32"))
    }

    func testFIRTapsMatchScipyFirwin() throws {
        let taps = resamplePolyTaps(up: 1, down: 5).map(Float.init)
        let g = try golden("fir_taps_up1_down5")
        XCTAssertEqual(taps.count, 101)
        XCTAssertLessThanOrEqual(maxAbsDiff(taps, g), 1e-7)
        XCTAssertEqual(resamplePolyTaps(up: 1, down: 5).reduce(0, +), 1, accuracy: 1e-12)
        // gcd reduction: 2/10 is 1/5.
        XCTAssertEqual(resamplePolyTaps(up: 2, down: 10), resamplePolyTaps(up: 1, down: 5))
    }

    func testBesselI0() {
        // Known values: I0(0) = 1, I0(1) = 1.2660658777520082, I0(5) = 27.239871823604442.
        XCTAssertEqual(besselI0(0), 1)
        XCTAssertEqual(besselI0(1), 1.2660658777520082, accuracy: 1e-15)
        XCTAssertEqual(besselI0(5), 27.239871823604442, accuracy: 1e-13)
    }

    func testEachStageMatchesGolden() throws {
        for r in ["ludb1", "ludb2"] {
            let raw = try golden("\(r)_0_raw_mv"), res = try golden("\(r)_1_resampled")
            let m21 = try golden("\(r)_2_medfilt21"), base = try golden("\(r)_3_baseline")
            let deb = try golden("\(r)_4_debaselined"), mm = try golden("\(r)_5_minmax")
            XCTAssertLessThanOrEqual(maxAbsDiff(resamplePoly(raw, rows: 12, up: 1, down: 5), res), 1e-5, r)
            XCTAssertLessThanOrEqual(maxAbsDiff(medianFilterRows(res, rows: 12, width: 21), m21), 1e-5, r)
            XCTAssertLessThanOrEqual(maxAbsDiff(medianFilterRows(m21, rows: 12, width: 61), base), 1e-5, r)
            let mmOut = minMaxLeads(deb, leads: 12)
            XCTAssertLessThanOrEqual(maxAbsDiff(mmOut, mm), 1e-4, r)
            for l in 0..<12 {
                let lead = mmOut[l * 1000..<(l + 1) * 1000]
                XCTAssertEqual(lead.min()!, -1, accuracy: 1e-6); XCTAssertEqual(lead.max()!, 1, accuracy: 1e-6)
            }
        }
    }

    func testWholeChainFromRecord() throws {
        for (r, name) in [(1, "ludb1"), (2, "ludb2")] {
            let rec = try WFDBRecord(record: Fixtures.shared("data/ludb/data/\(r).hea").deletingPathExtension())
            let st = try preprocessECGStages(rec.physical(), leads: 12, samplingRate: rec.header.frequency)
            XCTAssertLessThanOrEqual(maxAbsDiff(st.resampled, try golden("\(name)_1_resampled")), 1e-5)
            XCTAssertLessThanOrEqual(maxAbsDiff(st.baseline, try golden("\(name)_3_baseline")), 1e-5)
            XCTAssertLessThanOrEqual(maxAbsDiff(st.debaselined, try golden("\(name)_4_debaselined")), 1e-5)
            XCTAssertLessThanOrEqual(maxAbsDiff(st.minmax, try golden("\(name)_5_minmax")), 1e-4)
        }
    }

    func testResampleMatchesDirectFormulaForOtherRatios() {
        // up/down = 3/2 and 2/1 against a direct evaluation of the upfirdn sum in Double.
        var rng = RNGLike(seed: 3)
        let x = (0..<37).map { _ in rng.next() }
        for (up, down) in [(3, 2), (2, 1), (1, 3)] {
            let h = resamplePolyTaps(up: up, down: down)
            let half = 10 * max(up, down)
            let nOut = (x.count * up + down - 1) / down
            var expected = [Float]()
            for k in 0..<nOut {
                var acc = 0.0
                for j in 0..<h.count {
                    let i = k * down + half - j
                    if i >= 0, i < x.count * up, i % up == 0 { acc += h[j] * Double(x[i / up]) }
                }
                expected.append(Float(acc))
            }
            let got = resamplePoly(x, rows: 1, up: up, down: down)
            XCTAssertLessThanOrEqual(maxAbsDiff(got, expected), 1e-6, "\(up)/\(down)")
        }
    }

    func testMedianFilterZeroPaddingAndNaN() throws {
        XCTAssertEqual(medianFilter([1, 5, 2, 8, 3], width: 3), [1, 2, 5, 3, 3])
        XCTAssertEqual(medianFilter([4, 4, 4], width: 7), [0, 0, 0])
        XCTAssertEqual(medianFilter([3, 1, 4, 1, 5, 9, 2, 6], width: 5), [1, 1, 3, 4, 4, 5, 5, 2])
        // NaN → 0 happens before resampling, so a NaN sample behaves as a zero.
        var x = [Float](repeating: 1, count: 12 * 5000)
        x[7] = .nan
        let out = try preprocessECG(x, leads: 12, samplingRate: 500)
        XCTAssertEqual(out.count, 12_000)
        XCTAssertFalse(out.contains { $0.isNaN })
    }

    /// The sliding window equals the definition — sort every zero-padded window, take the
    /// middle — on random signals with many ties, smooth signals and a NaN (sorted last).
    func testMedianFilterEqualsSortingEveryWindow() {
        func brute(_ x: [Float], _ w: Int) -> [Float] {
            let h = w / 2
            return x.indices.map { t in
                let win = (t - h...t + h).map { $0 >= 0 && $0 < x.count ? x[$0] : 0 }
                    .sorted { $0.isNaN ? false : ($1.isNaN ? true : $0 < $1) }
                return win[h]
            }
        }
        var rng = RNG(seed: 11, stream: 3)
        for (n, w) in [(1, 1), (5, 7), (40, 3), (200, 21), (300, 61), (1000, 61), (64, 9), (30, 63)] {
            let ties = (0..<n).map { _ in Float(Int(rng.uniform() * 5)) - 2 }
            let smooth = (0..<n).map { Float(sin(Double($0) * 0.05)) + 0.01 * rng.uniform() }
            // ECG-like: a slow wave with a tall narrow spike every 80 samples (ranks jump far).
            let spiky: [Float] = (0..<n).map { i in
                let wave = Float(0.2 * sin(Double(i) * 0.03)), spike: Float = i % 80 < 3 ? 2.5 : 0
                return wave + spike + 0.001 * rng.uniform()
            }
            for x in [ties, smooth, spiky] {
                XCTAssertEqual(medianFilter(x, width: w).map(\.bitPattern), brute(x, w).map(\.bitPattern), "n \(n), width \(w)")
            }
        }
        var withNaN = (0..<50).map { Float($0 % 7) }
        withNaN[20] = .nan
        let a = medianFilter(withNaN, width: 5), b = brute(withNaN, 5)
        XCTAssertEqual(a.map(\.bitPattern), b.map(\.bitPattern))
    }

    func testLeadOrderOption() throws {
        // Lead l holds a ramp scaled by (l + 1): reordering must move whole leads.
        var x = [Float](repeating: 0, count: 12 * 5000)
        for l in 0..<12 { for t in 0..<5000 { x[l * 5000 + t] = Float(l + 1) * sin(Float(t) * 0.01 * Float(l + 1)) } }
        let stored = try preprocessECGStages(x, leads: 12, samplingRate: 500)
        let swapped = try preprocessECGStages(x, leads: 12, samplingRate: 500, leadOrder: .mimicToStandard)
        XCTAssertEqual(Array(swapped.raw[4 * 5000..<5 * 5000]), Array(stored.raw[5 * 5000..<6 * 5000]))
        XCTAssertEqual(Array(swapped.minmax[5 * 1000..<6 * 1000]), Array(stored.minmax[4 * 1000..<5 * 1000]))
        let mimicNames = ["I", "II", "III", "aVR", "aVF", "aVL", "V1", "V2", "V3", "V4", "V5", "V6"]
        XCTAssertEqual(ECGLeadOrder.standard(fromNames: mimicNames)?.indices(leads: 12),
                       ECGLeadOrder.mimicToStandard.indices(leads: 12))
        XCTAssertNil(ECGLeadOrder.standard(fromNames: Array(mimicNames.dropLast())))
    }

    func testWrongLengthIsATypedError() {
        XCTAssertThrowsError(try preprocessECG([Float](repeating: 0, count: 12 * 4000), leads: 12, samplingRate: 500,
                                               source: "x.hea")) { e in
            XCTAssertTrue("\(e)".contains("x.hea"), "\(e)")
        }
        XCTAssertThrowsError(try preprocessECG([Float](repeating: 0, count: 12 * 5000), leads: 12, samplingRate: .pi))
    }
}

/// A tiny deterministic generator for test inputs (values in [−1, 1)).
struct RNGLike {
    var s: UInt64
    init(seed: UInt64) { s = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }
    mutating func next() -> Float {
        s ^= s << 13; s ^= s >> 7; s ^= s << 17
        return Float(s >> 40) / Float(1 << 23) - 1
    }
}
