// HDF5Arrays — numeric datasets: creation (chunked along axis 0, optional shuffle+deflate) and
// whole or row-range (hyperslab) reads of float32 data.
//
// Deliberately not here: strings (HDF5Strings.swift) and the schema (DatasetSchema.swift).
// Numeric types other than float32 are written only by `writeNumeric` (tests use it to build
// files with a wrong dtype) and are never read: the schema stores everything as float32.

import CHDF5
import TensorCore

/// How datasets are laid out on disk.
public struct HDF5WriteOptions: Sendable, Equatable {
    /// Target size of one chunk; rows per chunk = clamp(chunkBytes / rowBytes, 1, N).
    public var chunkBytes: Int
    /// zlib level 1…9 (with the byte-shuffle filter) or nil for uncompressed chunks.
    public var deflateLevel: Int?

    public init(chunkBytes: Int = 256 * 1024, deflateLevel: Int? = nil) {
        self.chunkBytes = chunkBytes; self.deflateLevel = deflateLevel
    }
}

extension HDF5File {
    /// Creates a dataset of `shape` chunked along axis 0. `rowBytes` sizes the chunks.
    /// `numeric` skips the fill pass and allows the deflate filter (both off for variable-length
    /// strings: HDF5 requires their fill value, and their chunks hold only heap references).
    func createDataset(_ name: String, type: hid_t, shape: [Int], rowBytes: Int,
                       options: HDF5WriteOptions, numeric: Bool) throws -> H5Handle {
        try locked {
            var dims = shape.map { hsize_t($0) }
            let space = H5Handle.space(try check(H5Screate_simple(Int32(dims.count), &dims, nil), name, "creating dataspace"))
            let dcpl = H5Handle.plist(H5Pcreate(more_H5P_DATASET_CREATE()))
            H5Pset_obj_track_times(dcpl.id, false)
            if numeric { H5Pset_fill_time(dcpl.id, H5D_FILL_TIME_NEVER) }
            if let n = shape.first, n > 0, !shape.contains(0) {
                var chunk = dims
                chunk[0] = hsize_t(min(n, max(1, options.chunkBytes / max(rowBytes, 1))))
                try check(H5Pset_chunk(dcpl.id, Int32(chunk.count), &chunk), name, "setting chunk size")
                if numeric, let level = options.deflateLevel {
                    try check(H5Pset_shuffle(dcpl.id), name, "enabling shuffle")
                    try check(H5Pset_deflate(dcpl.id, UInt32(min(max(level, 1), 9))), name, "enabling deflate")
                }
            }
            return H5Handle.dataset(try check(H5Dcreate2(id, name, type, space.id, more_H5P_DEFAULT(), dcpl.id,
                                                         more_H5P_DEFAULT()), name, "creating dataset"))
        }
    }

    /// Writes a float32 tensor `t: [N, …]` as dataset `name`.
    func writeFloat32(_ name: String, _ t: Tensor, options: HDF5WriteOptions) throws {
        let rowBytes = t.shape.dropFirst().reduce(4, *)
        try t.withUnsafeBufferPointer { buf in
            try writeNumeric(name, shape: t.shape, type: more_H5T_NATIVE_FLOAT(), rowBytes: rowBytes,
                             data: UnsafeRawPointer(buf.baseAddress), options: options)
        }
    }

    /// Writes raw native values of HDF5 type `type` (e.g. `more_H5T_NATIVE_INT32()`).
    func writeNumeric(_ name: String, shape: [Int], type: hid_t, rowBytes: Int, data: UnsafeRawPointer?,
                      options: HDF5WriteOptions) throws {
        try locked {
            let d = try createDataset(name, type: type, shape: shape, rowBytes: rowBytes, options: options, numeric: true)
            guard let data, !shape.contains(0) else { return }
            try check(H5Dwrite(d.id, type, more_H5S_ALL(), more_H5S_ALL(), more_H5P_DEFAULT(), data), name, "writing")
        }
    }

    /// Writes an int32 dataset (never part of a valid file: tests and converters use it to
    /// produce files with a wrong dtype).
    func writeInt32(_ name: String, shape: [Int], values: [Int32]) throws {
        precondition(values.count == shape.reduce(1, *), "writeInt32: \(values.count) values for shape \(shape)")
        try values.withUnsafeBytes { raw in
            try writeNumeric(name, shape: shape, type: more_H5T_NATIVE_INT32(), rowBytes: shape.dropFirst().reduce(4, *),
                             data: raw.baseAddress, options: HDF5WriteOptions())
        }
    }

    /// Selects `rows` of an open dataset of `shape`; returns the file and memory dataspaces.
    func selectRows(_ d: H5Handle, _ name: String, shape: [Int], rows: Range<Int>) throws -> (file: H5Handle, memory: H5Handle) {
        try locked {
            precondition(!shape.isEmpty && rows.lowerBound >= 0 && rows.upperBound <= shape[0],
                         "rows \(rows) out of range for \(name) with \(shape.first ?? 0) rows")
            let fileSpace = H5Handle.space(try check(H5Dget_space(d.id), name, "reading dataspace"))
            var start = [hsize_t](repeating: 0, count: shape.count)
            start[0] = hsize_t(rows.lowerBound)
            var count = shape.map { hsize_t($0) }
            count[0] = hsize_t(rows.count)
            try check(H5Sselect_hyperslab(fileSpace.id, H5S_SELECT_SET, &start, nil, &count, nil), name, "selecting rows")
            let memory = H5Handle.space(try check(H5Screate_simple(Int32(count.count), &count, nil), name, "creating dataspace"))
            return (fileSpace, memory)
        }
    }

    /// Reads `rows` (all when nil) of float32 dataset `name` into a tensor `[rows, …]`.
    /// Throws `.wrongType` unless the dataset is stored as a 32-bit float.
    func readFloat32(_ name: String, rows: Range<Int>? = nil) throws -> Tensor {
        try locked {
            let field = try info(of: name)
            guard field.type == .float32 else {
                throw DataError.wrongType(file: path, field: name, expected: "float32", got: field.type.description)
            }
            guard !field.shape.isEmpty else {
                throw DataError.wrongShape(file: path, field: name, expected: "[N, …]", got: field.shape)
            }
            let r = rows ?? 0..<field.shape[0]
            var shape = field.shape
            shape[0] = r.count
            let out = Tensor(zeros: shape)
            if out.count == 0 { return out }
            let d = try openDataset(name)
            let (fileSpace, memory) = try selectRows(d, name, shape: field.shape, rows: r)
            try check(H5Dread(d.id, more_H5T_NATIVE_FLOAT(), memory.id, fileSpace.id, more_H5P_DEFAULT(), out.pointer),
                      name, "reading rows \(r.lowerBound)..<\(r.upperBound)")
            return out
        }
    }
}
