// HDF5Strings — string datasets and attributes (variable-length UTF-8), read and written.
//
// Strings are stored as variable-length UTF-8 (what h5py writes for `str` and reads back as
// `str`). The readers also accept fixed-length strings (NUL- or space-padded), and attributes
// stored as numbers are read as their decimal text, so files made by other tools still open.
// Deliberately not here: strings with embedded NUL characters (C strings end there; reports
// never contain them) and any other attribute type.

import CHDF5
import Foundation

extension HDF5File {
    /// A new variable-length UTF-8 string type.
    func utf8StringType(_ field: String) throws -> H5Handle {
        try locked {
            let t = H5Handle.type(try check(H5Tcopy(more_H5T_C_S1()), field, "creating string type"))
            try check(H5Tset_size(t.id, more_H5T_VARIABLE()), field, "creating string type")
            try check(H5Tset_cset(t.id, H5T_CSET_UTF8), field, "creating string type")
            return t
        }
    }

    /// Calls `body` with one malloc'ed C string per element, freed afterwards.
    private func withCStrings<R>(_ strings: [String], _ body: (UnsafeRawPointer) throws -> R) rethrows -> R {
        let ptrs: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        defer { ptrs.forEach { free($0) } }
        return try ptrs.withUnsafeBufferPointer { try body(UnsafeRawPointer($0.baseAddress!)) }
    }

    /// Writes `strings` as a 1-D variable-length UTF-8 dataset `name`.
    func writeStrings(_ name: String, _ strings: [String], options: HDF5WriteOptions) throws {
        try locked {
            let t = try utf8StringType(name)
            let d = try createDataset(name, type: t.id, shape: [strings.count], rowBytes: 16, options: options, numeric: false)
            if strings.isEmpty { return }
            _ = try withCStrings(strings) { p in
                try check(H5Dwrite(d.id, t.id, more_H5S_ALL(), more_H5S_ALL(), more_H5P_DEFAULT(), p), name, "writing strings")
            }
        }
    }

    /// Reads `count` strings of file type `fileType` through `read(memoryType, buffer)`.
    /// `space` is the memory dataspace (needed to free variable-length strings).
    private func readStringValues(count: Int, fileType: hid_t, space: hid_t, field: String,
                                  _ read: (hid_t, UnsafeMutableRawPointer) -> herr_t) throws -> [String] {
        if count == 0 { return [] }
        if H5Tis_variable_str(fileType) > 0 {
            let mem = H5Handle.type(try check(H5Tget_native_type(fileType, H5T_DIR_ASCEND), field, "reading string type"))
            var ptrs = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
            _ = try ptrs.withUnsafeMutableBufferPointer { buf in
                try check(read(mem.id, UnsafeMutableRawPointer(buf.baseAddress!)), field, "reading strings")
            }
            let out = ptrs.map { $0.map { String(cString: $0) } ?? "" }
            _ = ptrs.withUnsafeMutableBufferPointer { more_h5_reclaim(mem.id, space, $0.baseAddress!) }
            return out
        }
        let size = H5Tget_size(fileType)
        let mem = H5Handle.type(try check(H5Tcopy(fileType), field, "reading string type"))
        var bytes = [UInt8](repeating: 0, count: count * size)
        _ = try bytes.withUnsafeMutableBytes { buf in
            try check(read(mem.id, buf.baseAddress!), field, "reading strings")
        }
        return (0..<count).map { i in
            var row = bytes[(i * size)..<((i + 1) * size)]
            if let nul = row.firstIndex(of: 0) { row = row[..<nul] }
            while row.last == 0x20 { row = row.dropLast() }
            return String(decoding: row, as: UTF8.self)
        }
    }

