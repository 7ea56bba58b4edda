// XrayPhantom — renders a frontal (PA) chest X-ray phantom of one patient, values in [0, 1].
//
// The image is built from analytic layers in "body" coordinates (u right-to-left of the image,
// v top-to-bottom, both in [0, 1]; the patient's right is on the image's left):
//   soft tissue (body outline, neck, abdomen) + bones (posterior ribs as curved bright bands,
//   clavicles, spine) − air in the two lungs (superellipses cut by the diaphragm domes, minus
//   the heart silhouette and the mediastinum), with bronchovascular markings in the lungs;
// dense objects (tubes, lines, pacemaker, sternotomy wires, clips, calcifications) add brightness
// (`XrayDevices`); lung volume moves the domes (low volumes raise them, hyperinflation lowers and
// flattens them), a tortuous aorta enlarges the aortic knob;
// findings reduce the air of the lungs through an opacity in [0, 1] (`XrayFindingOpacity`):
// effusion (meniscus at the costophrenic angle), edema (graded perihilar haze), atelectasis
// (basal band), consolidation (patchy lobar blobs), nodule, pneumothorax, pleural thickening.
// Acquisition then adds rotation/shift/scale, contrast, brightness, gamma, a heel-effect
// gradient and Gaussian noise. Finding regions are returned as boxes in image coordinates.
// `variation` (`XrayVariation`, default 1 and 1) scales that acquisition variation and the
// habitus of the lungs' darkness and haze, geometry and exposure separately: every such draw is
// pulled towards the centre of its range by its factor (haze, which only hides the lungs,
// towards 0), so 0 and 0 take every image with the same geometry and exposure. The draws
// themselves are unchanged, so a patient keeps its anatomy and findings; at 1 the images are bit
// for bit those of the default.
//
// Deliberately not here: a physical attenuation model, lateral views.

import Foundation
import TensorCore

/// Finding regions of one phantom as boxes (x0, y0, x1, y1) in image coordinates normalised to
/// [0, 1] (x to the right, y down). Absent regions are (−1, −1, −1, −1).
public struct XrayRegions: Sendable, Equatable {
    public static let absent = SIMD4<Float>(-1, -1, -1, -1)
    public var heart = absent
    public var lungRight = absent
    public var lungLeft = absent
    public var costophrenicRight = absent
    public var costophrenicLeft = absent
    public var consolidation = absent
}

/// Patient anatomy of one phantom (body coordinates).
struct XrayAnatomy {
    var cx: Float = 0.5, tw: Float = 0.41          // thorax centre and half-width
    var apex: Float = 0.12, medial: Float = 0.06    // lung apex height, medial lung edge offset
    var domeRight: Float = 0.74, domeLeft: Float = 0.77, domeHeight: Float = 0.05
    var heartX: Float = 0.54, heartY: Float = 0.62, heartW: Float = 0.18, heartH: Float = 0.11
    var mediastinum: Float = 0.055
    /// Aortic knob bulge beyond the left mediastinal border.
    var knob: Float = 0.028
    var ribStart: Float = 0.17, ribStep: Float = 0.068, ribThick: Float = 0.016
    var darkness: Float = 1
    /// Diffuse soft-tissue/under-penetration haze over the lungs (a confounder of edema).
    var haze: Float = 0

    /// Half-width and centre of one lung (side −1 = patient's right = image left).
    func lung(_ side: Float) -> (cx: Float, hw: Float, cy: Float, hh: Float) {
        let hw = (tw - 0.025 - medial) / 2
        let c = cx + side * (medial + hw)
        let base = side < 0 ? domeRight : domeLeft
        return (c, hw, (apex + base + 0.06) / 2, (base + 0.06 - apex) / 2)
    }

    /// Diaphragm dome height at u for one side: highest at the lung centre, low at the angles.
    func dome(_ u: Float, _ side: Float) -> Float {
        let l = lung(side)
        let t = min(1.2, abs(u - l.cx) / l.hw)
        return (side < 0 ? domeRight : domeLeft) - domeHeight * (1 - t * t) + 0.015 * t * t * t * t
    }
}

