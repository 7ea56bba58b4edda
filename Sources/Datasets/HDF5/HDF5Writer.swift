// HDF5Writer — writes a `DatasetSplit` as one HDF5 dataset file (schema: DatasetSchema.swift).
//
// The split is checked against the schema first (a wrong shape or N mismatch is a DataError
// before anything touches the disk). The file is written to a temporary name in the destination
// folder and renamed into place only after HDF5 has flushed and closed it, so a crash or an error
// never leaves a half-written file under the final name. Object times are not recorded and
// attributes are written in sorted order: the same split gives the same bytes.
// Deliberately not here: value checks (NaN, range) — `validateDataset` reports those.

import CHDF5
import Foundation
import TensorCore

/// Writes `split` to `url` (schema in `DatasetSchema`): `/ids`, the modalities present, the
/// reports when non-empty, `/labels/<name>` with a `columns` attribute, and the root attributes
/// `split.fileAttributes`. Atomic: temp file in the same folder, then rename (`writeAtomically`).
///
/// ```swift
/// try writeHDF5(split, to: URL(fileURLWithPath: "data/train.h5"))
/// ```
/// - Throws: `DataError` naming the file and field (schema violation, folder missing, disk full).
public func writeHDF5(_ split: DatasetSplit, to url: URL, options: HDF5WriteOptions = HDF5WriteOptions()) throws {
    let check = split.schemaCheck(file: url.path)
    if let first = check.problems.first { throw first }
    try writeAtomically(to: url) { tmp in
        let file = try HDF5File.create(path: tmp.path)
        try file.writeContent(of: split, options: options)
        try file.close()
    }
}

extension HDF5File {
    /// Writes every field of `split` (already schema-checked) into this new file.
    func writeContent(of split: DatasetSplit, options: HDF5WriteOptions) throws {
        try writeStrings(DatasetSchema.ids, split.ids, options: options)
        if let x = split.xray { try writeFloat32(DatasetSchema.xray, x, options: options) }
        if let e = split.ecg { try writeFloat32(DatasetSchema.ecg, e, options: options) }
        if let e = split.ecgRaw { try writeFloat32(DatasetSchema.ecgRaw, e, options: options) }
        if !split.reportXray.isEmpty { try writeStrings(DatasetSchema.reportXray, split.reportXray, options: options) }
        if !split.reportECG.isEmpty { try writeStrings(DatasetSchema.reportECG, split.reportECG, options: options) }
        if !split.labels.isEmpty {
            try createGroup(DatasetSchema.labels)
            for field in split.schemaFields where field.name.hasPrefix(DatasetSchema.labels + "/") {
                let name = String(field.name.dropFirst(DatasetSchema.labels.count + 1))
                guard let t = split.labels[name] else { continue }
                try writeFloat32(field.name, t, options: options)
                try setAttribute(on: field.name, DatasetSchema.columnsAttribute, field.columns ?? [name], list: true)
            }
        }
        let attributes = split.fileAttributes
        for key in attributes.keys.sorted() {
            try setAttribute(on: "/", key, [attributes[key] ?? ""], list: false)
        }
    }
}
