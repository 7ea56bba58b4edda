// SyntheticECGTests — the 12-lead dipole ECG and its 500 → 100 Hz decimation, checked by
// measuring the generated signals (R peaks, RR, ST level, QRS width, voltage), never by reading
// the findings back (Sources/Datasets/Synthetic/ECGSynth.swift, ECGBeats.swift, ECGDecimator.swift):
// also pacing spikes, premature complexes with their pauses, the QRS axis and the QT interval.

import Foundation
import XCTest
import TensorCore
import TestSupport
@testable import Datasets

final class SyntheticECGTests: XCTestCase {
    static let n = ECGSynth.rawLength
    static let lead = Dictionary(uniqueKeysWithValues: ECGSynth.leadNames.enumerated().map { ($1, $0) })

    func render(_ e: ECGFindings, stream: Int) -> [Float] {
        var out = [Float](repeating: .nan, count: 12 * Self.n)
        var rng = RNG(seed: 5, stream: RNG.stream("ecg-test", stream))
        out.withUnsafeMutableBufferPointer { ECGSynth.render(e, male: true, into: $0.baseAddress!, rng: &rng) }
        return out
    }

    func channel(_ x: [Float], _ name: String) -> ArraySlice<Float> {
        let r = Self.lead[name]!
        return x[(r * Self.n)..<((r + 1) * Self.n)]
    }

    /// R peaks (sample indices) from the slope energy of I, II, V2–V5 with a 250 ms refractory
    /// period; a beat is a run above `fraction` × the maximum energy.
    func rPeaks(_ x: [Float], fraction: Float = 0.55) -> [Int] {
        var energy = [Float](repeating: 0, count: Self.n)
        for name in ["I", "II", "V2", "V3", "V4", "V5"] {
            let c = Array(channel(x, name))
            for i in 1..<(Self.n - 1) { energy[i] += abs(c[i + 1] - c[i - 1]) }
        }
        let threshold = fraction * energy.max()!
        var peaks: [Int] = []
        var i = 0
        while i < Self.n {
            if energy[i] > threshold {
                let end = min(Self.n, i + 60)
                let p = (i..<end).max { energy[$0] < energy[$1] }!
                peaks.append(p)
                i = p + 125
            } else { i += 1 }
        }
        return peaks.filter { $0 > 150 && $0 < Self.n - 250 }
    }

    /// Mean over beats of (mean of `lead` in [p + a, p + b) s) − (mean in [p − 0.1, p − 0.06) s).
    func level(_ x: [Float], _ name: String, _ a: Float, _ b: Float) -> Float {
        let c = channel(x, name), base = c.startIndex, peaks = rPeaks(x)
        func m(_ lo: Float, _ hi: Float, _ p: Int) -> Float {
            let i0 = p + Int(lo * 500), i1 = p + Int(hi * 500)
            return (i0..<i1).map { c[base + $0] }.reduce(0, +) / Float(i1 - i0)
        }
        return peaks.map { m(a, b, $0) - m(-0.1, -0.06, $0) }.reduce(0, +) / Float(max(1, peaks.count))
    }

    func average(_ streams: Range<Int>, _ f: (Int) -> Float) -> Float { streams.map(f).reduce(0, +) / Float(streams.count) }

    func testLimbLeadsAreDerivedExactlyAtBothRates() {
        var e = ECGFindings()
        e.infarct = .lateral; e.qDepth = 0.3
        let x = render(e, stream: 1)
        var y = [Float](repeating: .nan, count: 12 * 1000)
        x.withUnsafeBufferPointer { src in y.withUnsafeMutableBufferPointer { ECGDecimator.decimate12(src.baseAddress!, length: Self.n, into: $0.baseAddress!) } }
        for (sig, n) in [(x, Self.n), (y, 1000)] {
            for i in 0..<n {
                let l1 = sig[i], l2 = sig[n + i]
                XCTAssertEqual(sig[2 * n + i], l2 - l1)
                XCTAssertEqual(sig[3 * n + i], -(l1 + l2) / 2)
                XCTAssertEqual(sig[4 * n + i], l1 - l2 / 2)
                XCTAssertEqual(sig[5 * n + i], l2 - l1 / 2)
            }
            XCTAssertTrue(sig.allSatisfy { $0.isFinite })
        }
    }

