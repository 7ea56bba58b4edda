// HDF5File — an open HDF5 file and the handle/error plumbing every other HDF5 file uses.
//
// All libhdf5 calls of the project go through the files in this folder. The serial libhdf5 is
// not thread-safe, so every entry point takes `HDF5.lock` (recursive: entry points nest).
// HDF5's own error-stack printing is switched off; a failed call becomes a `DataError` naming
// the file, the dataset and HDF5's innermost message.
// Deliberately not here: the dataset schema (DatasetSchema.swift) and typed reads/writes
// (HDF5Arrays.swift, HDF5Strings.swift).

import CHDF5
import Foundation

/// Process-wide HDF5 state.
enum HDF5 {
    /// Serialises all libhdf5 calls.
    static let lock = NSRecursiveLock()

    /// Runs `body` holding the lock, with HDF5's error printing silenced. `file`: the file the
    /// calls work on (nil: the enclosing region's), named if libhdf5 crashes (HDF5CrashReport.swift).
    static func locked<R>(file: String? = nil, _ body: () throws -> R) rethrows -> R {
        lock.lock(); defer { lock.unlock() }
        let outer = HDF5CrashReport.enter(file)
        defer { HDF5CrashReport.leave(restoring: outer) }
        more_h5_silence_errors()
        return try body()
    }

    /// Takes (and clears) HDF5's innermost error message, e.g. "file signature not found".
    static func takeError() -> String {
        var buf = [CChar](repeating: 0, count: 512)
        let n = more_h5_take_error(&buf, buf.count)
        return n == 0 ? "HDF5 call failed" : String(cString: buf)
    }
}

/// An owned HDF5 identifier, closed when the last reference goes away.
final class H5Handle {
    let id: hid_t
    private let closer: (hid_t) -> herr_t

    init(_ id: hid_t, _ closer: @escaping (hid_t) -> herr_t) { self.id = id; self.closer = closer }
    deinit { HDF5.locked { _ = closer(id) } }

    static func dataset(_ id: hid_t) -> H5Handle { H5Handle(id, H5Dclose) }
    static func space(_ id: hid_t) -> H5Handle { H5Handle(id, H5Sclose) }
    static func type(_ id: hid_t) -> H5Handle { H5Handle(id, H5Tclose) }
    static func plist(_ id: hid_t) -> H5Handle { H5Handle(id, H5Pclose) }
    static func group(_ id: hid_t) -> H5Handle { H5Handle(id, H5Gclose) }
    static func attribute(_ id: hid_t) -> H5Handle { H5Handle(id, H5Aclose) }
}

/// An open HDF5 file. Create with `create(path:)` (writing) or `open(path:)` (read-only).
final class HDF5File {
    let path: String
    private(set) var id: hid_t
    let writable: Bool

    private init(path: String, id: hid_t, writable: Bool) { self.path = path; self.id = id; self.writable = writable }

    deinit { if id >= 0 { HDF5.locked(file: path) { _ = H5Fclose(id) } } }

    /// Creates (truncates) a file. Object modification times are not recorded, so the same
    /// content gives the same bytes.
    static func create(path: String) throws -> HDF5File {
        try HDF5.locked(file: path) {
            let fcpl = H5Handle.plist(H5Pcreate(more_H5P_FILE_CREATE()))
            H5Pset_obj_track_times(fcpl.id, false)
            let fapl = H5Handle.plist(H5Pcreate(more_H5P_FILE_ACCESS()))
            H5Pset_fclose_degree(fapl.id, H5F_CLOSE_STRONG)
            let id = H5Fcreate(path, more_H5F_ACC_TRUNC(), fcpl.id, fapl.id)
            guard id >= 0 else { throw DataError.writeFailed(file: path, reason: HDF5.takeError()) }
            return HDF5File(path: path, id: id, writable: true)
        }
    }

    /// Opens an existing file read-only: missing file → `.missingFile`, not HDF5 or truncated →
    /// `.unreadable`.
    static func open(path: String) throws -> HDF5File {
        guard FileManager.default.fileExists(atPath: path) else { throw DataError.missingFile(path) }
        // libhdf5 would say "file read failed … errno = 21, error message = 'Is a directory' …"
        guard !isFolder(URL(fileURLWithPath: path)) else { throw DataError.isDirectory(path, expected: "HDF5 file") }
        return try HDF5.locked(file: path) {
            let sig = H5Fis_hdf5(path)
            guard sig > 0 else {
                let why = sig == 0 ? "no HDF5 signature" : HDF5.takeError()
                throw DataError.unreadable(file: path, format: "HDF5", reason: why)
            }
            let id = H5Fopen(path, more_H5F_ACC_RDONLY(), more_H5P_DEFAULT())
            guard id >= 0 else {
                throw DataError.unreadable(file: path, format: "HDF5", reason: HDF5.takeError())
            }
            return HDF5File(path: path, id: id, writable: false)
        }
    }

