// ECGBeats — the beat schedule and the non-sinus beat shapes of the synthetic ECG: which beats of
// the 10 s strip are ventricular or atrial premature complexes, the wide QRS of an ectopic
// ventricular focus and the paced QRS of a right-ventricular lead.
//
// Premature complexes replace beats b with t_{b−1} ≥ 0.5 s and t_{b+1} ≤ 9.3 s (so the premature beat
// and both its neighbours lie well inside the strip), never two adjacent ones:
// a VPC comes at t_{b−1} + 0.6 RR and leaves the following beats in place (full compensatory
// pause, ≈ 1.4 RR); an APC comes at t_{b−1} + 0.7 RR and resets the sinus node (every later
// beat moves 0.3 RR earlier).
//
// Deliberately not here: the sinus QRS–T and rendering (ECGSynth).

import Foundation
import TensorCore

/// Kind of one beat in the strip.
enum BeatKind: Sendable { case normal, pvc, pac }

extension ECGSynth {
    /// Beat times (R peaks, s) and kinds, with the patient's premature complexes placed.
    static func beatSchedule(_ e: ECGFindings, _ rng: inout RNG) -> [(time: Float, kind: BeatKind)] {
        var beats = beatTimes(e, &rng).map { (time: $0, kind: BeatKind.normal) }
        guard e.pvcs + e.pacs > 0 else { return beats }
        var candidates = beats.indices.filter { $0 > 0 && $0 + 1 < beats.count && beats[$0 - 1].time >= 0.5 && beats[$0 + 1].time <= 9.3 }
        rng.shuffle(&candidates)
        var chosen: [(Int, BeatKind)] = []
        let wanted = [BeatKind](repeating: .pvc, count: e.pvcs) + [BeatKind](repeating: .pac, count: e.pacs)
        for kind in wanted {
            guard let b = candidates.first(where: { c in !chosen.contains { abs($0.0 - c) <= 1 } }) else { break }
            chosen.append((b, kind))
        }
        for (b, kind) in chosen.sorted(by: { $0.0 < $1.0 }) {
            let prev = beats[b - 1].time, rr = beats[b].time - prev
            let t = prev + (kind == .pvc ? 0.6 : 0.7) * rr
            if kind == .pac { for k in (b + 1)..<beats.count { beats[k].time -= beats[b].time - t } }
            beats[b] = (t, kind)
        }
        return beats
    }

    /// QRS and T of the patient's ectopic ventricular focus: wide (≈ 140 ms), large, in a random
    /// direction, with a discordant T.
    static func ectopicWaves(_ rng: inout RNG, gain: Float) -> (qrs: [DipoleWave], t: DipoleWave) {
        let dir = normalize(SIMD3(rng.normal(), rng.normal(), rng.normal()))
        let qrs = [DipoleWave(centre: 0, width: 0.028, dir: dir * 1.5 * gain),
                   DipoleWave(centre: 0.045, width: 0.022, dir: dir * 0.6 * gain)]
        return (qrs, DipoleWave(centre: 0, width: 0.07, dir: -dir * 0.45 * gain))
    }

    /// QRS and T of a right-ventricular paced beat: wide, leftward-superior and posterior
    /// (negative in II, III, aVF and V1–V3, like LBBB with left axis), discordant T.
    static func pacedWaves(_ e: ECGFindings, gain: Float) -> (qrs: [DipoleWave], t: DipoleWave) {
        let l = normalize(SIMD3(0.5, -0.55, -0.65))
        let qrs = [DipoleWave(centre: 0, width: 0.026, dir: l * 1.4 * gain),
                   DipoleWave(centre: 0.055, width: 0.024, dir: l * 0.9 * gain)]
        return (qrs, DipoleWave(centre: 0, width: 0.07, dir: -l * 0.4 * gain))
    }

    /// Frontal QRS axis (degrees, −180…180, 0 = lead I, +90 = aVF) of the net QRS area of the
    /// sinus beat of `e` as rendered (disease components and the patient rotation included):
    /// atan2(Σ A_k d_k,y, Σ A_k d_k,x) with A_k = w_k (Gaussian area ∝ width).
    static func frontalAxis(_ e: ECGFindings) -> Float {
        let alpha = (e.axis - baseAxis) * Float.pi / 180
        var x: Float = 0, y: Float = 0
        for w in beatWaves(e, gain: 1).qrs where w.centre < 0.08 {
            x += w.width * w.dir.x; y += w.width * w.dir.y
        }
        let ca = Foundation.cos(alpha), sa = Foundation.sin(alpha)
        return Foundation.atan2(sa * x + ca * y, ca * x - sa * y) * 180 / Float.pi
    }
}
