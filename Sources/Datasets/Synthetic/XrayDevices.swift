// XrayDevices — the dense foreign bodies and calcifications of a chest X-ray phantom, as an
// additive brightness over body coordinates: endotracheal and enteric tubes, central lines and
// PICCs, a pacemaker/ICD generator with its leads, median sternotomy wire loops, cholecystectomy
// clips, a calcified granuloma and a calcified aortic knob.
//
// Every object is a union of primitives — segments of a polyline (a tube or wire of half-width w),
// discs and rounded boxes — with a brightness profile A · exp(−d²/w²) across a line. Lines are
// widened to at least 0.7 pixel (w_eff = max(w, 0.7 · pixel)) with A scaled by w / w_eff, so
// that a thin catheter keeps its integrated density and is not lost between the pixel centres of
// a 64×64 image. Paths follow plausible anatomy relative to `XrayAnatomy` (carina ≈ apex + 0.25,
// superior vena cava right of the midline, right atrium at the heart's upper right border, right
// ventricle towards the apex); 1 cm ≈ thorax half-width / 15.
//
// Deliberately not here: lung opacities (XrayFindingOpacity), acquisition (XrayPhantom).

import Foundation
import TensorCore

struct XrayDevices {
    /// A segment p → q with half-width w and brightness amplitude.
    struct Segment { var p: SIMD2<Float>, q: SIMD2<Float>, w: Float, amp: Float }
    /// A filled ellipse (centre, radii) with a soft edge.
    struct Blob { var c: SIMD2<Float>, r: SIMD2<Float>, amp: Float }

    var segments: [Segment] = []
    var blobs: [Blob] = []
    /// Bounding box (u0, v0, u1, v1) of everything, for a quick reject.
    var bounds = SIMD4<Float>(1, 1, 0, 0)

    /// Carina height in body coordinates.
    static func carina(_ a: XrayAnatomy) -> Float { a.apex + 0.25 }
    /// Body units per centimetre.
    static func cm(_ a: XrayAnatomy) -> Float { a.tw / 15 }

    mutating func line(_ points: [SIMD2<Float>], w: Float, amp: Float, pixel: Float) {
        let we = max(w, 0.7 * pixel), ae = amp * w / we
        for k in 1..<points.count { segments.append(Segment(p: points[k - 1], q: points[k], w: we, amp: ae)) }
        for p in points { extend(p, we * 3) }
    }

    mutating func blob(_ c: SIMD2<Float>, _ r: SIMD2<Float>, amp: Float, pixel: Float) {
        let re = pointwiseMax(r, SIMD2(repeating: 0.6 * pixel))
        blobs.append(Blob(c: c, r: re, amp: amp * (r.x * r.y) / (re.x * re.y)))
        extend(c, max(re.x, re.y) * 1.6)
    }

    mutating func extend(_ p: SIMD2<Float>, _ margin: Float) {
        bounds = SIMD4(min(bounds.x, p.x - margin), min(bounds.y, p.y - margin), max(bounds.z, p.x + margin), max(bounds.w, p.y + margin))
    }

