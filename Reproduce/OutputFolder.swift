// OutputFolder — checks, before any work, that a command's output folder can be written, so
// that `more pretrain --out` (or `more table`/`more figure --out`) at a file, under a file or in
// a read-only place is an error naming the path at once, not a Foundation error after the model
// is built and the data read (or after minutes of evaluation).
//
// Deliberately not here: creating the folder (the command does that when it starts writing),
// so that a command that fails its checks leaves nothing behind.

import Foundation
import Datasets

/// Throws `DataError.writeFailed` ("PATH: could not write (…)") unless `folder` is a writable
/// folder or can be created: its nearest existing ancestor is a writable folder (the converters'
/// check, `requireWritableOutputFolder` in Datasets/Convert/ConvertPaths.swift).
///
///     try requireWritableFolder(URL(fileURLWithPath: out))
func requireWritableFolder(_ folder: URL) throws { try requireWritableOutputFolder(folder) }