/// Renders chest X-ray phantoms.
public enum XrayPhantom {
    /// Lobe centres in body coordinates (side-signed offset from the midline, height).
    static let lobeCentre: [(Float, Float)] = [(-0.21, 0.30), (-0.15, 0.55), (-0.23, 0.64), (0.20, 0.33), (0.24, 0.66)]

    @inline(__always) static func smoothEdge(_ x: Float) -> Float {
        let t = min(1, max(0, 0.5 + x))
        return t * t * (3 - 2 * t)
    }

    /// A draw u from [lo, hi] pulled towards the range's centre by the variation v:
    /// c + v·(u − c), c = (lo + hi)/2 (u itself when v = 1, so the default stays bit for bit).
    @inline(__always) static func uniform(_ lo: Float, _ hi: Float, variation v: Float, _ rng: inout RNG) -> Float {
        let u = rng.uniform(lo, hi)
        if v == 1 { return u }
        let c = (lo + hi) / 2
        return c + v * (u - c)
    }

    /// Samples the anatomy for a patient with the given findings; `exposure` is the exposure
    /// factor of `XrayVariation` (lung darkness and haze).
    static func anatomy(_ f: XrayFindings, male: Bool, exposure v: Float = 1, _ rng: inout RNG) -> XrayAnatomy {
        var a = XrayAnatomy()
        a.tw = rng.uniform(0.35, 0.44) + (male ? 0.01 : 0)
        a.apex = rng.uniform(0.10, 0.14)
        let inspiration = rng.uniform(-0.03, 0.03) + [-0.075, 0, 0.06][f.lungVolume + 1]
        a.domeRight = 0.735 + inspiration
        a.domeLeft = a.domeRight + rng.uniform(0.015, 0.04)
        a.domeHeight = rng.uniform(0.035, 0.06) * (f.lungVolume > 0 ? 0.35 : 1)
        if let side = f.elevatedHemidiaphragm {
            let raise = rng.uniform(0.05, 0.08)
            if side == .right { a.domeRight -= raise } else { a.domeLeft -= raise }
        }
        a.medial = rng.uniform(0.05, 0.07)
        a.heartW = f.ctr * a.tw * (f.portableAP ? 1.12 : 1)
        a.heartH = 0.105 + 0.55 * (a.heartW - 0.18) + rng.uniform(-0.01, 0.01)
        a.heartX = a.cx + 0.28 * a.heartW + rng.uniform(-0.04, 0.04)
        a.heartY = a.domeLeft - a.heartH * rng.uniform(0.75, 0.9)
        a.mediastinum = rng.uniform(0.048, 0.06) + (f.wideMediastinum ? 0.035 : 0)
        a.knob = f.tortuousAorta ? rng.uniform(0.045, 0.06) : rng.uniform(0.022, 0.032)
        a.ribStart = rng.uniform(0.15, 0.19)
        a.ribStep = rng.uniform(0.062, 0.072)
        a.darkness = uniform(0.72, 1.15, variation: v, &rng)
        a.haze = v * rng.uniform(0, 0.25)   // 1 · x = x exactly: the default stays bit for bit
        return a
    }

