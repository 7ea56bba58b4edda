// ConvertECG — one WFDB record → the model's ECG input, shared by the PTB-XL and MIMIC
// converters: read (with checksum verification), require 12 leads, apply the authors' chain
// (`preprocessECG`: NaN → 0, resample to 100 Hz, baseline removal, per-lead min-max) with the
// chosen lead order, and say which lead names the output rows carry.
//
// Deliberately not here: the WFDB format (WFDB/), the numerics (Preprocess/ECGPreprocess.swift),
// and the choice of what to do with a failing record (the converters skip it and count it).

import Foundation

/// The ECG of one record, ready for `/ecg`: `[12, 1000]` in [−1, 1], with its output lead names.
struct ConvertedECG {
    var values: [Float]
    var leadNames: [String]
}

/// Reads `record` (path without extension) and preprocesses it as the authors do.
/// - Throws: `DataError` naming the record's files (missing/truncated `.dat`, header sample
///   count that disagrees with the file, checksum, not 12 leads, not 10 s).
func convertECGRecord(_ record: URL, leadOrder: ECGLeadOrder) throws -> ConvertedECG {
    let r = try WFDBRecord(record: record, verify: true)
    try r.requireSignals(12, headerFile: record.appendingPathExtension("hea").path)
    let x = try preprocessECG(r.physical(), leads: 12, samplingRate: r.header.frequency, targetRate: 100,
                              targetLength: 1000, leadOrder: leadOrder,
                              source: record.appendingPathExtension("dat").path)
    let names = r.header.signalNames
    return ConvertedECG(values: x, leadNames: leadOrder.indices(leads: 12).map { names[$0] })
}

/// Parses `--lead-order` (of `data convert` and `ecg preprocess`): "stored" (the authors: no
/// reordering; "asStored", its spelling before 2 Dec 2026, still accepted) or "mimic" (swap rows
/// 4 and 5: MIMIC-IV-ECG's aVF, aVL become the standard aVL, aVF — and PTB-XL's standard order
/// becomes MIMIC's, so converting exactly one of the two datasets with it makes both agree).
/// `ecg preprocess` also takes "names", which depends on the record's header (not parsed here).
/// The files' `ecg_lead_order_option` attribute keeps its values (`ConvertOptions.leadOrderName`).
public func parseLeadOrder(_ s: String) -> ECGLeadOrder? {
    switch s {
    case "stored", "asStored": return .asStored
    case "mimic": return .mimicToStandard
    default: return nil
    }
}

/// Attributes describing the ECG preprocessing of a converted split.
func ecgAttributes(leadNames: [String]?, sourceRate: Int, options: ConvertOptions) -> [String: String] {
    var a = [
        "ecg_sample_rate": "100",
        // /ecg is already through the authors' chain: the model-input step (MoRE/ModelInput.swift) skips it.
        "ecg_model_ready": "yes",
        "ecg_source_sample_rate": String(sourceRate),
        "ecg_units": "none (per-lead min-max to [-1, 1])",
        "ecg_lead_order_option": options.leadOrderName,
        "ecg_preprocessing": "WFDB physical (mV); NaN -> 0; "
            + (sourceRate == 100 ? "no resampling (already 100 Hz); "
                                 : "resample_poly(up 1, down \(sourceRate / 100)) Kaiser beta 5; ")
            + "baseline = medfilt(medfilt(x, 21), 61) subtracted; per-lead min-max to [-1, 1] (MoRE-reference 3.3)",
    ]
    if let leadNames { a["ecg_lead_order"] = leadNames.joined(separator: ",") }
    return a
}
