// XrayVariation — how much the X-ray phantom's acquisition varies from patient to patient, in
// two independent parts, each a factor in [0, 1] (1 = the default cohort, 0 = none):
//
//   geometry  rotation θ, scale and shift of the patient in the image
//   exposure  contrast, brightness, gamma, heel-effect gradient, and the lungs' darkness and haze
//
// Every such draw u from [lo, hi] is pulled towards the range's centre c by the factor w:
// c + w·(u − c) (haze, which only hides the lungs, towards 0). The draws themselves are made
// either way, so a patient keeps its anatomy, findings and noise whatever the factors are, and
// at 1 the images are bit for bit those of the default cohort. Splitting the two parts asks
// which kind of acquisition variation keeps the tiny ViT from seeing the findings (PAPER.md §5.1).
//
// Deliberately not here: the rendering (`XrayPhantom`), the pixel noise (never scaled).

/// Scale of the phantom's acquisition variation: geometry and exposure, each in [0, 1].
public struct XrayVariation: Sendable, Equatable {
    /// Rotation, scale and shift.
    public var geometry: Float
    /// Contrast, brightness, gamma, heel effect, lung darkness and haze.
    public var exposure: Float

    public init(geometry: Float, exposure: Float) {
        self.geometry = geometry
        self.exposure = exposure
    }

    /// Both parts scaled by the same factor (`--xray-variation V`).
    public init(_ both: Float) { self.init(geometry: both, exposure: both) }

    /// The default cohort: every acquisition draw at its full range.
    public static let `default` = XrayVariation(1)

    /// HDF5 attributes that record a non-default variation; empty for the default, so default
    /// files stay byte for byte what they were. One factor for both parts is `xray_variation`
    /// (as before the split); different factors are recorded per part.
    public var attributes: [String: String] {
        if self == .default { return [:] }
        if geometry == exposure { return ["xray_variation": String(geometry)] }
        return ["xray_geometry_variation": String(geometry), "xray_exposure_variation": String(exposure)]
    }

    /// A human-readable summary for progress lines ("" for the default).
    public var summary: String {
        if self == .default { return "" }
        if geometry == exposure { return "X-ray acquisition variation \(geometry)" }
        return "X-ray acquisition variation: geometry \(geometry), exposure \(exposure)"
    }
}