    /// Renders one patient's X-ray into `out` (row-major [size, size]) and returns its regions.
    ///
    /// - Parameters:
    ///   - out: [size · size] destination, written completely, values in [0, 1].
    ///   - variation: scale of the acquisition variation, geometry and exposure (file header);
    ///     `.default` (1 and 1) = the default cohort.
    ///   - rng: the patient's X-ray stream (anatomy, texture, acquisition and noise all come from it).
    public static func render(_ f: XrayFindings, male: Bool, size: Int, into out: UnsafeMutablePointer<Float>,
                              variation: XrayVariation = .default, rng: inout RNG) -> XrayRegions {
        let g = variation.geometry, e = variation.exposure
        let a = anatomy(f, male: male, exposure: e, &rng)
        // Finding shapes come from a forked stream, so that the same patient rendered with and
        // without a finding has the same anatomy, acquisition and noise.
        var findingRNG = RNG(seed: rng.seed, stream: RNG.splitmix(rng.stream ^ 0x6669_6E64_696E_6773))
        let op = XrayFindingOpacity(f, anatomy: a, rng: &findingRNG)
        var deviceRNG = RNG(seed: rng.seed, stream: RNG.splitmix(rng.stream ^ 0x6465_7669_6365_7321))
        let vessels = Texture(&rng)
        // Acquisition geometry: image = c + shift + scale · R(θ) (body − c).
        let theta = max(-0.14, min(0.14, 0.06 * g * rng.normal()))
        let scale = uniform(0.86, 1.12, variation: g, &rng)
        let shift = SIMD2<Float>(uniform(-0.07, 0.07, variation: g, &rng), uniform(-0.06, 0.06, variation: g, &rng))
        let cosT = Foundation.cos(theta), sinT = Foundation.sin(theta)
        let contrast = uniform(0.7, 1.25, variation: e, &rng), brightness = uniform(-0.08, 0.1, variation: e, &rng)
        let gamma = uniform(0.7, 1.4, variation: e, &rng), heel = uniform(-0.08, 0.08, variation: e, &rng)
        let noise = rng.uniform(0.015, 0.05)
        let inv = 1 / Float(size)
        let devices = XrayDevices(f, anatomy: a, pixel: inv / scale, rng: &deviceRNG)

        for py in 0..<size {
            for px in 0..<size {
                let x = (Float(px) + 0.5) * inv, y = (Float(py) + 0.5) * inv
                let dx = (x - 0.5 - shift.x) / scale, dy = (y - 0.5 - shift.y) / scale
                let u = 0.5 + cosT * dx + sinT * dy, v = 0.5 - sinT * dx + cosT * dy
                let i = intensity(u, v, a, op, vessels) + devices.value(u, v)
                var p = brightness + contrast * Foundation.pow(max(0, i), gamma) + heel * (x - 0.5)
                p += noise * rng.normal()
                out[py * size + px] = min(1, max(0, p))
            }
        }

        func toImage(_ b: SIMD4<Float>) -> SIMD4<Float> {
            var lo = SIMD2<Float>(1, 1), hi = SIMD2<Float>(0, 0)
            for (bu, bv) in [(b.x, b.y), (b.z, b.y), (b.x, b.w), (b.z, b.w)] {
                let du = bu - 0.5, dv = bv - 0.5
                let p = SIMD2<Float>(0.5 + shift.x + scale * (cosT * du - sinT * dv),
                                     0.5 + shift.y + scale * (sinT * du + cosT * dv))
                lo = pointwiseMin(lo, p); hi = pointwiseMax(hi, p)
            }
            let z = SIMD2<Float>(0, 0), one = SIMD2<Float>(1, 1)
            lo = pointwiseMax(z, pointwiseMin(one, lo)); hi = pointwiseMax(z, pointwiseMin(one, hi))
            return SIMD4(lo.x, lo.y, hi.x, hi.y)
        }
        var r = XrayRegions()
        r.heart = toImage(SIMD4(a.heartX - a.heartW, a.heartY - a.heartH, a.heartX + a.heartW, min(a.heartY + a.heartH, a.domeLeft)))
        for side: Float in [-1, 1] {
            let l = a.lung(side)
            let lungBox = SIMD4(l.cx - l.hw, a.apex, l.cx + l.hw, side < 0 ? a.domeRight + 0.02 : a.domeLeft + 0.02)
            let lateral = l.cx + side * l.hw
            let cpU0 = side < 0 ? lateral : lateral - 0.12, cpU1 = side < 0 ? lateral + 0.12 : lateral
            let base = a.dome(lateral, side)
            let cp = SIMD4(cpU0, base - 0.13, cpU1, base + 0.02)
            if side < 0 { r.lungRight = toImage(lungBox); r.costophrenicRight = toImage(cp) }
            else { r.lungLeft = toImage(lungBox); r.costophrenicLeft = toImage(cp) }
        }
        if let box = op.consolidationBox { r.consolidation = toImage(box) }
        return r
    }

