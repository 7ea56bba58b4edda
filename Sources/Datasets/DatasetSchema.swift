// DatasetSchema — the layout of a MoRE.swift dataset file, as constants and a checker.
//
// One HDF5 file per split (see PAPER.md "Data" for the table). N = the length of `/ids`;
// every field present has N rows on axis 0:
//
//   /ids               string  [N]            required, stable row identifiers
//   /xray              float32 [N, H, W]      X-rays in [0, 1] before normalisation
//   /ecg               float32 [N, 12, L]     ECG at 100 Hz (L = 1000 for 10 s)
//   /ecg_raw           float32 [N, 12, Lraw]  ECG at the acquisition rate (500 Hz, Lraw = 5000)
//   /report_xray       string  [N]            radiology report, UTF-8, without prefix
//   /report_ecg        string  [N]            cardiology machine report, UTF-8, without prefix
//   /labels/<name>     float32 [N, C]         attribute `columns`: the C column names (string list)
//                      float32 [N]            a single column (`columns` = [name], optional), or a
//                                             class index 0…K−1 (−1 = none) when `columns` lists
//                                             the K > 1 class names
//                      float32 [N, 4]         a box set when `columns` = x0, y0, x1, y1: boxes in
//                                             [0, 1], −1 in all four when absent (BoxLabels.swift)
//   root attributes    strings                schema_version and split required; source,
//                                             generator, generator_version, seed, preprocessing
//                                             recommended
//
// The checker works on a description of the fields (`FieldInfo`), so the same rules validate a
// file on disk (HDF5Validator) and a `DatasetSplit` in memory before it is written.
// Deliberately not here: any HDF5 call, and value checks (NaN, range), which need the data.

import Foundation

/// Element type of a stored field.
public enum FieldType: Equatable, Sendable, CustomStringConvertible {
    case float32
    case string
    /// Anything else, named as found (e.g. "int32", "float64", "compound").
    case other(String)

    public var description: String {
        switch self {
        case .float32: return "float32"
        case .string: return "string"
        case .other(let s): return s
        }
    }
}

/// One dataset of a file (or of a split in memory): name, element type, shape.
public struct FieldInfo: Equatable, Sendable {
    /// Full path, e.g. "/xray" or "/labels/chexpert13".
    public var name: String
    public var type: FieldType
    public var shape: [Int]
    /// Column names of a label dataset (its `columns` attribute); nil when absent. For a rank-1
    /// label with more than one name, the class names of a class-index label.
    public var columns: [String]?

    public init(name: String, type: FieldType, shape: [Int], columns: [String]? = nil) {
        self.name = name; self.type = type; self.shape = shape; self.columns = columns
    }
}

/// What the schema check found: N (when `/ids` is usable), problems that make the file invalid,
/// and warnings that do not.
public struct SchemaCheck: Sendable {
    public var n: Int?
    public var problems: [DataError] = []
    public var warnings: [String] = []
}

/// Names and rules of the dataset file format (schema version `DatasetSchema.version`).
public enum DatasetSchema {
    /// Written to the root attribute `schema_version`.
    public static let version = "1"

    public static let ids = "/ids"
    public static let xray = "/xray"
    public static let ecg = "/ecg"
    public static let ecgRaw = "/ecg_raw"
    public static let reportXray = "/report_xray"
    public static let reportECG = "/report_ecg"
    /// Group holding one float32 dataset per label set.
    public static let labels = "/labels"
    /// String-list attribute on each label dataset naming its columns.
    public static let columnsAttribute = "columns"

    /// Root attribute that lists, comma-separated, the class names of class-index label set
    /// `set` when its `columns` hold only the set's own name (the synthetic cohort's form).
    public static func classesAttribute(_ set: String) -> String { "classes_" + set }