    /// Builds the objects of `f` for anatomy `a`; `pixel` is the body size of one image pixel.
    init(_ f: XrayFindings, anatomy a: XrayAnatomy, pixel: Float, rng: inout RNG) {
        let d = f.devices, cx = a.cx, cm = Self.cm(a), carina = Self.carina(a)
        let heartTop = a.heartY - a.heartH
        let svc = cx - a.mediastinum * 0.6
        let tipV = [heartTop - 0.07, heartTop - 0.01, heartTop + 0.045]
        func P(_ u: Float, _ v: Float) -> SIMD2<Float> { SIMD2(u, v) }
        if let above = d.ettAboveCarina {
            let u = cx + rng.uniform(-0.008, 0.008)
            line([P(u, -0.05), P(u, 0.12), P(u + 0.004, carina - above * cm)], w: 0.011, amp: 0.22, pixel: pixel)
        }
        if d.enteric {
            let u = cx + rng.uniform(0.0, 0.012), g = a.domeLeft
            line([P(u, -0.05), P(u + 0.005, 0.35), P(u + 0.03, g - 0.03), P(u + 0.09, g + 0.04), P(u + 0.15, g + 0.07)],
                 w: 0.006, amp: 0.26, pixel: pixel)
        }
        if let route = d.centralLine {
            let tip = P(svc + 0.01, tipV[d.lineTip])
            let path: [SIMD2<Float>]
            switch route {
            case .rightIJ: path = [P(cx - 0.1, 0.0), P(cx - 0.08, 0.12), P(svc - 0.01, 0.2), tip]
            case .leftSubclavian: path = [P(cx + 0.24, 0.19), P(cx + 0.12, 0.17), P(cx + 0.02, 0.21), P(svc, 0.25), tip]
            case .rightPICC: path = [P(cx - a.tw - 0.08, 0.25), P(cx - a.tw + 0.04, 0.2), P(cx - 0.15, 0.17), P(svc - 0.01, 0.22), tip]
            case .leftPICC: path = [P(cx + a.tw + 0.08, 0.25), P(cx + a.tw - 0.04, 0.2), P(cx + 0.12, 0.17), P(cx + 0.02, 0.21), P(svc, 0.25), tip]
            }
            line(path, w: 0.0045, amp: 0.3, pixel: pixel)
        }
        if let pacer = d.pacer {
            let g = P(cx + a.tw * 0.55 + rng.uniform(-0.02, 0.02), 0.2 + rng.uniform(-0.02, 0.02))
            let size: SIMD2<Float> = pacer == .icd ? P(0.05, 0.036) : P(0.038, 0.028)
            blob(g, size, amp: 0.6, pixel: pixel)
            let entry = [g, P(g.x - 0.06, g.y - 0.015), P(cx + 0.03, 0.2), P(svc, 0.27), P(svc + 0.005, heartTop)]
            let rv = P(a.heartX + 0.25 * a.heartW, a.heartY + 0.45 * a.heartH)
            line(entry + [P(cx - 0.01, a.heartY), rv], w: pacer == .icd ? 0.008 : 0.005, amp: 0.35, pixel: pixel)
            if pacer == .dualChamber {
                line(entry + [P(svc - 0.015, heartTop + 0.05), P(svc + 0.005, heartTop + 0.025)], w: 0.005, amp: 0.35, pixel: pixel)
            }
        }
        if d.sternotomy {
            let n = 5 + rng.int(below: 3), v0 = heartTop - 0.12, v1 = a.heartY + 0.2 * a.heartH
            for k in 0..<n {
                let v = v0 + (v1 - v0) * Float(k) / Float(n - 1) + 0.006 * rng.normal()
                let u = cx + 0.012 * rng.normal()
                blob(P(u - 0.008, v), P(0.009, 0.006), amp: 0.4, pixel: pixel)
                blob(P(u + 0.008, v), P(0.009, 0.006), amp: 0.4, pixel: pixel)
            }
        }
        if f.surgicalClips {
            let c = P(cx - 0.12 + 0.02 * rng.normal(), a.domeRight + 0.08)
            for k in 0..<3 {
                let o = P(0.02 * Float(k) - 0.02 + 0.006 * rng.normal(), 0.012 * rng.normal())
                line([c + o, c + o + P(0.006, 0.014)], w: 0.004, amp: 0.45, pixel: pixel)
            }
        }
        if let lobe = f.granuloma {
            let (du, cv) = XrayPhantom.lobeCentre[lobe.rawValue]
            blob(P(cx + du * a.tw / 0.41 + 0.04 * rng.normal(), cv + 0.04 * rng.normal()), P(0.007, 0.007), amp: 0.5, pixel: pixel)
        }
        if f.aorticCalcification {
            // A curved rim along the top-left of the aortic knob (image right of the mediastinum).
            let r = a.knob * 1.1, c = P(cx + a.mediastinum + 0.004, 0.3)
            var arc: [SIMD2<Float>] = []
            for k in 0...6 {
                let t = Float.pi * (-0.9 + 0.6 * Float(k) / 6)
                arc.append(c + P(r * Foundation.cos(t), 0.04 * Foundation.sin(t)))
            }
            line(arc, w: 0.004, amp: 0.3, pixel: pixel)
        }
    }

    /// Added brightness at body point (u, v).
    @inline(__always)
    func value(_ u: Float, _ v: Float) -> Float {
        if u < bounds.x || u > bounds.z || v < bounds.y || v > bounds.w { return 0 }
        let p = SIMD2<Float>(u, v)
        var s: Float = 0
        for g in segments {
            let e = g.q - g.p, len2 = (e * e).sum()
            let t = len2 > 0 ? min(1, max(0, ((p - g.p) * e).sum() / len2)) : 0
            let r = p - (g.p + t * e), d2 = (r * r).sum() / (g.w * g.w)
            if d2 < 9 { s = max(s, g.amp * Foundation.exp(-d2)) }
        }
        for b in blobs {
            let q = (p - b.c) / b.r, d = (q * q).sum().squareRoot()
            if d < 1.6 { s = max(s, b.amp * XrayPhantom.smoothEdge((1 - d) / 0.35)) }
        }
        return s
    }
}
