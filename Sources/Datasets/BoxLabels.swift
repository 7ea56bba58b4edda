// BoxLabels — label sets that hold boxes, not classes: one box per row, columns x0, y0, x1, y1
// (the attribute `columns` says so), in image coordinates normalised to [0, 1] (x to the right,
// y down), all four −1 when the finding is absent. The synthetic cohort writes its finding
// regions this way (`regions_heart`, `regions_cp_left`, …; CohortLabels.swift), and the
// explanation study reads them as the regions a finding lies in.
//
// A box row is valid when it is absent (−1, −1, −1, −1) or when 0 ≤ x0 ≤ x1 ≤ 1 and
// 0 ≤ y0 ≤ y1 ≤ 1. `more data check` holds every row of a box set to this rule instead of the
// −1/0/1 rule of other multi-column label sets (HDF5Validator.swift).
//
// Deliberately not here: drawing or scoring regions (Eval/Explain/ExplanationScores.swift).

/// The column names and the value rule of box label sets.
public enum BoxLabels {
    /// The `columns` of a box label set, in this order.
    public static let columns = ["x0", "y0", "x1", "y1"]

    /// True when a label set with these column names holds boxes.
    public static func isBoxSet(columns: [String]?) -> Bool { columns == Self.columns }

    /// What is wrong with one box row (x0, y0, x1, y1), or nil when it is a valid box or the
    /// absent box (−1, −1, −1, −1).
    ///
    ///     BoxLabels.problem([0.2, 0.3, 0.6, 0.9])   // nil
    ///     BoxLabels.problem([0.6, 0.3, 0.2, 0.9])   // "x0 0.6 > x1 0.2"
    public static func problem(_ box: [Float]) -> String? {
        guard box.count == 4 else { return "has \(box.count) values, a box has 4 (x0, y0, x1, y1)" }
        if box.allSatisfy({ $0 == -1 }) { return nil }
        if box.contains(-1) { return "mixes −1 (absent) with coordinates: \(box)" }
        for (name, v) in zip(columns, box) where !(v >= 0 && v <= 1) {
            return "\(name) \(v) is outside [0, 1] (−1 in all four columns marks an absent box)"
        }
        if box[0] > box[2] { return "x0 \(box[0]) > x1 \(box[2])" }
        if box[1] > box[3] { return "y0 \(box[1]) > y1 \(box[3])" }
        return nil
    }
}
