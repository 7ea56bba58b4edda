// EvaluationProgressBars — the progress bars of `more table` and `more figure`: one bar per
// embedding pass that Eval reports (EvaluationProgress.swift), with rows, rate and ETA on
// stderr. A pass is drawn only once it has run for `delay` seconds, so the synthetic cohort's
// sub-second passes print nothing (and `make reproduce`'s log stays as it was) while a
// MIMIC-scale split shows how far it is. `--quiet` leaves the hook unset.
// Deliberately not here: the bar itself (Sources/MoRE/Progress.swift).

import Foundation
import MoRE
import Eval

final class EvaluationProgressBars {
    /// Seconds a pass runs before its bar appears.
    let delay: TimeInterval
    let clock: () -> Date
    /// Whether bars write to stderr (false in tests).
    let draw: Bool
    /// The pass being reported and its bar (nil until `delay` has passed).
    private(set) var label: String?
    private(set) var bar: ProgressBar?
    /// The pass's bar, made when the pass starts (so that its rate counts from there) and
    /// shown as `bar` once `delay` has passed.
    private var pending: ProgressBar?
    private var started = Date.distantPast, done = 0, finished = false

    init(delay: TimeInterval = 2, draw: Bool = true, clock: @escaping () -> Date = Date.init) {
        self.delay = delay; self.draw = draw; self.clock = clock
    }

    /// One report: a new label, a count that went back, or a report after the previous pass
    /// finished starts a new pass.
    func report(_ label: String, _ done: Int, _ total: Int) {
        if label != self.label || done < self.done || finished {
            self.label = label
            bar = nil
            pending = ProgressBar(total: total, label: "embedding " + label, enabled: draw)
            started = clock()
            finished = false
        }
        self.done = done
        if bar == nil && clock().timeIntervalSince(started) >= delay { bar = pending }
        bar?.update(done, unit: "rows")
        if done >= total { finished = true }
    }

    /// Makes Eval report to these bars (for the rest of the process).
    func install() {
        EvaluationProgress.report = { [self] in report($0, $1, $2) }
    }
}
