// ECGSynth — a 12-lead ECG from a moving cardiac dipole, 10 s at 500 Hz, in mV.
//
// The heart is a 3-D dipole D(t) (x = patient's left, y = inferior, z = anterior), the sum over
// beats b and waves k of Gaussian bumps  D(t) = Σ_b Σ_k d_k · exp(−(t − t_b − c_k)² / (2 w_k²))
// (a vector-cardiogram-style trajectory: P, septal q, R, S, T, plus ST, R′ and Q components for
// disease). Eight leads are projections ℓ · D(t): I = (1, 0, 0), II = (cos 60°, sin 60°, 0) and
// V1–V6 on directions in the horizontal plane (115°, 95°, 75°, 55°, 30°, 8° from the patient's
// left towards anterior, with small per-patient jitter). Noise (white, baseline wander, 50 Hz
// powerline in some patients) is added to those eight recorded channels; the other four are
// derived exactly as an ECG machine does: III = II − I, aVR = −(I + II)/2, aVL = I − II/2,
// aVF = II − I/2. Lead order I, II, III, aVR, aVL, aVF, V1–V6 (PTB-XL).
//
// Disease (from `ECGFindings`): MI → Q waves / ST elevation / T inversion along the territory's
// direction (so they appear in its leads and reciprocally opposite); ST-T change → ST depression
// and T inversion in the lateral/inferior leads; LVH → raised QRS voltage and left axis;
// RBBB → late rightward-anterior R′ (QRS ≈ 130 ms); LBBB → broad notched leftward R without
// septal q and discordant ST-T; first-degree AV block → PR > 200 ms; AF → no P waves,
// irregular RR (log-normal) and a 4.5–8 Hz fibrillatory baseline. Per patient (`PatientExtras`):
// the dipole is rotated in the frontal plane to the patient's QRS axis; QT follows Bazett with the
// patient's QTc; marked sinus arrhythmia modulates RR by ±10 % with respiration; ventricular
// premature complexes (wide, one ectopic focus per patient, no P, full compensatory pause) and
// atrial premature complexes (early abnormal P, normal QRS, sinus reset) replace chosen beats;
// paced beats have a 1-sample pacing spike (1.5–3.5 mV at 500 Hz) 45 ms before a wide
// left-superior (LBBB-like) QRS with discordant T, after a sinus P (atrial-sensed), an atrial
// spike + P (dual-paced) or no P (ventricular paced at a fixed lower rate).
//
// Deliberately not here: resampling to 100 Hz (ECGDecimator).

import Foundation
import TensorCore

/// One Gaussian component of the dipole trajectory: centre (s, relative to the R peak),
/// width (s) and direction × amplitude (mV).
struct DipoleWave {
    var centre: Float
    var width: Float
    var dir: SIMD3<Float>
}

/// Synthesises 12-lead ECGs.
public enum ECGSynth {
    /// Acquisition rate (Hz) and length (samples) of the raw signal.
    public static let sampleRate = 500
    public static let rawLength = 5000
    /// Lead names in storage order (PTB-XL order).
    public static let leadNames = ["I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"]

    static func normalize(_ v: SIMD3<Float>) -> SIMD3<Float> { v / (v * v).sum().squareRoot() }

    /// Unit direction of an infarct territory (anterior V1–V4, inferior II/III/aVF, lateral I/aVL/V5–V6).
    static func territory(_ t: InfarctTerritory) -> SIMD3<Float> {
        switch t {
        case .anterior: return normalize(SIMD3(0.1, 0.05, 1))
        case .inferior: return SIMD3(0, 1, 0)
        case .lateral: return normalize(SIMD3(0.9, -0.35, 0.1))
        }
    }

