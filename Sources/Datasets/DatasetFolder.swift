// DatasetFolder — a dataset is a folder of split files (`pretrain_train.h5`, `chexpert5x200.h5`,
// …; PAPER.md §3.2) that training, the tables and the figures take as `--data`. Giving one of its
// files instead is a common slip; this names it before anything looks for `FILE/pretrain_train.h5`.
// Not here: the split files' schema (DatasetSchema.swift).

import Foundation

/// Checks that `url` is a folder of split files (`--data` of training, the tables and the
/// figures): a file there — a split given for its folder — is `DataError.notADirectory`, and a
/// path that does not exist is `DataError.missingFolder`, saying where such a folder comes from. Which splits a
/// command needs is checked later, by name.
public func requireDatasetFolder(_ url: URL) throws {
    let what = "dataset folder (the folder that holds the split files, e.g. pretrain_train.h5)"
    guard FileManager.default.fileExists(atPath: url.path) else {
        throw DataError.missingFolder(url.path, expected: what + "; `make data` or `more data synth` writes the synthetic cohort, `more data convert` a real dataset")
    }
    if !isFolder(url) { throw DataError.notADirectory(url.path, expected: what) }
}
