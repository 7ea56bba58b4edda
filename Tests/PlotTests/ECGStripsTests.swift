// Tests for ECGStrips.swift: one 12-lead ECG with relevance and report, a retrieval-style
// figure (query X-ray beside three ECGs with reports), and input checks.

import XCTest
import TestSupport
@testable import Plot

final class ECGStripsTests: XCTestCase {
    /// A synthetic 12-lead ECG (P, QRS, T waves as Gaussians, lead-dependent amplitudes), [12, rate·seconds].
    static func fakeECG(rate: Double = 100, seconds: Double = 10, heartRate: Double = 72, seed: UInt64 = 1) -> [Float] {
        let samples = Int(rate * seconds)
        var noise = TestNoise(state: seed)
        var x = [Float](repeating: 0, count: 12 * samples)
        let beat = 60 / heartRate
        for l in 0..<12 {
            let amp = 0.4 + 0.6 * sin(Double(l) * 0.9 + 1), flip = l == 3 ? -1.0 : 1.0
            for t in 0..<samples {
                let s = Double(t) / rate
                let ph = s.truncatingRemainder(dividingBy: beat)
                func g(_ c: Double, _ w: Double) -> Double { exp(-pow(ph - c, 2) / (2 * w * w)) }
                let v = 0.15 * g(0.12, 0.025) + amp * g(0.3, 0.012) - 0.2 * g(0.33, 0.01) + 0.3 * amp * g(0.55, 0.05)
                x[l * samples + t] = Float(flip * v + 0.03 * (noise.next() - 0.5))
            }
        }
        return x
    }

    /// Relevance concentrated on the QRS complexes of leads II, III, aVF (an "inferior" pattern).
    static func fakeRelevance(rate: Double = 100, seconds: Double = 10, heartRate: Double = 72) -> [Float] {
        let samples = Int(rate * seconds)
        var r = [Float](repeating: 0, count: 12 * samples)
        for l in [1, 2, 5] {
            for t in 0..<samples {
                let ph = (Double(t) / rate).truncatingRemainder(dividingBy: 60 / heartRate)
                r[l * samples + t] = Float(exp(-pow(ph - 0.32, 2) / 0.004))
            }
        }
        return r
    }

    func testSingleECGWithRelevanceAndReport() throws {
        let ecg = ECGPanel(signal: Self.fakeECG(), samplingRate: 100, relevance: Self.fakeRelevance(),
                           title: "Test patient 17: Chefer relevance",
                           text: "Report: Sinus rhythm. Inferior myocardial infarction, age undetermined. Abnormal ECG.")
        let fig = Figure(name: "ecg-test", panels: [ecg], width: 1000, height: 900)
        let (out, svg, folder) = try renderAndCheck(fig)
        defer { try? FileManager.default.removeItem(at: folder) }
        for lead in ECGPanel.standardLeads { XCTAssertTrue(svg.text.contains(lead), "lead \(lead)") }
        XCTAssertTrue(svg.text.contains("Inferior myocardial infarction"))
        XCTAssertEqual(svg.elements["image"], 1, "relevance shading is one embedded bitmap")
        let dat = try String(contentsOf: out.data, encoding: .utf8)
        XCTAssertTrue(dat.contains("# ECG 12x1000 at 100 Hz: t(s) I II III aVR"))
    }

    func testRetrievalFigureMixesImageAndECGs() throws {
        var panels: [any Panel] = [ImagePanel(pixels: ImageGridTests.fakeXray(size: 64, heart: 2.5), height: 64, width: 64,
                                              title: "Query X-ray", caption: "Report: Enlarged cardiac silhouette.\nSmall left effusion.")]
        for k in 0..<3 {
            panels.append(ECGPanel(signal: Self.fakeECG(heartRate: 60 + 15 * Double(k), seed: UInt64(k + 2)), samplingRate: 100,
                                   title: "Retrieved ECG #\(k + 1)", text: "Sinus rhythm with left ventricular hypertrophy (k=\(k)).",
                                   spacing: 2.4))
        }
        let fig = Figure(name: "ecg-retrieval-test", panels: panels, columns: 4, title: "X-ray to ECG retrieval",
                         width: 1700, height: 760, columnWeights: [0.7, 1, 1, 1])
        let (_, svg, folder) = try renderAndCheck(fig)
        defer { try? FileManager.default.removeItem(at: folder) }
        XCTAssertTrue(svg.text.contains("Retrieved ECG #3"))
        XCTAssertTrue(svg.text.contains("Small left effusion."))
    }

    func testBadECGInputIsNamed() {
        assertPlotError(.invalidArgument(argument: "ecg.signal", reason: "has 25 values, not a multiple of 12 leads")) {
            try commands(ECGPanel(signal: [Float](repeating: 0, count: 25), samplingRate: 100))
        }
        assertPlotError(.lengthMismatch(argument: "ecg.relevance", expected: 24, actual: 12)) {
            try commands(ECGPanel(signal: [Float](repeating: 0, count: 24), samplingRate: 100,
                                  relevance: [Float](repeating: 0, count: 12)))
        }
        assertPlotError(.invalidArgument(argument: "ecg.relevance[3]", reason: "is negative")) {
            var r = [Float](repeating: 0, count: 24); r[3] = -1
            return try commands(ECGPanel(signal: [Float](repeating: 0, count: 24), samplingRate: 100, relevance: r))
        }
        assertPlotError(.invalidArgument(argument: "ecg.samplingRate", reason: "must be positive")) {
            try commands(ECGPanel(signal: [Float](repeating: 0, count: 24), samplingRate: 0))
        }
        assertPlotError(.emptyInput(argument: "ecg.signal")) { try commands(ECGPanel(signal: [], samplingRate: 100)) }
    }
}