    /// The QRS–T waves of one patient's beat (P wave separately; T centre is set per beat).
    static func beatWaves(_ e: ECGFindings, gain: Float) -> (qrs: [DipoleWave], t: [DipoleWave]) {
        var q = DipoleWave(centre: -0.026, width: 0.008, dir: SIMD3(-0.6, 0.1, 0.75) * 0.2)
        var r = DipoleWave(centre: 0, width: 0.011, dir: SIMD3(0.62, 0.55, -0.56) * 1.4 * e.voltage)
        var s = DipoleWave(centre: 0.03, width: 0.011, dir: SIMD3(-0.35, -0.45, -0.55) * 0.4 * e.voltage)
        var t = SIMD3<Float>(0.55, 0.6, 0.3) * 0.3
        var extra: [DipoleWave] = []
        var st: [DipoleWave] = []
        if e.hasLVH { r.width *= 1.1; s.width *= 1.1 }
        switch e.conduction {
        case .rbbb:
            extra.append(DipoleWave(centre: 0.06, width: 0.018, dir: SIMD3(-0.5, 0.05, 0.85) * 0.6))
            t += SIMD3(0.05, 0, -0.2)
        case .lbbb:
            let l = normalize(SIMD3(0.75, 0.2, -0.63))
            q.dir = .zero
            r = DipoleWave(centre: 0.005, width: 0.022, dir: l * 1.3 * e.voltage.squareRoot())
            extra.append(DipoleWave(centre: 0.05, width: 0.022, dir: l * 1.1 * e.voltage.squareRoot()))
            s.dir = .zero
            t = -l * 0.35
            st.append(DipoleWave(centre: 0.12, width: 0.05, dir: -l * 0.1))
        default: break
        }
        if let terr = e.infarct {
            let u = territory(terr)
            let along = (r.dir * u).sum()
            if along > 0 { r.dir -= 0.6 * along * u }  // loss of R in the territory
            if terr == .anterior { q.dir = .zero }
            extra.append(DipoleWave(centre: -0.018, width: 0.014, dir: -u * e.qDepth * 1.6))
            if e.stElevation > 0 {
                st.append(DipoleWave(centre: 0.1, width: 0.06, dir: u * e.stElevation * 1.2))
                t += u * e.stElevation * 0.8
            } else if e.territoryTInversion {
                t -= u * 0.35
            }
        }
        if e.stDepression > 0 {
            let m = normalize(SIMD3(0.7, 0.55, 0.2))
            st.append(DipoleWave(centre: 0.1, width: 0.05, dir: -m * e.stDepression * 1.2))
            t -= m * e.stDepression * 1.8
        }
        var qrs = [q, r, s] + extra + st
        for i in qrs.indices { qrs[i].dir *= gain }
        let tw = [DipoleWave(centre: 0, width: 0.055, dir: t * 0.8 * gain),
                  DipoleWave(centre: 0.035, width: 0.035, dir: t * 0.45 * gain)]
        return (qrs.filter { $0.dir != .zero }, tw)
    }

    /// Frontal angle (degrees) of the net QRS area of the undiseased beat (`beatWaves` with no
    /// findings); the patient's dipole is rotated by `axis − baseAxis`.
    static let baseAxis: Float = 42

    /// Beat times (R peaks, s) covering [−0.5, 10.5] s.
    static func beatTimes(_ e: ECGFindings, _ rng: inout RNG) -> [Float] {
        let rr0 = 60 / e.heartRate
        var t = -rng.uniform(0, rr0)
        let phase = rng.uniform(0, 2 * Float.pi), resp = rng.uniform(0.2, 0.33)
        var times: [Float] = []
        while t < 10.5 {
            times.append(t)
            var rr: Float
            if e.atrialFibrillation {
                rr = rr0 * Foundation.exp(0.2 * rng.normal() - 0.02)
            } else if e.pacing == .ventricular || e.pacing == .dualPaced {
                rr = rr0  // the pacemaker's lower rate
            } else {
                rr = rr0 * (1 + (e.sinusArrhythmia ? 0.1 : 0.035) * Foundation.sin(2 * Float.pi * resp * t + phase) + 0.015 * rng.normal())
            }
            t += max(0.28, rr)
        }
        return times
    }

