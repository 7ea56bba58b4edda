// StagedFigure — a rendered figure whose four files (`.dat`, `.gp`, `.png`, `.svg`) still lie
// in a hidden staging folder beside their destinations: `commit()` renames them into place, all
// or none; a caller that writes more files with the figure (its provenance) moves them into its
// own all-or-none set instead. Releasing it removes the staging folder and whatever is left in it.
//
// Deliberately not here: drawing (Figure.swift) and any other file than the figure's four.

import Foundation

/// A figure rendered into a staging folder, not yet in place. Made by `Figure.stage(in:)`.
public final class StagedFigure {
    /// The hidden folder the files are made in (`.<name>.partial-<pid>` inside the destination).
    public let folder: URL
    /// Where the files go: data, script, PNG, SVG.
    public let rendered: RenderedFigure
    /// Each file in the staging folder with its destination, in the order data, script, PNG, SVG.
    public var files: [(staged: URL, final: URL)] {
        [rendered.data, rendered.script, rendered.png, rendered.svg].map { (folder.appendingPathComponent($0.lastPathComponent), $0) }
    }

    /// Creates the (empty) staging folder, removing one left by an earlier process of the same id
    /// and those of this figure left by processes that no longer run (killed while gnuplot ran).
    init(folder: URL, rendered: RenderedFigure) throws {
        self.folder = folder
        self.rendered = rendered
        try? FileManager.default.removeItem(at: folder)
        StagedFigure.removeStale(besides: folder)
        do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false) } catch {
            throw PlotError.io(path: folder.path, reason: error.localizedDescription)
        }
    }

    /// Renames the four files into place. POSIX renames one file at a time: if one fails, the
    /// files already renamed are removed too (the figure is then absent rather than mixed) and
    /// the `PlotError.io` names the file whose rename failed.
    public func commit() throws {
        let files = self.files
        for (i, f) in files.enumerated() where rename(f.staged.path, f.final.path) != 0 {
            let reason = String(cString: strerror(errno))
            for done in files[..<i] { try? FileManager.default.removeItem(at: done.final) }
            throw PlotError.io(path: f.final.path, reason: reason)
        }
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// Removes the staging folders `.NAME.partial-PID` beside `folder` (same NAME) whose PID is
    /// not a running process (`kill(pid, 0)` fails with ESRCH). The same rule as the Datasets
    /// target's `TemporaryFiles.removeStale`, which Plot, depending on nothing, cannot call.
    @discardableResult
    static func removeStale(besides folder: URL) -> [String] {
        let name = folder.lastPathComponent
        guard let cut = name.range(of: ".partial-", options: .backwards) else { return [] }
        let prefix = String(name[..<cut.upperBound]), parent = folder.deletingLastPathComponent()
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: parent.path) else { return [] }
        var removed: [String] = []
        for other in names where other.hasPrefix(prefix) {
            guard let pid = pid_t(other.dropFirst(prefix.count)), pid > 0, pid != getpid(),
                  kill(pid, 0) == -1 && errno == ESRCH else { continue }
            if (try? FileManager.default.removeItem(at: parent.appendingPathComponent(other))) != nil { removed.append(other) }
        }
        return removed
    }
}
