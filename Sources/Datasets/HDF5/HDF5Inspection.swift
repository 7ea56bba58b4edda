// HDF5Inspection — what a dataset file contains, without reading the data: every dataset's
// type and shape, the label sets with their column names, the root attributes, and the
// structural problems found on the way (a `/labels` that is not a group, a foreign object).
//
// Used by both the batch reader (which refuses a file with problems) and the validator (which
// lists them). Deliberately not here: the schema rules themselves (DatasetSchema.check).

import CHDF5

/// The structure of an HDF5 dataset file.
struct HDF5Inspection {
    var fields: [FieldInfo] = []
    var attributes: [String: String] = [:]
    var problems: [DataError] = []
    var warnings: [String] = []

    /// Schema check of these fields and attributes, plus the structural problems.
    func schemaCheck(file: String) -> SchemaCheck {
        var check = DatasetSchema.check(fields: fields, attributes: attributes, file: file)
        check.problems = problems + check.problems
        check.warnings = warnings + check.warnings
        return check
    }
}

extension HDF5File {
    /// Lists the root datasets, the label datasets (with their `columns`) and root attributes.
    func inspect() throws -> HDF5Inspection {
        try locked {
            var result = HDF5Inspection()
            for name in try linkNames(in: "/") {
                let full = "/" + name
                switch kind(of: full) {
                case .dataset:
                    result.fields.append(try info(of: full))
                case .group where full == DatasetSchema.labels:
                    try inspectLabels(into: &result)
                case .group:
                    result.warnings.append("unexpected group \(full) (ignored by the reader)")
                case .other, .missing:
                    result.warnings.append("unexpected object \(full) (ignored by the reader)")
                }
                if full == DatasetSchema.labels, kind(of: full) != .group {
                    result.problems.append(.malformed(file: path, field: full, reason: "must be a group of label datasets"))
                    result.fields.removeAll { $0.name == full }
                }
            }
            let (attrs, unsupported) = try attributes(of: "/")
            for (k, v) in attrs { result.attributes[k] = v.joined(separator: ", ") }
            for k in unsupported.sorted() { result.warnings.append("root attribute \(k) has an unsupported type (ignored)") }
            return result
        }
    }

    private func inspectLabels(into result: inout HDF5Inspection) throws {
        for name in try linkNames(in: DatasetSchema.labels) {
            let full = DatasetSchema.labels + "/" + name
            guard kind(of: full) == .dataset else {
                result.problems.append(.malformed(file: path, field: full, reason: "must be a float32 dataset, found a group or other object"))
                continue
            }
            var field = try info(of: full)
            let (attrs, _) = try attributes(of: full)
            field.columns = attrs[DatasetSchema.columnsAttribute]
            result.fields.append(field)
        }
    }
}