    /// Runs `body` holding the HDF5 lock, as working on this file (`HDF5.locked(file:)`).
    func locked<R>(_ body: () throws -> R) rethrows -> R { try HDF5.locked(file: path, body) }

    /// Flushes and closes; errors (e.g. disk full) are reported, not swallowed.
    func close() throws {
        guard id >= 0 else { return }
        try locked {
            let status = H5Fclose(id)
            id = -1
            if status < 0 { throw DataError.writeFailed(file: path, reason: HDF5.takeError()) }
        }
    }

    /// Throws `.malformed` naming `field` when an HDF5 call returned a negative id/status.
    @discardableResult
    func check<T: BinaryInteger>(_ value: T, _ field: String, _ what: String) throws -> T {
        if value < 0 {
            let msg = "\(what) failed: \(HDF5.takeError())"
            throw writable ? DataError.writeFailed(file: path, reason: "\(field): \(msg)")
                           : DataError.malformed(file: path, field: field, reason: msg)
        }
        return value
    }

    // MARK: - Structure

    enum ObjectKind { case dataset, group, other, missing }

    /// What the link `path` points to.
    func kind(of objectPath: String) -> ObjectKind {
        locked {
            if objectPath != "/" {
                guard H5Lexists(id, objectPath, more_H5P_DEFAULT()) > 0 else { _ = HDF5.takeError(); return .missing }
            }
            let obj = H5Oopen(id, objectPath, more_H5P_DEFAULT())
            guard obj >= 0 else { _ = HDF5.takeError(); return .missing }
            defer { H5Oclose(obj) }
            switch H5Iget_type(obj) {
            case H5I_DATASET: return .dataset
            case H5I_GROUP: return .group
            default: return .other
            }
        }
    }

    /// Names of the links in a group, in name order.
    func linkNames(in group: String) throws -> [String] {
        try locked {
            let g = H5Handle.group(try check(H5Gopen2(id, group, more_H5P_DEFAULT()), group, "opening group"))
            var info = H5G_info_t()
            try check(H5Gget_info(g.id, &info), group, "reading group info")
            var names: [String] = []
            for i in 0..<info.nlinks {
                let len = try check(H5Lget_name_by_idx(g.id, ".", H5_INDEX_NAME, H5_ITER_INC, i, nil, 0,
                                                       more_H5P_DEFAULT()), group, "reading link name")
                var buf = [CChar](repeating: 0, count: Int(len) + 1)
                try check(H5Lget_name_by_idx(g.id, ".", H5_INDEX_NAME, H5_ITER_INC, i, &buf, buf.count,
                                             more_H5P_DEFAULT()), group, "reading link name")
                names.append(String(cString: buf))
            }
            return names
        }
    }

    /// Creates a group whose modification time is not recorded.
    func createGroup(_ name: String) throws {
        try locked {
            let gcpl = H5Handle.plist(H5Pcreate(more_H5P_GROUP_CREATE()))
            H5Pset_obj_track_times(gcpl.id, false)
            _ = H5Handle.group(try check(H5Gcreate2(id, name, more_H5P_DEFAULT(), gcpl.id, more_H5P_DEFAULT()),
                                         name, "creating group"))
        }
    }

    /// Opens a dataset; `.missingField` when absent.
    func openDataset(_ name: String) throws -> H5Handle {
        try locked {
            guard kind(of: name) == .dataset else { throw DataError.missingField(file: path, field: name) }
            return H5Handle.dataset(try check(H5Dopen2(id, name, more_H5P_DEFAULT()), name, "opening dataset"))
        }
    }

    /// Element type and shape of a dataset.
    func info(of name: String) throws -> FieldInfo {
        try locked {
            let d = try openDataset(name)
            let type = H5Handle.type(try check(H5Dget_type(d.id), name, "reading datatype"))
            let space = H5Handle.space(try check(H5Dget_space(d.id), name, "reading dataspace"))
            let rank = Int(try check(H5Sget_simple_extent_ndims(space.id), name, "reading rank"))
            var dims = [hsize_t](repeating: 0, count: max(rank, 1))
            try check(H5Sget_simple_extent_dims(space.id, &dims, nil), name, "reading dims")
            return FieldInfo(name: name, type: Self.fieldType(type.id), shape: dims.prefix(rank).map { Int($0) })
        }
    }

    /// Names a datatype the way messages show it: float32, float64, int32, uint8, string, ….
    static func fieldType(_ type: hid_t) -> FieldType {
        let size = H5Tget_size(type) * 8
        switch H5Tget_class(type) {
        case H5T_FLOAT: return size == 32 ? .float32 : .other("float\(size)")
        case H5T_INTEGER: return .other((H5Tget_sign(type) == H5T_SGN_NONE ? "uint" : "int") + "\(size)")
        case H5T_STRING: return .string
        case H5T_COMPOUND: return .other("compound")
        case H5T_ENUM: return .other("enum")
        case H5T_ARRAY: return .other("array")
        case H5T_VLEN: return .other("vlen")
        default: return .other("unsupported type")
        }
    }
}
