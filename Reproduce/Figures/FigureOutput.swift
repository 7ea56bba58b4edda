// FigureOutput — how `more figure` writes what it drew: each figure's four files (`.dat`,
// `.gp`, `.png`, `.svg`, rendered by Plot into a staging folder), its `NAME.provenance.md`, and
// the files the figures come with (the explanation study's JSON) form one set, renamed into
// place only when every file of it was written (Datasets' `FileTransaction`). A failing gnuplot,
// a provenance that cannot be written or a full disk leaves the previous set as it was — never a
// new picture beside an old provenance.
//
// Deliberately not here: drawing (one file per figure) and the provenance text
// (FigureProvenance.swift).

import Foundation
import Datasets
import Plot

/// Writes `figures` into `outDir` with `companions` (file name → bytes) and, for each figure,
/// `<name>.provenance.md` from `provenance(name)` — called once every figure has rendered, so
/// that its wall-time line covers the drawing — all or none. `gnuplot`: the executable (nil:
/// `Gnuplot.locate()`).
func writeFigures(_ figures: [Figure], companions: [(String, Data)] = [], outDir: URL, gnuplot: URL? = nil,
                  provenance: (String) throws -> String) throws {
    let files = FileTransaction()
    for figure in figures {
        let staged = try figure.stage(in: outDir, gnuplot: gnuplot)     // its folder is removed when it is released
        for (from, to) in staged.files {
            try files.stage(to) { tmp in
                guard rename(from.path, tmp.path) == 0 else {
                    throw DataError.writeFailed(file: to.path, reason: "rename failed: \(String(cString: strerror(errno)))")
                }
            }
        }
    }
    for (name, bytes) in companions {
        try files.stage(outDir.appendingPathComponent(name)) { try bytes.write(to: $0) }
    }
    for figure in figures {
        let md = Data(try provenance(figure.name).utf8)
        try files.stage(outDir.appendingPathComponent("\(figure.name).provenance.md")) { try md.write(to: $0) }
    }
    try files.commit()
}
