// ConvertPaths — the checks of the paths a conversion (or a preprocessing command) reads and
// writes, each a `DataError` in plain words naming the path, raised before any work:
//
//   requireFolder(root)                 --root is a folder ("…/train.csv: is a file, expected a folder …")
//   requireWritableOutputFolder(out)    --out is, or can be created as, a writable folder
//   requireWritableOutputFile(file)     a single output file's folder exists and is writable
//   createOutputFolder(out)             creates --out (after the checks, when the first file is written)
//   readInputFile(url, format:)         a whole input file, refusing a folder by name
//   plainReason(error)                  Foundation's file errors without "NSCocoaErrorDomain error 512"
//
// A MIMIC conversion reads for hours; an `--out` that is a file, or lies under one, used to be
// found only when the first split was written. The converters call these first. The image and
// WFDB readers (Image/, WFDB/) read their files through `readInputFile` too.
//
// Deliberately not here: atomic writing (AtomicWrite.swift), what the files hold.

import Foundation

/// The reason a Foundation file operation failed, in plain words: the POSIX error under a
/// Foundation error ("Not a directory", "Permission denied", "No space left on device"), never
/// "The operation could not be completed. (NSCocoaErrorDomain error 512.)". A `DataError` gives
/// its own message.
///
///     do { try data.write(to: url) } catch { throw DataError.writeFailed(file: url.path, reason: plainReason(error)) }
public func plainReason(_ error: Error) -> String {
    if let e = error as? DataError { return e.description }
    if let p = error as? POSIXError { return String(cString: strerror(p.code.rawValue)) }
    let ns = error as NSError
    if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
    if let under = ns.userInfo[NSUnderlyingErrorKey] as? Error { return plainReason(under) }
    if ns.domain == NSCocoaErrorDomain {
        switch CocoaError.Code(rawValue: ns.code) {
        case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file or folder"
        case .fileReadNoPermission, .fileWriteNoPermission: return "permission denied"
        case .fileWriteOutOfSpace: return "no space left on the device"
        case .fileWriteVolumeReadOnly: return "read-only file system"
        case .fileWriteFileExists: return "a file of that name is in the way"
        case .fileReadCorruptFile: return "the file is damaged"
        case .fileReadTooLarge: return "the file is too large to read"
        default: return ns.code < 1024 ? "the file system refused (Foundation file error \(ns.code))" : "Foundation error \(ns.code)"
        }
    }
    return ns.localizedDescription
}

/// Checks that `folder` exists and is a folder: `DataError.missingFile` naming it when absent,
/// `DataError.notADirectory` when it is a file (`--root …/train.csv` instead of its folder).
/// - Parameter expected: what the folder is, for the message ("folder: the published dataset's root (--root)").
public func requireFolder(_ folder: URL, expected: String = "folder") throws {
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDir) else { throw DataError.missingFile(folder.path) }
    guard isDir.boolValue else { throw DataError.notADirectory(folder.path, expected: expected) }
}

/// Throws `DataError.writeFailed` ("PATH: could not write (…)") unless `folder` is a writable
/// folder or can be created: its nearest existing ancestor is a writable folder. Creates nothing.
///
///     try requireWritableOutputFolder(out)   // "out.h5: could not write (it is a file, expected a folder)"
public func requireWritableOutputFolder(_ folder: URL) throws {
    let target = folder.standardizedFileURL
    var existing = target
    var isDir: ObjCBool = false
    while !FileManager.default.fileExists(atPath: existing.path, isDirectory: &isDir) && existing.path != "/" {
        existing = existing.deletingLastPathComponent()
    }
    guard isDir.boolValue else {
        let what = existing.path == target.path ? "it is a file, expected a folder" : "\(existing.path) is a file, not a folder"
        throw DataError.writeFailed(file: target.path, reason: what)
    }
    guard access(existing.path, W_OK) == 0 else {
        let what = existing.path == target.path ? "the folder is not writable" : "cannot create it in \(existing.path)"
        throw DataError.writeFailed(file: target.path, reason: "\(what): \(String(cString: strerror(errno)))")
    }
}

/// Throws `DataError.writeFailed` naming `file` unless its folder exists and is writable and
/// `file` is not itself a folder (`--out afile/x.f32`, `--out missing/x.f32`, `--out somefolder`).
public func requireWritableOutputFile(_ file: URL) throws {
    let url = file.standardizedFileURL, dir = url.deletingLastPathComponent()
    var isDir: ObjCBool = false
    if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), isDir.boolValue {
        throw DataError.writeFailed(file: url.path, reason: "it is a folder, expected a file name")
    }
    guard FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDir) else {
        throw DataError.writeFailed(file: url.path, reason: "folder \(dir.path) does not exist")
    }
    guard isDir.boolValue else { throw DataError.writeFailed(file: url.path, reason: "\(dir.path) is a file, not a folder") }
    guard access(dir.path, W_OK) == 0 else {
        throw DataError.writeFailed(file: url.path, reason: "folder \(dir.path) is not writable: \(String(cString: strerror(errno)))")
    }
}

/// Creates `folder` (with parents); `DataError.writeFailed` naming it otherwise.
public func createOutputFolder(_ folder: URL) throws {
    do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
        throw DataError.writeFailed(file: folder.path, reason: "cannot create the output folder: \(plainReason(error))")
    }
}

/// The bytes of the input file `url`: `DataError.missingFile` when absent, `.isDirectory` when it
/// is a folder, `.unreadable` (with a plain reason) when it cannot be read.
/// - Parameters:
///   - format: the file's format for `.unreadable` ("CSV", "image", "WFDB header").
///   - expected: what a folder there should have been, for `.isDirectory` ("CSV file").
///   - options: how to read (`.alwaysMapped` for a checkpoint of hundreds of MB).
public func readInputFile(_ url: URL, format: String, expected: String, options: Data.ReadingOptions = []) throws -> Data {
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) else { throw DataError.missingFile(url.path) }
    guard !isDir.boolValue else { throw DataError.isDirectory(url.path, expected: expected) }
    do { return try Data(contentsOf: url, options: options) } catch {
        throw DataError.unreadable(file: url.path, format: format, reason: plainReason(error))
    }
}