    /// Reads `rows` (all when nil) of the 1-D string dataset `name`.
    func readStrings(_ name: String, rows: Range<Int>? = nil) throws -> [String] {
        try locked {
            let field = try info(of: name)
            guard field.type == .string else {
                throw DataError.wrongType(file: path, field: name, expected: "string", got: field.type.description)
            }
            guard field.shape.count == 1 else {
                throw DataError.wrongShape(file: path, field: name, expected: "[N]", got: field.shape)
            }
            let r = rows ?? 0..<field.shape[0]
            if r.isEmpty { return [] }
            let d = try openDataset(name)
            let fileType = H5Handle.type(try check(H5Dget_type(d.id), name, "reading datatype"))
            let (fileSpace, memory) = try selectRows(d, name, shape: field.shape, rows: r)
            return try readStringValues(count: r.count, fileType: fileType.id, space: memory.id, field: name) { mt, buf in
                H5Dread(d.id, mt, memory.id, fileSpace.id, more_H5P_DEFAULT(), buf)
            }
        }
    }

    // MARK: - Attributes

    /// Attaches a string attribute to `object` ("/" for the root): a scalar for one value, a
    /// 1-D list otherwise (`list: true` forces a list, e.g. label columns).
    func setAttribute(on object: String, _ name: String, _ values: [String], list: Bool) throws {
        let field = "\(object) attribute \(name)"
        try locked {
            let t = try utf8StringType(field)
            var dims = [hsize_t(values.count)]
            let space = H5Handle.space(try check(
                list || values.count != 1 ? H5Screate_simple(1, &dims, nil) : H5Screate(H5S_SCALAR), field, "creating dataspace"))
            let a = H5Handle.attribute(try check(H5Acreate_by_name(id, object, name, t.id, space.id, more_H5P_DEFAULT(),
                                                                   more_H5P_DEFAULT(), more_H5P_DEFAULT()),
                                                 field, "creating attribute"))
            if values.isEmpty { return }
            _ = try withCStrings(values) { p in try check(H5Awrite(a.id, t.id, p), field, "writing attribute") }
        }
    }

    /// Reads every attribute of `object` as a list of strings (a scalar gives one element).
    /// Integer and float attributes become their decimal text; other types are reported in
    /// `unsupported` by name.
    func attributes(of object: String) throws -> (values: [String: [String]], unsupported: [String]) {
        try locked {
            let obj = try check(H5Oopen(id, object, more_H5P_DEFAULT()), object, "opening object")
            defer { H5Oclose(obj) }
            let n = try check(more_h5_attribute_count(obj), object, "counting attributes")
            var values: [String: [String]] = [:], unsupported: [String] = []
            for i in 0..<hsize_t(n) {
                var buf = [CChar](repeating: 0, count: 1024)
                try check(H5Aget_name_by_idx(obj, ".", H5_INDEX_NAME, H5_ITER_INC, i, &buf, buf.count, more_H5P_DEFAULT()),
                          object, "reading attribute name")
                let name = String(cString: buf)
                if let v = try attributeValues(obj, object: object, name: name) { values[name] = v } else { unsupported.append(name) }
            }
            return (values, unsupported)
        }
    }

    private func attributeValues(_ obj: hid_t, object: String, name: String) throws -> [String]? {
        let field = "\(object) attribute \(name)"
        let a = H5Handle.attribute(try check(H5Aopen(obj, name, more_H5P_DEFAULT()), field, "opening attribute"))
        let type = H5Handle.type(try check(H5Aget_type(a.id), field, "reading attribute type"))
        let space = H5Handle.space(try check(H5Aget_space(a.id), field, "reading attribute space"))
        let count = Int(try check(H5Sget_simple_extent_npoints(space.id), field, "reading attribute size"))
        switch H5Tget_class(type.id) {
        case H5T_STRING:
            return try readStringValues(count: count, fileType: type.id, space: space.id, field: field) { mt, buf in
                H5Aread(a.id, mt, buf)
            }
        case H5T_INTEGER:
            var v = [Int64](repeating: 0, count: count)
            try check(H5Aread(a.id, more_H5T_NATIVE_INT64(), &v), field, "reading attribute")
            return v.map { String($0) }
        case H5T_FLOAT:
            var v = [Double](repeating: 0, count: count)
            try check(H5Aread(a.id, more_H5T_NATIVE_DOUBLE(), &v), field, "reading attribute")
            return v.map { String($0) }
        default:
            return nil
        }
    }
}