    /// Renders one patient's raw ECG.
    ///
    /// - Parameters:
    ///   - out: [12, 5000] destination (lead-major, mV), written completely.
    ///   - rng: the patient's ECG stream.
    public static func render(_ e: ECGFindings, male: Bool, into out: UnsafeMutablePointer<Float>, rng: inout RNG) {
        let n = rawLength, fs = Float(sampleRate)
        let gain = Foundation.exp(0.18 * rng.normal()) * (male ? 1.08 : 0.95)
        let alpha = (e.axis - baseAxis) * Float.pi / 180, beta = 0.15 * rng.normal()
        let width = rng.uniform(0.92, 1.08)
        func rotate(_ v: SIMD3<Float>) -> SIMD3<Float> {
            let ca = Foundation.cos(alpha), sa = Foundation.sin(alpha), cb = Foundation.cos(beta), sb = Foundation.sin(beta)
            let x1 = ca * v.x - sa * v.y, y1 = sa * v.x + ca * v.y
            return SIMD3(cb * x1 - sb * v.z, y1, sb * x1 + cb * v.z)
        }
        var (qrs, tWaves) = beatWaves(e, gain: gain)
        for i in qrs.indices { qrs[i].dir = rotate(qrs[i].dir); qrs[i].width *= width }
        for i in tWaves.indices { tWaves[i].dir = rotate(tWaves[i].dir) }
        let pWave = DipoleWave(centre: -0.04 - e.pr + 0.05, width: 0.022, dir: rotate(SIMD3(0.55, 0.75, 0.2) * 0.16 * gain))
        var ectopicP = pWave
        ectopicP.dir = rotate(SIMD3(-0.3, -0.65, 0.3) * 0.14 * gain)
        var (pvcQRS, pvcT) = ectopicWaves(&rng, gain: gain)
        var (pacedQRS, pacedT) = pacedWaves(e, gain: gain)
        for i in pvcQRS.indices { pvcQRS[i].dir = rotate(pvcQRS[i].dir) }
        for i in pacedQRS.indices { pacedQRS[i].dir = rotate(pacedQRS[i].dir) }
        pvcT.dir = rotate(pvcT.dir); pacedT.dir = rotate(pacedT.dir)
        let spike = normalize(SIMD3(0.3, 0.6, -0.4) + 0.35 * SIMD3(rng.normal(), rng.normal(), rng.normal())) * rng.uniform(1.5, 3.5)

        // Dipole trajectory D(t): [3, n].
        var dipole = [Float](repeating: 0, count: 3 * n)
        dipole.withUnsafeMutableBufferPointer { d in
            func add(_ w: DipoleWave, at t0: Float) {
                let c = (t0 + w.centre) * fs, half = 4 * w.width * fs
                let lo = max(0, Int((c - half).rounded(.down))), hi = min(n - 1, Int((c + half).rounded(.up)))
                if lo > hi { return }
                let k = -1 / (2 * w.width * w.width * fs * fs)
                for i in lo...hi {
                    let dt = Float(i) - c, g = Foundation.exp(k * dt * dt)
                    d[i] += g * w.dir.x; d[n + i] += g * w.dir.y; d[2 * n + i] += g * w.dir.z
                }
            }
            func addSpike(at t: Float) {
                let i = Int((t * fs).rounded())
                if i >= 0 && i + 1 < n {
                    d[i] += spike.x; d[n + i] += spike.y; d[2 * n + i] += spike.z
                    d[i + 1] -= 0.3 * spike.x; d[n + i + 1] -= 0.3 * spike.y; d[2 * n + i + 1] -= 0.3 * spike.z
                }
            }
            let beats = beatSchedule(e, &rng)
            let qtShift = e.qtc - 0.41
            for (b, beat) in beats.enumerated() {
                let tb = beat.time
                let rr = b > 0 ? tb - beats[b - 1].time : 60 / e.heartRate
                let tCentre = -0.04 + (0.4 + qtShift) * rr.squareRoot() - 0.11
                switch beat.kind {
                case .pvc:
                    for w in pvcQRS { add(w, at: tb) }
                    add(DipoleWave(centre: tCentre + 0.02, width: pvcT.width, dir: pvcT.dir), at: tb)
                    continue
                case .pac:
                    add(ectopicP, at: tb)
                case .normal:
                    if let mode = e.pacing {
                        if mode == .dualPaced { addSpike(at: tb + pWave.centre - 0.05) }
                        if mode != .ventricular { add(pWave, at: tb) }
                        addSpike(at: tb - 0.045)
                        for w in pacedQRS { add(w, at: tb) }
                        add(DipoleWave(centre: tCentre + 0.03, width: pacedT.width, dir: pacedT.dir), at: tb)
                        continue
                    }
                    if !e.atrialFibrillation { add(pWave, at: tb) }
                }
                for w in qrs { add(w, at: tb) }
                for w in tWaves { add(DipoleWave(centre: tCentre + w.centre, width: w.width, dir: w.dir), at: tb) }
            }
            if e.atrialFibrillation {
                let dir = normalize(SIMD3(-0.3, 0.55, 0.75)) * rng.uniform(0.03, 0.08) * gain
                for _ in 0..<3 {
                    let f = rng.uniform(4.5, 8) * 2 * Float.pi / fs, ph = rng.uniform(0, 2 * Float.pi), a = rng.uniform(0.5, 1)
                    for i in 0..<n {
                        let s = a * Foundation.sin(f * Float(i) + ph + 0.8 * Foundation.sin(Float(i) * 0.0021 + ph))
                        d[i] += s * dir.x; d[n + i] += s * dir.y; d[2 * n + i] += s * dir.z
                    }
                }
            }
        }

        // Eight recorded channels: I, II, V1–V6.
        let precordialAngle: [Float] = [115, 95, 75, 55, 30, 8]
        let precordialGain: [Float] = [0.9, 1.3, 1.4, 1.3, 1.1, 0.9]
        var leads: [SIMD3<Float>] = [SIMD3(1, 0, 0), SIMD3(0.5, 0.8660254, 0)]
        for k in 0..<6 {
            let phi = (precordialAngle[k] + 4 * rng.normal()) * Float.pi / 180
            leads.append(SIMD3(Foundation.cos(phi), 0.15, Foundation.sin(phi)) * precordialGain[k])
        }
        let rows = [0, 1, 6, 7, 8, 9, 10, 11]  // storage rows of the recorded channels
        let white = rng.uniform(0.008, 0.03)
        let powerline: Float = rng.bernoulli(0.3) ? rng.uniform(0.005, 0.03) : 0
        let respPhase = rng.uniform(0, 2 * Float.pi), respF = rng.uniform(0.15, 0.35) * 2 * Float.pi / fs
        for (c, row) in rows.enumerated() {
            let l = leads[c], o = out + row * n
            let w1 = rng.uniform(0.04, 0.5) * 2 * Float.pi / fs, a1 = rng.uniform(0, 0.25), p1 = rng.uniform(0, 2 * Float.pi)
            let offset = 0.08 * rng.normal()  // electrode DC offset
            let aResp = rng.uniform(0, 0.08), pl = rng.uniform(0, 2 * Float.pi)
            let wPL = 50 * 2 * Float.pi / fs
            dipole.withUnsafeBufferPointer { d in
                for i in 0..<n {
                    let t = Float(i)
                    var v = l.x * d[i] + l.y * d[n + i] + l.z * d[2 * n + i]
                    v += a1 * Foundation.sin(w1 * t + p1) + aResp * Foundation.sin(respF * t + respPhase)
                    if powerline > 0 { v += powerline * Foundation.sin(wPL * t + pl) }
                    o[i] = v + offset + white * rng.normal()
                }
            }
        }
        deriveLimbLeads(out, length: n)
    }

    /// Fills rows III, aVR, aVL, aVF of a [12, length] ECG from rows I and II (Einthoven /
    /// Goldberger): III = II − I, aVR = −(I + II)/2, aVL = I − II/2, aVF = II − I/2.
    public static func deriveLimbLeads(_ ecg: UnsafeMutablePointer<Float>, length n: Int) {
        for i in 0..<n {
            let l1 = ecg[i], l2 = ecg[n + i]
            ecg[2 * n + i] = l2 - l1
            ecg[3 * n + i] = -(l1 + l2) / 2
            ecg[4 * n + i] = l1 - l2 / 2
            ecg[5 * n + i] = l2 - l1 / 2
        }
    }
}
