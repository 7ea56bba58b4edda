// ConvertXray — X-ray plumbing shared by the MIMIC, edema and CheXpert converters: the
// MIMIC-CXR-JPG file layout (image and report paths from subject/study/dicom ids), the
// CheXpert label row of a CSV (NaN/empty → 0, −1 kept), and parallel preprocessing of a list of
// images (decode → resize → CLAHE, `preprocessXray`), each failure kept as that image's error.
//
// Deliberately not here: the image numerics (Preprocess/XrayPreprocess.swift), which rows to keep.

import Foundation
import TensorCore

/// MIMIC-CXR(-JPG) folder layout: `files/p<first 2 digits>/p<subject>/s<study>/<dicom>.jpg` and
/// the report `files/p<first 2 digits>/p<subject>/s<study>.txt` (mimic-cxr-reports.zip).
public enum MIMICLayout {
    /// The image of `dicom` relative to the MIMIC-CXR-JPG root.
    public static func imagePath(subject: String, study: String, dicom: String) -> String {
        "files/p\(subject.prefix(2))/p\(subject)/s\(study)/\(dicom).jpg"
    }

    /// The free-text report of a study relative to the reports root.
    public static func reportPath(subject: String, study: String) -> String {
        "files/p\(subject.prefix(2))/p\(subject)/s\(study).txt"
    }

    /// An integer id as written in the CSVs ("10000032", "10000032.0") → "10000032"; nil otherwise.
    public static func id(_ s: String) -> String? {
        let t = s.trimmingCharacters(in: .whitespaces)
        guard let v = Double(t), v >= 0, v == v.rounded(), v < 1e15 else { return nil }
        return String(Int(v))
    }
}

/// The value of a CheXpert label cell: "" (NaN) → 0, "1.0" → 1, "0.0" → 0, "-1.0" → −1; nil for
/// anything else.
public func chexpertLabelValue(_ s: String) -> Float? {
    let t = s.trimmingCharacters(in: .whitespaces)
    if t.isEmpty { return 0 }
    guard let v = Float(t), v == 1 || v == 0 || v == -1 else { return nil }
    return v
}

/// Reads the 13 CheXpert labels (`CohortLabels.chexpert13Names`) of row `r` of `t`; the first
/// unparsable cell is returned as its location.
func chexpert13Row(_ t: CSVTable, row r: Int, columns: [Int]) -> Result<[Float], DataError> {
    var out: [Float] = []
    for c in columns {
        guard let v = chexpertLabelValue(t[r, c]) else {
            return .failure(.malformed(file: t.file, field: t.location(row: r, column: c),
                                       reason: "'\(t[r, c])' is not a CheXpert label (1, 0, -1 or empty)"))
        }
        out.append(v)
    }
    return .success(out)
}

/// The `mimic4` columns (Atelectasis, Cardiomegaly, Edema, Pleural Effusion) of chexpert13 rows.
func mimic4Rows(_ rows: [[Float]]) -> [[Float]] { rows.map { r in CohortLabels.mimic4Columns.map { r[$0] } } }

/// Preprocesses every image in parallel (`preprocessXray(contentsOf:size:)`): one result per URL,
/// progress reported as `stage` (ConvertEach.swift).
func preprocessXrays(_ urls: [URL], size: Int, stage: String, progress: ConvertProgress?) -> [Result<[Float], Error>] {
    convertEach(urls.count, stage: stage, progress: progress) { i in try preprocessXray(contentsOf: urls[i], size: size) }
}

/// Attributes describing the X-ray preprocessing of a converted split.
func xrayAttributes(size: Int) -> [String: String] {
    ["xray_size": String(size),
     "xray_preprocessing": "decode (libjpeg/libpng) -> 8-bit gray (Pillow 'L') -> bicubic resize to \(size)x\(size) "
        + "(aspect not kept) -> CLAHE equalize_adapthist(x/max) defaults -> uint8 -> /255; "
        + "not normalised (mean 0.499, std 0.293 applied by the loader)"]
}
