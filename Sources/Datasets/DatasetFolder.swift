// DatasetFolder — a dataset is a folder of split files (`pretrain_train.h5`, `chexpert5x200.h5`,
// …; PAPER.md §3.2) that training, the tables and the figures take as `--data`. Giving one of its
// files instead is a common slip; this names it before anything looks for `FILE/pretrain_train.h5`.
// Not here: the split files' schema (DatasetSchema.swift).

import Foundation

/// Checks that `url`, when it exists, is a folder of split files (`--data` of training, the
/// tables and the figures): a file there — a split given for its folder — is
/// `DataError.notADirectory` naming it. A missing folder passes: the split files it should hold
/// are then reported missing by name.
public func requireDatasetFolder(_ url: URL) throws {
    if FileManager.default.fileExists(atPath: url.path) && !isFolder(url) {
        throw DataError.notADirectory(url.path, expected: "dataset folder (the folder that holds the split files, e.g. pretrain_train.h5)")
    }
}
