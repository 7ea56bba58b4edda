// ConvertEach — the converters' one parallel loop: read and preprocess every record (an ECG
// record, an image) on all threads, keep each record's result or error, and say how far it got.
//
// A real conversion is long (MIMIC-IV-ECG alone has about 800,000 records), so the loop calls
// `ConvertOptions.progress` as records finish: at most every 0.2 s, and once at the end, always
// from one thread at a time. `more data convert` draws it as a progress bar per stage. Results
// do not depend on the thread count or on the progress callback.
//
// Deliberately not here: what a record is (the converters) and how progress is shown (`more`).

import Foundation
import TensorCore

/// Progress of a conversion: the stage ("ptbxl_train ECG records", "X-ray images"),
/// records done and records in the stage. Called from worker threads, never two at once.
public typealias ConvertProgress = @Sendable (_ stage: String, _ done: Int, _ total: Int) -> Void

/// `body(i)` for every i in 0..<count on the thread pool, each as a `Result`, in index order.
/// Reports to `progress` under the name `stage` (see the file header).
func convertEach<T>(_ count: Int, stage: String, progress: ConvertProgress?, _ body: (Int) throws -> T) -> [Result<T, Error>] {
    var results = [Result<T, Error>?](repeating: nil, count: count)
    let counter = ConvertCounter(stage: stage, total: count, progress: progress)
    counter.report(force: true)
    results.withUnsafeMutableBufferPointer { res in
        ThreadPool.shared.parallelFor(count) { i in
            res[i] = Result { try body(i) }
            counter.finished()
        }
    }
    counter.report(force: true)
    return results.map { $0! }
}

/// Records finished so far, and when progress was last reported.
private final class ConvertCounter: @unchecked Sendable {
    let stage: String, total: Int, progress: ConvertProgress?
    private var done = 0, lastReport = Date.distantPast
    private let lock = NSLock()

    init(stage: String, total: Int, progress: ConvertProgress?) {
        self.stage = stage; self.total = total; self.progress = progress
    }

    func finished() {
        guard progress != nil else { return }
        lock.lock(); defer { lock.unlock() }
        done += 1
        reportLocked(force: false)
    }

    func report(force: Bool) {
        guard progress != nil else { return }
        lock.lock(); defer { lock.unlock() }
        reportLocked(force: force)
    }

    private func reportLocked(force: Bool) {
        let now = Date()
        guard force || now.timeIntervalSince(lastReport) >= 0.2 else { return }
        lastReport = now
        progress?(stage, done, total)
    }
}