    /// The class names of class-index label set `set` ([N] holding 0…K−1, −1 = none): its
    /// `columns` when they list more than one name, else the root attribute
    /// `classesAttribute(set)`; nil when neither is there. The validator and the evaluation both
    /// read the classes through this.
    public static func classIndexNames(set: String, columns: [String]?, attributes: [String: String]) -> [String]? {
        if let columns, columns.count > 1 { return columns }
        return attributes[classesAttribute(set)].map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
    }

    /// ECG leads, in the order of axis 1 of `/ecg` and `/ecg_raw`.
    public static let ecgLeadNames = ["I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"]
    public static let ecgRate = 100
    public static let ecgRawRate = 500

    /// Root attributes every file must carry (the HDF5 writer fills both).
    public static let requiredAttributes = ["schema_version", "split"]
    /// Root attributes a file should carry; their absence is a warning.
    public static let recommendedAttributes = ["source", "generator", "generator_version", "seed", "preprocessing"]

    /// Axis sizes of a field: `n` is the file's N, `free` any positive size, `fixed` exactly that.
    enum Dim { case n, free, fixed(Int) }

    /// The root datasets: name, type, dims, symbolic shape for messages, required.
    static let rootFields: [(name: String, type: FieldType, dims: [Dim], expected: String, required: Bool)] = [
        (ids, .string, [.n], "[N]", true),
        (xray, .float32, [.n, .free, .free], "[N, H, W]", false),
        (ecg, .float32, [.n, .fixed(12), .free], "[N, 12, L]", false),
        (ecgRaw, .float32, [.n, .fixed(12), .free], "[N, 12, L]", false),
        (reportXray, .string, [.n], "[N]", false),
        (reportECG, .string, [.n], "[N]", false),
    ]

    /// A label-set name must be a single HDF5 link name.
    public static func isValidLabelName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.contains("/") && !name.contains("\0")
    }

    /// Checks `fields` (root datasets and `/labels/*`) and root `attributes` against the schema.
    /// Every problem is listed, not only the first; `file` names the file in each error.
    public static func check(fields: [FieldInfo], attributes: [String: String], file: String) -> SchemaCheck {
        var result = SchemaCheck()
        let byName = Dictionary(fields.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        if let ids = byName[ids], ids.type == .string, ids.shape.count == 1 { result.n = ids.shape[0] }

        for spec in rootFields {
            guard let f = byName[spec.name] else {
                if spec.required { result.problems.append(.missingField(file: file, field: spec.name)) }
                continue
            }
            if f.type != spec.type {
                result.problems.append(.wrongType(file: file, field: f.name, expected: spec.type.description,
                                                  got: f.type.description))
            }
            checkDims(f, spec.dims, expected: spec.expected, n: result.n, file: file, into: &result.problems)
        }
        for f in fields where f.name.hasPrefix(labels + "/") {
            checkLabel(f, n: result.n, file: file, into: &result.problems)
        }
        let known = Set(rootFields.map(\.name))
        for f in fields where !known.contains(f.name) && !f.name.hasPrefix(labels + "/") {
            result.warnings.append("unexpected dataset \(f.name) (ignored by the reader)")
        }
        for a in requiredAttributes where attributes[a] == nil {
            result.problems.append(.missingField(file: file, field: "attribute \(a)"))
        }
        if let v = attributes["schema_version"], v != version {
            result.problems.append(.malformed(file: file, field: "attribute schema_version",
                                              reason: "version \(v) is not supported (this build reads \(version))"))
        }
        for a in recommendedAttributes where attributes[a] == nil {
            result.warnings.append("root attribute \(a) is missing")
        }
        return result
    }

    static func checkDims(_ f: FieldInfo, _ dims: [Dim], expected: String, n: Int?, file: String,
                          into problems: inout [DataError]) {
        guard f.shape.count == dims.count else {
            problems.append(.wrongShape(file: file, field: f.name, expected: expected, got: f.shape)); return
        }
        for (size, dim) in zip(f.shape, dims) {
            switch dim {
            case .n:
                if let n, size != n { problems.append(.rowMismatch(file: file, field: f.name, expected: n, got: size)); return }
            case .free:
                if size <= 0 { problems.append(.wrongShape(file: file, field: f.name, expected: expected, got: f.shape)); return }
            case .fixed(let k):
                if size != k { problems.append(.wrongShape(file: file, field: f.name, expected: expected, got: f.shape)); return }
            }
        }
    }

    static func checkLabel(_ f: FieldInfo, n: Int?, file: String, into problems: inout [DataError]) {
        if f.type != .float32 {
            problems.append(.wrongType(file: file, field: f.name, expected: "float32", got: f.type.description))
        }
        let rank = f.shape.count
        guard rank == 1 || rank == 2 else {
            problems.append(.wrongShape(file: file, field: f.name, expected: "[N] or [N, C]", got: f.shape)); return
        }
        checkDims(f, rank == 1 ? [.n] : [.n, .free], expected: rank == 1 ? "[N]" : "[N, C]", n: n, file: file,
                  into: &problems)
        if let cols = f.columns {
            if rank == 2 && cols.count != f.shape[1] {
                problems.append(.malformed(file: file, field: f.name,
                                           reason: "has \(f.shape[1]) columns but attribute \(columnsAttribute) lists \(cols.count) names"))
            } else if cols.isEmpty {
                problems.append(.malformed(file: file, field: f.name, reason: "attribute \(columnsAttribute) is empty"))
            }
        } else if rank == 2 {
            problems.append(.missingField(file: file, field: "\(f.name) attribute \(columnsAttribute)"))
        }
    }
}

