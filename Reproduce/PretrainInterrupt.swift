// PretrainInterrupt — what `more pretrain` (and `more table`/`more figure` while they train an
// ablation run they need) says when it is interrupted (Ctrl-C, `kill`, a closed terminal, `more
// runs` stopping its jobs): the step it had reached and what the interruption keeps, e.g.
//
//     pretrain: interrupted at step 57; last checkpoint: step 50 (in epoch 1 of 3) in runs/x; continue it with --resume
//
// A checkpoint is written every `checkpointEvery` steps and at each epoch's end, so the steps
// after the last one are lost. Before, an interrupted run ended with status 130 and no word.
//
// Signal safety: a handler may not allocate or take a lock. The text after the step is
// prepared at each checkpoint into one of two fixed C buffers and published by switching an
// index after a release fence; the step is one word, stored after every step. The handler
// writes the step's digits from a fixed buffer and the published text with write(2), then
// hands the signal on to the handler installed before it (`more`'s, which removes the
// temporary files of unfinished writes and ends the process by the signal,
// TemporaryFiles.swift): it reinstalls that one and raises the signal again, which is
// delivered when this handler returns (the signal is blocked while its handler runs). A signal
// ignored before (`nohup` ignores SIGHUP) stays ignored.
// Deliberately not here: what is kept (Trainer.swift writes the checkpoints).

import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Datasets
import MoRE
import Synchronization

enum PretrainInterrupt {
    typealias Handler = @convention(c) (Int32) -> Void

    /// Bytes of each text buffer (a longer text is cut, still ending with a newline).
    static let capacity = 2048
    nonisolated(unsafe) static let texts: UnsafeMutablePointer<CChar> = {
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: 2 * capacity)
        p.initialize(repeating: 0, count: 2 * capacity)
        return p
    }()
    /// [0]: the published buffer (0 or 1), [1], [2]: their lengths, [3]: the step, [4]: whether
    /// installed, [5]: the length of the prefix.
    nonisolated(unsafe) static let words: UnsafeMutablePointer<Int> = {
        let p = UnsafeMutablePointer<Int>.allocate(capacity: 6)
        p.initialize(repeating: 0, count: 6)
        return p
    }()
    /// "[\n]pretrain: interrupted at step " and room for the step's digits.
    nonisolated(unsafe) static let head: UnsafeMutablePointer<CChar> = {
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: 96)
        p.initialize(repeating: 0, count: 96)
        return p
    }()
    /// The handlers before `install()`, by signal number.
    nonisolated(unsafe) static let previous: UnsafeMutablePointer<Handler?> = {
        let p = UnsafeMutablePointer<Handler?>.allocate(capacity: 65)
        p.initialize(repeating: nil, count: 65)
        return p
    }()

    /// Installs the handler on `TemporaryFiles.interruptSignals` (the text after the step is
    /// the last one `publish`ed). On a terminal the note starts on a new line (the progress
    /// bar's is unfinished).
    static func install() {
        _ = texts; _ = words; _ = head; _ = previous       // allocated before any signal can arrive
        let prefix = Array(((isatty(2) != 0 ? "\n" : "") + "pretrain: interrupted at step ").utf8)
        for (i, b) in prefix.enumerated() { head[i] = CChar(bitPattern: b) }
        words[5] = prefix.count
        guard words[4] == 0 else { return }
        words[4] = 1
        for s in TemporaryFiles.interruptSignals {
            let before = signal(s) { sig in
                PretrainInterrupt.write(to: 2)
                signal(sig, PretrainInterrupt.previous[Int(sig)])
                raise(sig)
            }
            previous[Int(s)] = before
            if let b = before, unsafeBitCast(b, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) { signal(s, b) }
        }
    }

    /// Puts back the handlers from before `install()`.
    static func uninstall() {
        guard words[4] == 1 else { return }
        for s in TemporaryFiles.interruptSignals { signal(s, previous[Int(s)]) }
        words[4] = 0
    }

    /// A trainer's `onStep` that publishes what an interruption would keep: the last checkpoint
    /// of the run in `outDir` and how to continue it (`resume`, e.g. "continue it with --resume").
    static func publisher(outDir: URL, config c: MoREConfig, resume: String) -> (TrainerState, TrainerState?) -> Void {
        var published: TrainerState?? = .none
        return { now, checkpoint in
            guard published != .some(checkpoint) else { return publish(step: now.optimizerStep) }
            published = .some(checkpoint)
            let kept = checkpoint.map { "last checkpoint: \(describe($0, epochs: c.optim.epochs)) in \(displayPath(outDir)); \(resume)" }
                ?? "no checkpoint yet (one is written \(c.optim.checkpointEvery > 0 ? "every \(c.optim.checkpointEvery) steps and " : "")at each epoch's end): nothing to resume"
            publish(step: now.optimizerStep, text: "; \(kept)\n")
        }
    }

    /// The step reached; with `text`, also a new text after it. Called by the training thread.
    static func publish(step: Int, text: String? = nil) {
        _ = texts; _ = words
        words[3] = step
        guard let text else { return }
        var bytes = Array(text.utf8)
        if bytes.count > capacity { bytes = Array(bytes.prefix(capacity - 4)) + Array("…\n".utf8) }
        let spare = 1 - words[0]
        for (i, b) in bytes.enumerated() { texts[spare * capacity + i] = CChar(bitPattern: b) }
        words[1 + spare] = bytes.count
        atomicMemoryFence(ordering: .releasing)     // the whole text before the index
        words[0] = spare
    }

    /// Writes the note to `fd`. Async-signal-safe: no allocation, only write(2).
    static func write(to fd: Int32) {
        var n = max(0, words[3]), length = 0
        let digits = head + words[5]
        repeat { digits[length] = CChar(48 + n % 10); n /= 10; length += 1 } while n > 0
        var i = 0, j = length - 1
        while i < j { (digits[i], digits[j]) = (digits[j], digits[i]); i += 1; j -= 1 }
        _ = Glibc.write(fd, head, words[5] + length)
        let published = words[0]
        atomicMemoryFence(ordering: .acquiring)
        _ = Glibc.write(fd, texts + published * capacity, words[1 + published])
    }
}