    func testDecimatorPassesTheECGBandAndRemovesPowerline() {
        XCTAssertEqual(ECGDecimator.taps.reduce(0, +), 1, accuracy: 1e-5)
        func amplitude(_ hz: Float) -> Float {
            let x = (0..<5000).map { Foundation.sin(2 * Float.pi * hz * Float($0) / 500) }
            var y = [Float](repeating: 0, count: 1000)
            x.withUnsafeBufferPointer { s in y.withUnsafeMutableBufferPointer { ECGDecimator.decimate(s.baseAddress!, count: 5000, into: $0.baseAddress!) } }
            return y[100..<900].map { abs($0) }.max()!
        }
        XCTAssertEqual(amplitude(5), 1, accuracy: 0.01)
        XCTAssertEqual(amplitude(25), 1, accuracy: 0.02)  // 25 Hz: samples hit the crests
        XCTAssertLessThan(amplitude(50), 0.01, "50 Hz powerline is removed before decimation")
        XCTAssertLessThan(amplitude(70), 0.01, "no aliasing from above the new Nyquist frequency")
    }

    func testHeartRateMatchesDetectedBeats() {
        for (s, hr) in [(0, Float(55)), (1, 75), (2, 110)] {
            var e = ECGFindings()
            e.heartRate = hr
            let p = rPeaks(render(e, stream: s))
            let rr = Float(p.last! - p.first!) / Float(p.count - 1) / 500
            XCTAssertEqual(60 / rr, hr, accuracy: 0.08 * hr, "stream \(s)")
        }
    }

    func testAtrialFibrillationHasIrregularRR() {
        func cv(_ af: Bool, _ s: Int) -> Float {
            var e = ECGFindings()
            e.atrialFibrillation = af; e.heartRate = 90
            let p = rPeaks(render(e, stream: s))
            let rr = zip(p.dropFirst(), p).map { Float($0 - $1) }
            let m = rr.reduce(0, +) / Float(rr.count)
            return (rr.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Float(rr.count)).squareRoot() / m
        }
        let sinus = average(0..<8) { cv(false, $0) }, fib = average(0..<8) { cv(true, 100 + $0) }
        XCTAssertLessThan(sinus, 0.07)
        XCTAssertGreaterThan(fib, 0.12)
    }

    func testInferiorInfarctRaisesSTInItsLeadsAndDepressesReciprocalLeads() {
        var mi = ECGFindings()
        mi.infarct = .inferior; mi.qDepth = 0.3; mi.stElevation = 0.25
        for name in ["II", "III", "aVF"] {
            let normal = average(0..<6) { level(render(ECGFindings(), stream: $0), name, 0.07, 0.1) }
            let acute = average(0..<6) { level(render(mi, stream: 50 + $0), name, 0.07, 0.1) }
            XCTAssertGreaterThan(acute, normal + 0.1, "ST elevation in \(name)")
        }
        let normal = average(0..<6) { level(render(ECGFindings(), stream: $0), "aVL", 0.07, 0.1) }
        let acute = average(0..<6) { level(render(mi, stream: 50 + $0), "aVL", 0.07, 0.1) }
        XCTAssertLessThan(acute, normal - 0.05, "reciprocal ST depression in aVL")
    }

    func testSTTChangeInvertsLateralT() {
        var st = ECGFindings()
        st.stDepression = 0.2
        for name in ["I", "V5", "V6"] {
            let normal = average(0..<6) { level(render(ECGFindings(), stream: $0), name, 0.18, 0.28) }
            let changed = average(0..<6) { level(render(st, stream: 70 + $0), name, 0.18, 0.28) }
            XCTAssertGreaterThan(normal, 0.05, "upright T in \(name)")
            XCTAssertLessThan(changed, normal - 0.15, "T inversion in \(name)")
        }
    }