extension DatasetSplit {
    /// Root attributes as written to disk: `attributes` plus `split` (= `name`) and
    /// `schema_version` (= `DatasetSchema.version`), which always win.
    public var fileAttributes: [String: String] {
        var a = attributes
        a["split"] = name
        a["schema_version"] = DatasetSchema.version
        return a
    }

    /// The fields this split has on disk. Empty report arrays mean "absent".
    public var schemaFields: [FieldInfo] {
        var f = [FieldInfo(name: DatasetSchema.ids, type: .string, shape: [ids.count])]
        if let x = xray { f.append(FieldInfo(name: DatasetSchema.xray, type: .float32, shape: x.shape)) }
        if let e = ecg { f.append(FieldInfo(name: DatasetSchema.ecg, type: .float32, shape: e.shape)) }
        if let e = ecgRaw { f.append(FieldInfo(name: DatasetSchema.ecgRaw, type: .float32, shape: e.shape)) }
        if !reportXray.isEmpty { f.append(FieldInfo(name: DatasetSchema.reportXray, type: .string, shape: [reportXray.count])) }
        if !reportECG.isEmpty { f.append(FieldInfo(name: DatasetSchema.reportECG, type: .string, shape: [reportECG.count])) }
        for name in labels.keys.sorted() {
            let t = labels[name]!  // key comes from the dictionary itself
            let cols = labelNames[name] ?? (t.rank == 1 ? [name] : nil)
            f.append(FieldInfo(name: "\(DatasetSchema.labels)/\(name)", type: .float32, shape: t.shape, columns: cols))
        }
        return f
    }

    /// Checks this split against the schema as if it were the file `file`.
    public func schemaCheck(file: String) -> SchemaCheck {
        var result = DatasetSchema.check(fields: schemaFields, attributes: fileAttributes, file: file)
        for name in labels.keys.sorted() where !DatasetSchema.isValidLabelName(name) {
            result.problems.append(.malformed(file: file, field: "\(DatasetSchema.labels)/\(name)",
                                              reason: "a label-set name must be non-empty and contain no '/'"))
        }
        for name in labelNames.keys.sorted() where labels[name] == nil {
            result.warnings.append("labelNames[\(name)] has no label tensor (not written)")
        }
        return result
    }
}