    /// Image intensity before acquisition effects at body point (u, v).
    @inline(__always)
    static func intensity(_ u: Float, _ v: Float, _ a: XrayAnatomy, _ op: XrayFindingOpacity, _ vessels: Texture) -> Float {
        let du = u - a.cx, side: Float = du < 0 ? -1 : 1
        // Soft tissue: body outline narrowing to the neck at the top.
        let neck = 0.09 + (a.tw + 0.05 - 0.09) * smoothEdge((v - 0.11) / 0.14)
        let body = smoothEdge((neck - abs(du)) / 0.02)
        var i: Float = 0.03 + 0.55 * body
        if body <= 0 { return i }
        // Bones: spine, clavicles, posterior ribs.
        if abs(du) < 0.032 { i += 0.07 + 0.02 * Foundation.cos(2 * Float.pi * v / 0.045) }
        let cu = abs(du), cv = 0.16 - 0.2 * (cu - 0.04)  // clavicle line
        if cu > 0.04 && cu < 0.30 { let d = (v - cv) / 0.014; if abs(d) < 3 { i += 0.16 * Foundation.exp(-d * d) } }
        let s = abs(du) / a.tw
        let ribFloor = (du < 0 ? a.domeRight : a.domeLeft) + 0.06
        if s > 0.08 && s < 1.02 && v < ribFloor {
            let bend = -0.02 * s + 0.2 * s * s
            let k = ((v - a.ribStart - bend) / a.ribStep).rounded()
            if k >= 0 && k < 10 {
                let d = (v - a.ribStart - bend - k * a.ribStep) / a.ribThick
                var rib: Float = abs(d) < 3 ? 0.1 * Foundation.exp(-d * d) * smoothEdge((ribFloor - v) / 0.06) : 0
                if op.fractureSide == side && k == 6 && abs(s - 0.78) < 0.03 { rib = 0 }
                i += rib
            }
        }
        // Heart (denser than soft tissue), then the lungs: superellipse cut by the dome, minus
        // heart and mediastinum.
        let hu = (u - a.heartX) / a.heartW, hv = (v - a.heartY) / a.heartH
        let heart = smoothEdge((1 - hu * hu - hv * hv) / 0.2)
        i += 0.06 * heart
        let l = a.lung(side)
        let qu = abs(u - l.cx) / l.hw, qv = abs(v - l.cy) / l.hh
        let q = Foundation.pow(qu, 2.6) + Foundation.pow(qv, 2.6)
        var lung = smoothEdge((1 - q) / 0.12) * smoothEdge((a.dome(u, side) - v) / 0.012)
        if lung <= 0 { return i }
        let knob: Float = side > 0 ? a.knob * Foundation.exp(-(v - 0.3) * (v - 0.3) / 0.0016) : 0
        let med = v < a.heartY ? smoothEdge((a.mediastinum + knob - abs(du)) / 0.015) : 0
        lung *= (1 - heart) * (1 - med)
        let opacity = op.opacity(u, v, side: side, q: q)
        let air = 0.46 * a.darkness * lung * (1 - a.haze) * (1 - opacity) * op.pneumothoraxBoost(v, side: side, q: q)
        let hilum = (u - (a.cx + side * 0.1)) * (u - (a.cx + side * 0.1)) + (v - 0.45) * (v - 0.45)
        let markings = op.pneumothoraxBoost(v, side: side, q: q) > 1 ? 0 : 0.07 * (0.5 + 0.5 * vessels.value(u, v)) * Foundation.exp(-hilum / 0.03)
        return i - air + markings * lung + op.pleuralLine(v, side: side, q: q)
    }
}

/// A smooth random field in [−1, 1]: a sum of six random plane waves.
struct Texture {
    var waves: [SIMD4<Float>] = []  // (kx, ky, phase, unused)
    init(_ rng: inout RNG, low: Float = 7, high: Float = 18) {
        for _ in 0..<6 {
            let f = rng.uniform(low, high) * 2 * Float.pi, t = rng.uniform(0, Float.pi)
            waves.append(SIMD4(f * Foundation.cos(t), f * Foundation.sin(t), rng.uniform(0, 2 * Float.pi), 0))
        }
    }
    @inline(__always) func value(_ u: Float, _ v: Float) -> Float {
        var s: Float = 0
        for w in waves { s += Foundation.sin(w.x * u + w.y * v + w.z) }
        return s * 0.41  // 1/√6
    }
}
