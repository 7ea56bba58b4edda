// OutputFolder — checks, before any work, that a command's output folder can be written, so
// that `more pretrain --out` (or `more table`/`more figure --out`) at a file, under a file or in
// a read-only place is an error naming the path at once, not a Foundation error after the model
// is built and the data read (or after minutes of evaluation).
//
// `requireNotAnInput` refuses an output path that names one of the command's inputs (`more embed
// --checkpoint ck.safetensors --out ck.safetensors` replaced the checkpoint with its output).
// The writability check itself is `requireWritableOutputFolder` (Datasets/Convert/ConvertPaths.swift,
// shared with the converters). Deliberately not here: creating the folder (the command does
// that when it starts writing), so that a command that fails its checks leaves nothing behind.

import Foundation
import Datasets

/// Throws `DataError.writeFailed` naming `output` when it is the same file as one of `inputs`
/// (symbolic links resolved): writing it would replace what the command reads.
///
///     try requireNotAnInput(URL(fileURLWithPath: out), inputs: [checkpointURL, dataURL])
func requireNotAnInput(_ output: URL, inputs: [URL]) throws {
    func real(_ u: URL) -> String { u.standardizedFileURL.resolvingSymlinksInPath().path }
    let o = real(output)
    if let same = inputs.first(where: { real($0) == o }) {
        throw DataError.writeFailed(file: output.path, reason: "it is an input of this command (\(same.path)); choose another output")
    }
}
