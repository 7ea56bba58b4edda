// SmallCohort — a 400-patient synthetic cohort (`more data synth --patients 400`: the 13 split
// files, 49 MB, about a second) written once per test process, and copies of a dataset
// folder with one split removed or edited (symbolic links to the other files): the folders the
// tests of "what can this folder make" (DataRequirements, `data check`) and of the tables'
// input errors look at. 400 patients are about the fewest that can make every table and figure:
// with 300 (seed 1) a validation split has a class without a positive row, which the probes
// cannot choose C for (LabelContentCheck.swift), and with 30 the attention figures have no
// patient with the finding.

import Foundation
import Datasets
import TestSupport
@testable import more

enum SmallCohort {
    nonisolated(unsafe) private static var cached: URL?

    /// The shared cohort folder (removed when the test process exits).
    static func folder() throws -> URL {
        if let c = cached { return c }
        let dir = try Fixtures.tempDirectory("small-cohort")
        Fixtures.removeAtExit(dir)
        try DataSynth.parse(["--out", dir.path, "--patients", "400", "--seed", "1"]).run()
        cached = dir
        return dir
    }

    /// A copy of dataset folder `data`, as a new folder `<name>-<uuid>` in `root`, with `split`
    /// removed (`edit` nil) or replaced by the edited split; the other files are symbolic links.
    static func variant(of data: URL, in root: URL, _ name: String, replacing split: String,
                        with edit: ((inout DatasetSplit) -> Void)?) throws -> URL {
        let dir = root.appendingPathComponent("\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for f in try FileManager.default.contentsOfDirectory(atPath: data.path) where f != split + ".h5" {
            try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent(f), withDestinationURL: data.appendingPathComponent(f))
        }
        if let edit {
            var d = try readHDF5(data.appendingPathComponent(split + ".h5"))
            edit(&d)
            try writeHDF5(d, to: dir.appendingPathComponent(split + ".h5"))
        }
        return dir
    }
}