    func testHypertrophyRaisesVoltageAndBundleBranchBlockWidensQRS() {
        func amplitude(_ x: [Float], _ name: String) -> Float {
            let c = channel(x, name), b = c.startIndex
            return rPeaks(x).map { p in
                let w = ((p - 40)..<(p + 40)).map { c[b + $0] }
                return w.max()! - w.min()!
            }.reduce(0, +) / Float(rPeaks(x).count)
        }
        var lvh = ECGFindings()
        lvh.voltage = 1.9
        let sokolow = { (x: [Float]) in amplitude(x, "V1") + amplitude(x, "V5") }
        XCTAssertGreaterThan(average(0..<6) { sokolow(render(lvh, stream: 20 + $0)) },
                             1.4 * average(0..<6) { sokolow(render(ECGFindings(), stream: $0)) })

        /// QRS width: span around each peak where the slope energy of V1/V6 exceeds 15 % of its peak.
        func width(_ x: [Float]) -> Float {
            let v1 = Array(channel(x, "V1")), v6 = Array(channel(x, "V6"))
            let slope = (0..<Self.n).map { i in i == 0 || i == Self.n - 1 ? 0 : abs(v1[i + 1] - v1[i - 1]) + abs(v6[i + 1] - v6[i - 1]) }
            return rPeaks(x).map { p in
                let w = Array(slope[(p - 75)..<(p + 75)]), t = 0.15 * w.max()!
                return Float(w.lastIndex { $0 > t }! - w.firstIndex { $0 > t }!) * 2  // ms
            }.reduce(0, +) / Float(rPeaks(x).count)
        }
        let normal = average(0..<6) { width(render(ECGFindings(), stream: $0)) }
        for cd in [ConductionDisease.lbbb, .rbbb] {
            var e = ECGFindings()
            e.conduction = cd
            XCTAssertGreaterThan(average(0..<6) { width(render(e, stream: 30 + $0)) }, normal + 25, "\(cd)")
        }
    }

    /// Sample-to-sample jumps larger than `t` mV in any recorded lead, merged within 20 ms.
    func spikes(_ x: [Float], _ t: Float = 0.6) -> [Int] {
        var out: [Int] = []
        for i in 0..<(Self.n - 1) {
            let jump = ["I", "II", "V1", "V2", "V3", "V4", "V5", "V6"].map { l -> Float in
                let c = channel(x, l); return abs(c[c.startIndex + i + 1] - c[c.startIndex + i])
            }.max()!
            if jump > t && (out.last.map { i - $0 > 10 } ?? true) { out.append(i) }
        }
        return out
    }

    func testPacedBeatsHaveSpikesAtTheLowerRate() {
        for s in 0..<3 {
            var paced = ECGFindings()
            paced.pacing = .ventricular; paced.heartRate = 70
            let x = render(paced, stream: s)
            let sp = spikes(x)
            XCTAssertEqual(Float(sp.count), 70 / 6, accuracy: 1.5, "one spike per paced beat in 10 s")
            let rr = zip(sp.dropFirst(), sp).map { Float($0 - $1) / 500 }
            XCTAssertEqual(rr.reduce(0, +) / Float(rr.count), 60 / 70, accuracy: 0.01, "fixed lower rate")
            XCTAssertTrue(spikes(render(ECGFindings(), stream: s)).isEmpty, "no spikes without pacing")
            var dual = paced
            dual.pacing = .dualPaced
            XCTAssertEqual(Float(spikes(render(dual, stream: s)).count), 2 * 70 / 6, accuracy: 3, "atrial and ventricular spikes")
        }
    }

