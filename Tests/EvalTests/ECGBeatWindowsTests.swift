// ECGBeatWindowsTests — R-peak detection on a spike train with noise, windows, territories.

import Foundation
import XCTest
import TestSupport
import TensorCore
@testable import Eval

final class ECGBeatWindowsTests: XCTestCase {
    func testDetectsEveryBeatOfAnIrregularTrain() {
        let peaks = [40, 130, 205, 300, 410, 480, 590, 700, 790, 900]
        var rng = RNG(seed: 8, stream: 0)
        var sig = [Float](repeating: 0, count: 12 * 1000)
        for lead in 0..<12 {
            let gain: Float = lead % 3 == 0 ? -0.7 : 1
            for t in 0..<1000 {
                let d = peaks.map { abs($0 - t) }.min()!
                // QRS spike plus a slow T wave 25 samples later and noise.
                let tWave = peaks.map { 0.2 * Foundation.exp(-Float(($0 + 25 - t) * ($0 + 25 - t)) / 50) }.reduce(0, +)
                sig[lead * 1000 + t] = gain * (d < 3 ? 1 - Float(d) / 3 : 0) + tWave + 0.02 * rng.uniform(-1, 1)
            }
        }
        let found = ECGBeatWindows.rPeaks(sig, leads: 12, rate: 100)
        XCTAssertEqual(found.count, peaks.count, "\(found)")
        for (f, p) in zip(found, peaks) { XCTAssertLessThanOrEqual(abs(f - p), 1, "\(found)") }
    }

    func testWindowsAndMask() {
        let w = ECGBeatWindows.windows(peaks: [2, 100], region: .qrsT, rate: 100, length: 120)
        XCTAssertEqual(w, [0..<42, 95..<120])
        let st = ECGBeatWindows.windows(peaks: [100], region: .stSegment, rate: 100, length: 1000)
        XCTAssertEqual(st, [104..<124])
        let m = windowMask(w, length: 120)
        XCTAssertEqual(m.filter { $0 }.count, 42 + 25)
        XCTAssertEqual(ECGBeatWindows.territoryLeads("Inferior"), [1, 2, 5])
        XCTAssertNil(ECGBeatWindows.territoryLeads("posterior"))
    }
}
