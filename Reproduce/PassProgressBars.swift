// PassProgressBars — one progress bar on stderr per named pass of long work: a conversion's
// stages ("ptbxl_train ECG records", …; `more data convert`) and the embedding passes that Eval
// reports (EvaluationProgress.swift; `more table`, `more figure`), with count, rate and ETA. A
// new name, a count that goes back or a report after a finished pass starts a new bar. With a
// `delay`, a pass is drawn only once it has run that long, so the synthetic cohort's sub-second
// evaluation passes print nothing (and `make reproduce`'s log stays as it was) while a
// MIMIC-scale split shows how far it is.
// Deliberately not here: the bar itself (Sources/MoRE/Progress.swift).

import Foundation
import MoRE
import Eval

/// Progress bars for passes reported as (name, done, total). Reports may come from worker
/// threads (the converters'), one at a time or not: they are serialised here.
final class PassProgressBars: @unchecked Sendable {
    /// Put before each pass's name ("embedding ").
    let prefix: String
    /// What the counts count ("records", "rows").
    let unit: String
    /// Seconds a pass runs before its bar appears.
    let delay: TimeInterval
    let clock: () -> Date
    /// Whether bars write to stderr (false: `--quiet`, tests).
    let draw: Bool
    private let lock = NSLock()
    /// The pass being reported and its bar (nil until `delay` has passed).
    private(set) var label: String?
    private(set) var bar: ProgressBar?
    /// The pass's bar, made when the pass starts (so that its rate counts from there) and
    /// shown as `bar` once `delay` has passed.
    private var pending: ProgressBar?
    private var started = Date.distantPast, done = 0, finished = false

    init(prefix: String = "", unit: String, delay: TimeInterval = 0, draw: Bool = true, clock: @escaping () -> Date = Date.init) {
        self.prefix = prefix; self.unit = unit; self.delay = delay; self.draw = draw; self.clock = clock
    }

    /// One report of pass `label`: `done` of `total`.
    func report(_ label: String, _ done: Int, _ total: Int) {
        guard total > 0 else { return }
        lock.lock(); defer { lock.unlock() }
        if label != self.label || done < self.done || finished {
            self.label = label
            bar = nil
            pending = ProgressBar(total: total, label: prefix + label, enabled: draw)
            started = clock()
            finished = false
        }
        self.done = done
        if bar == nil && clock().timeIntervalSince(started) >= delay { bar = pending }
        bar?.update(done, unit: unit)
        if done >= total { finished = true }
    }

    /// The bars of `more table` and `more figure`: one per kind of pass ("embedding …", "fitting
    /// …", "training …"), for passes longer than 2 s, reported by Eval for the rest of the process.
    static func installForEvaluation() {
        let bars = Dictionary(uniqueKeysWithValues: EvaluationPassKind.allCases.map {
            ($0, PassProgressBars(prefix: $0.rawValue + " ", unit: $0.unit, delay: 2))
        })
        EvaluationProgress.report = { kind, label, done, total in bars[kind]?.report(label, done, total) }
    }
}