    /// The beat schedule (`ECGSynth.beatSchedule`, ECGBeats.swift) places the patient's premature
    /// complexes: exactly the requested number, each at 0.6 (VPC) or 0.7 (APC) of the preceding
    /// RR interval, never next to another, with a full compensatory pause after a VPC (the
    /// following beats stay where the sinus node puts them) and a sinus reset after an APC (the
    /// following beats move earlier with it). (An earlier version of this test found the beats
    /// in the rendered signal with an R-peak detector, which fired on noise in some strips.)
    func testPrematureComplexesComeEarlyInTheSchedule() {
        for s in 0..<6 {
            for kind in [BeatKind.pvc, .pac] {
                var e = ECGFindings()
                e.heartRate = 60
                if kind == .pvc { e.pvcs = 2 } else { e.pacs = 2 }
                var rng = RNG(seed: 5, stream: RNG.stream("ecg-schedule-test", s))
                var sinusRNG = rng
                let beats = ECGSynth.beatSchedule(e, &rng)
                let sinus = ECGSynth.beatTimes(e, &sinusRNG)   // the same draws before the shuffle
                XCTAssertEqual(beats.count, sinus.count, "\(kind) stream \(s)")
                let premature = beats.indices.filter { beats[$0].kind != .normal }
                XCTAssertEqual(premature.count, 2, "\(kind) stream \(s): \(beats)")
                XCTAssertTrue(premature.allSatisfy { beats[$0].kind == kind })
                for (a, b) in zip(premature, premature.dropFirst()) { XCTAssertGreaterThan(b - a, 1, "adjacent premature beats") }
                for b in premature {
                    let prev = beats[b - 1].time, rr = sinus[b] - sinus[b - 1]
                    XCTAssertGreaterThanOrEqual(prev, 0.5); XCTAssertLessThanOrEqual(beats[b + 1].time, 9.3 + 1e-4)
                    XCTAssertEqual(beats[b].time - prev, (kind == .pvc ? 0.6 : 0.7) * rr, accuracy: 1e-4, "coupling interval")
                    let after = beats[b + 1].time - beats[b].time
                    if kind == .pvc {
                        XCTAssertEqual(beats[b + 1].time - prev, sinus[b + 1] - sinus[b - 1], accuracy: 1e-4, "full compensatory pause")
                        XCTAssertGreaterThan(after, 1.25 * rr * 0.9)
                    } else {
                        XCTAssertEqual(after, sinus[b + 1] - sinus[b], accuracy: 1e-4, "sinus reset: the next RR is a normal one")
                    }
                }
            }
        }
    }

    func testAxisShowsInTheLimbLeadsAndMatchesTheReportedAxis() {
        for (s, axis) in [(0, Float(-60)), (1, 45), (2, 115)] {
            var e = ECGFindings()
            e.axis = axis
            let x = render(e, stream: s), peaks = rPeaks(x)
            func area(_ lead: String) -> Float {
                let c = channel(x, lead), b = c.startIndex
                return peaks.map { p -> Float in
                    let base = (p - 50..<p - 30).map { c[b + $0] }.reduce(0, +) / 20
                    return (p - 30..<p + 40).map { c[b + $0] - base }.reduce(0, +)
                }.reduce(0, +)
            }
            let measured = atan2(area("aVF") / 0.8660254, area("I")) * 180 / Float.pi
            XCTAssertEqual(measured, axis, accuracy: 20, "QRS axis from leads I and aVF")
            XCTAssertEqual(ECGSynth.frontalAxis(e), axis, accuracy: 12, "the report's axis")
        }
    }

    func testProlongedQTDelaysTheTWave() {
        func tPeak(_ qtc: Float, _ s: Int) -> Float {
            var e = ECGFindings()
            e.heartRate = 60; e.qtc = qtc
            let x = render(e, stream: s), c = channel(x, "V5"), b = c.startIndex, peaks = rPeaks(x)
            return peaks.map { p in Float((p + 75..<p + 300).max { c[b + $0] < c[b + $1] }! - p) / 500 }.reduce(0, +) / Float(peaks.count)
        }
        for s in 0..<3 { XCTAssertGreaterThan(tPeak(0.5, s), tPeak(0.41, s) + 0.06, "QTc 500 ms vs 410 ms") }
    }
}
