// Progress — a one-line progress bar on stderr for long work (pre-training, evaluation):
// count, rate, ETA and a few named values. On a terminal it redraws in place; otherwise
// (logs, CI) it prints a plain line every `plainEvery` seconds.

import Foundation

/// A textual progress bar.
public final class ProgressBar {
    let total: Int
    let label: String
    let start = Date()
    var lastPlain = Date.distantPast
    let interactive: Bool
    let plainEvery: TimeInterval
    /// Set to false to silence (tests).
    public var enabled: Bool

    /// Units done before the bar started (a resumed run's steps): shown in the count, never
    /// counted as work of this bar's rate and ETA.
    let initial: Int

    public init(total: Int, label: String, enabled: Bool = true, plainEvery: TimeInterval = 15, initial: Int = 0) {
        self.total = max(total, 1)
        self.label = label
        self.enabled = enabled
        self.interactive = isatty(2) != 0
        self.plainEvery = plainEvery
        self.initial = max(0, initial)
    }

    /// Seconds since the bar was created.
    public var elapsed: TimeInterval { Date().timeIntervalSince(start) }

    /// The first update that reported progress: its time, count and units.
    var firstProgress: Mark?

    /// A point of the bar's history: seconds since the start, units of work done, and the
    /// quantity the rate is shown in (`units`, e.g. samples, or `done` itself).
    struct Mark { let time: TimeInterval; let done: Int; let units: Double }

    /// Rate (units per second) and seconds left, measured from `first` — the first update that
    /// reported progress — to `now`, so that the start-up before the first unit (loading data,
    /// building a model, starting child processes) does not count as work: with it, `more runs`
    /// once showed 1:52:21 left after 8 of 891 steps for runs that took 44½ minutes. Before a
    /// second update with progress there is no window yet, and the whole elapsed time is used.
    /// Units done before the bar started (`initial`, a resumed run's steps) are no progress; an
    /// ETA needs some (nil before: the bar shows "ETA —", where it used to show 0:00 before
    /// anything ran).
    ///
    ///     rate = (units − units₀) / (t − t₀),  ETA = (t − t₀) / (done − done₀) · (total − done)
    static func estimate(now: Mark, first: Mark?, total: Int, initial: Int = 0) -> (rate: Double, eta: TimeInterval?) {
        if let f = first, now.done > f.done, now.time > f.time {
            let span = now.time - f.time
            return ((now.units - f.units) / span, span / Double(now.done - f.done) * Double(total - now.done))
        }
        let rate = now.units / max(now.time, 1e-9)
        return (rate, now.done > initial ? now.time / Double(now.done - initial) * Double(total - now.done) : nil)
    }

    /// The bar's line: `label [=====>   ] done/total  fields  rate unit/s  ETA m:ss` ("ETA —"
    /// without an estimate).
    static func line(label: String, done: Int, total: Int, fields: [(String, String)], rate: Double, unit: String,
                     eta: TimeInterval?) -> String {
        let width = 24
        let filled = min(width, width * done / max(total, 1))
        let bar = String(repeating: "=", count: filled) + (filled < width ? ">" : "") + String(repeating: " ", count: max(0, width - filled - 1))
        let extra = fields.map { "\($0.0) \($0.1)" }.joined(separator: "  ")
        return "\(label) [\(bar)] \(done)/\(total)  \(extra)  \(String(format: "%.1f", rate)) \(unit)/s  ETA \(eta.map(clock) ?? "—")"
    }

    /// Reports `done` of `total` with extra fields ("loss 2.31"); `units` (default: `done` −
    /// `initial`) is the quantity of the rate, counted from the bar's start.
    public func update(_ done: Int, _ fields: [(String, String)] = [], unit: String = "it", units: Double? = nil) {
        guard enabled else { return }
        let now = Mark(time: elapsed, done: done, units: units ?? Double(max(0, done - initial)))
        if firstProgress == nil && done > initial { firstProgress = now }
        let (rate, eta) = ProgressBar.estimate(now: now, first: firstProgress, total: total, initial: initial)
        let line = ProgressBar.line(label: label, done: done, total: total, fields: fields, rate: rate, unit: unit, eta: eta)
        if interactive {
            FileHandle.standardError.write(Data(("\r" + line + "\u{1B}[K").utf8))
            if done >= total { FileHandle.standardError.write(Data("\n".utf8)) }
        } else if Date().timeIntervalSince(lastPlain) >= plainEvery || done >= total {
            lastPlain = Date()
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }

    /// "m:ss" or "h:mm:ss".
    public static func clock(_ s: TimeInterval) -> String {
        let x = Int(s.rounded())
        return x >= 3600 ? String(format: "%d:%02d:%02d", x / 3600, x / 60 % 60, x % 60) : String(format: "%d:%02d", x / 60, x % 60)
    }
}
