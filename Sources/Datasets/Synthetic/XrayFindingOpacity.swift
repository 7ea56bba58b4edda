// XrayFindingOpacity — the lung opacities of the X-ray findings, as a field over body coordinates.
//
// Each finding is an opacity in [0, 1] that removes that fraction of the lung's air (so it looks
// like soft tissue); overlapping findings combine as 1 − Π(1 − oᵢ):
//   effusion      meniscus-shaped basal opacity rising towards the lateral chest wall, blunting
//                 the costophrenic angle; height by size (small / moderate / large);
//   edema         graded haze, strongest around the hila, textured; grade 3 adds a dense
//                 perihilar "bat-wing" component;
//   atelectasis   a thin tilted plate-like band a little above the dome;
//   consolidation 4–6 overlapping Gaussian blobs around the lobe centre, textured;
//   nodule        a small disk; pleural thickening a strip along the lateral wall;
//   pneumothorax  a lucent apical/lateral rim without vessel markings, with a visible pleural line.
// Random shapes (sizes, offsets, textures) are drawn once per patient at construction.
//
// Deliberately not here: the normal anatomy and acquisition (XrayPhantom).

import Foundation
import TensorCore

struct XrayFindingOpacity {
    let a: XrayAnatomy
    let f: XrayFindings
    var effusionHeight: Float = 0
    var edemaTexture: Texture
    var atelectasisOffset: Float = 0.06, atelectasisSlope: Float = 0, atelectasisThick: Float = 0.018
    var blobs: [SIMD4<Float>] = []  // (u, v, sigma, amplitude)
    var blobTexture: Texture
    var consolidationBox: SIMD4<Float>? = nil
    var nodule = SIMD3<Float>(0, 0, 0)  // (u, v, radius)
    var fractureSide: Float = 0

    init(_ f: XrayFindings, anatomy a: XrayAnatomy, rng: inout RNG) {
        self.a = a
        self.f = f
        edemaTexture = Texture(&rng, low: 10, high: 22)
        blobTexture = Texture(&rng, low: 12, high: 25)
        if f.effusion != nil {
            effusionHeight = [0.03, 0.07, 0.13][max(0, min(2, f.effusionSize - 1))] * rng.uniform(0.75, 1.25) * (f.portableAP ? 0.7 : 1)
        }
        if f.atelectasis != nil {
            atelectasisOffset = rng.uniform(0.035, 0.1)
            atelectasisSlope = rng.uniform(-0.18, 0.18)
            atelectasisThick = rng.uniform(0.014, 0.026)
        }
        if let lobe = f.consolidation {
            let (du, cv) = XrayPhantom.lobeCentre[lobe.rawValue]
            let cu = a.cx + du * a.tw / 0.41
            let n = 4 + rng.int(below: 3)
            var lo = SIMD2<Float>(1, 1), hi = SIMD2<Float>(0, 0)
            for _ in 0..<n {
                let b = SIMD4<Float>(cu + 0.035 * rng.normal(), cv + 0.035 * rng.normal(), rng.uniform(0.025, 0.045), rng.uniform(0.45, 0.8))
                blobs.append(b)
                lo = pointwiseMin(lo, SIMD2(b.x - 1.5 * b.z, b.y - 1.5 * b.z))
                hi = pointwiseMax(hi, SIMD2(b.x + 1.5 * b.z, b.y + 1.5 * b.z))
            }
            consolidationBox = SIMD4(lo.x, lo.y, hi.x, hi.y)
        }
        if let lobe = f.nodule {
            let (du, cv) = XrayPhantom.lobeCentre[lobe.rawValue]
            nodule = SIMD3(a.cx + du + 0.04 * rng.normal(), cv + 0.04 * rng.normal(), rng.uniform(0.014, 0.024))
        }
        if let s = f.fracture { fractureSide = s == .right ? -1 : 1 }
    }

    @inline(__always) static func involves(_ s: BodySide?, _ side: Float) -> Bool {
        guard let s else { return false }
        return side < 0 ? s.hasRight : s.hasLeft
    }

    /// Combined opacity in [0, 1] at (u, v) of a lung (`side` −1 right, +1 left; `q` the lung's
    /// superellipse value, 1 at its border).
    @inline(__always)
    func opacity(_ u: Float, _ v: Float, side: Float, q: Float) -> Float {
        var clear: Float = 1  // Π(1 − oᵢ)
        let l = a.lung(side)
        if Self.involves(f.effusion, side) {
            let lateral = min(1, max(0, (abs(u - a.cx) - a.medial) / (2 * l.hw)))
            let meniscus = a.dome(u, side) - effusionHeight * (1 + 0.9 * lateral * lateral)
            clear *= 1 - 0.92 * XrayPhantom.smoothEdge((v - meniscus) / 0.015)
        }
        if f.edema > 0 {
            let hu = u - (a.cx + side * 0.1), hv = v - 0.46
            let w = Foundation.exp(-(hu * hu + hv * hv) / (2 * 0.14 * 0.14))
            let g = Float(f.edema)
            var o = g * (0.025 + 0.045 * w) * (1 + 0.6 * edemaTexture.value(u, v))
            if f.edema == 3 { o += 0.2 * w }
            clear *= 1 - min(0.9, max(0, o))
        }
        if Self.involves(f.atelectasis, side) {
            let band = a.dome(u, side) - atelectasisOffset - atelectasisSlope * (u - l.cx)
            let d = (v - band) / atelectasisThick
            if abs(d) < 3 {
                let taper = XrayPhantom.smoothEdge((0.8 - abs(u - l.cx - side * 0.25 * l.hw) / l.hw) / 0.3)
                clear *= 1 - 0.75 * Foundation.exp(-d * d) * taper
            }
        }
        if !blobs.isEmpty {
            var o: Float = 0
            for b in blobs {
                let du = u - b.x, dv = v - b.y, r2 = du * du + dv * dv
                if r2 < 9 * b.z * b.z { o += b.w * Foundation.exp(-r2 / (2 * b.z * b.z)) }
            }
            if o > 0 { clear *= 1 - min(0.9, o * (0.75 + 0.25 * blobTexture.value(u, v))) }
        }
        if f.nodule != nil {
            let du = u - nodule.x, dv = v - nodule.y
            let d = (du * du + dv * dv).squareRoot()
            clear *= 1 - 0.6 * XrayPhantom.smoothEdge((nodule.z - d) / 0.006)
        }
        if Self.involves(f.pleuralThickening, side) && v > 0.3 && v < 0.7 {
            clear *= 1 - 0.45 * XrayPhantom.smoothEdge((q - 0.84) / 0.1)
        }
        return 1 - clear
    }

    /// Air multiplier in a pneumothorax (apical/lateral rim of the lung): 1.25 there, else 1.
    @inline(__always)
    func pneumothoraxBoost(_ v: Float, side: Float, q: Float) -> Float {
        Self.involves(f.pneumothorax, side) && q > 0.6 && v < a.lung(side).cy ? 1.25 : 1
    }

    /// The visceral pleural line of a pneumothorax: a thin bright curve inside the rim.
    @inline(__always)
    func pleuralLine(_ v: Float, side: Float, q: Float) -> Float {
        guard Self.involves(f.pneumothorax, side), v < a.lung(side).cy else { return 0 }
        let d = (q - 0.6) / 0.03
        return abs(d) < 3 ? 0.1 * Foundation.exp(-d * d) : 0
    }
}
