// ThreadPool — a persistent pool of worker threads for fork/join parallel loops.
//
// `DispatchQueue.concurrentPerform` costs ~50 µs per fork/join on this class of machine, which
// is more than many of our kernels take. Here the workers stay alive, spin for up to 2 ms on
// an atomic generation counter after each job (so back-to-back kernels start in well under a
// microsecond), and only then sleep on a condition variable.
//
// Determinism contract: `parallelFor(n) { i in … }` runs `body(i)` exactly once for every
// i in 0..<n, on some thread. Which thread runs which i is not fixed, so kernels must make
// each i write its own outputs and never depend on the thread — then results are bitwise
// identical for any thread count. Reductions split work into chunks whose boundaries do not
// depend on the thread count and combine the partial results in chunk order (`Reduce.swift`).
//
// Nested calls (a body that calls parallelFor) run serially on the calling thread.

import Foundation
import Synchronization

/// Persistent worker pool. Use `ThreadPool.shared`.
public final class ThreadPool: @unchecked Sendable {
    /// The process-wide pool. Its size comes from `MORE_THREADS` if set, otherwise the number
    /// of active processors; change it with `setThreadCount`.
    public static let shared = ThreadPool(threads: ThreadPool.defaultThreadCount())

    /// The most threads a user or a run may ask for (`--threads`, `MORE_THREADS`, a run's thread
    /// request). Results never depend on the count, and past the cores more threads only slow
    /// the work down: with 100,000, `more embed` crawled at 1.7 rows/s on 2 cores instead of failing.
    public static let maxThreads = 256

    /// Default thread count: `MORE_THREADS` or the active processor count.
    public static func defaultThreadCount() -> Int {
        if let s = ProcessInfo.processInfo.environment["MORE_THREADS"], let n = Int(s), n >= 1 { return n }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }

    private final class Job {
        let n: Int
        /// The loop body. It is read only after claiming an index < n, and the caller drops
        /// it once every index is done, so no reference outlives `parallelFor` (which runs
        /// the body under `withoutActuallyEscaping`, a check that traps on a leaked closure).
        var body: ((Int) -> Void)?
        let next = Atomic<Int>(0)
        let remaining: Atomic<Int>
        init(n: Int, body: @escaping (Int) -> Void) {
            self.n = n
            self.body = body
            self.remaining = Atomic<Int>(n)
        }
        /// Claims and runs tasks until none are left.
        func work() {
            while true {
                let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
                if i >= n { return }
                body.unsafelyUnwrapped(i)
                remaining.wrappingSubtract(1, ordering: .releasing)
            }
        }
    }

    private let generation = Atomic<Int>(0)
    private let busy = Atomic<Bool>(false)
    private let stopFlag = Atomic<Bool>(false)
    private let mutex = NSCondition()
    private var job: Job?
    private var sleepers = 0
    private var threads: [Thread] = []
    /// How long an idle worker spins before it sleeps. A GEMM posts jobs back to back, but a
    /// worker that finishes its share early may wait for the caller's last block (tens of
    /// microseconds); if it had gone to sleep by then, the futex wake-up costs more than the
    /// job and the caller ends up doing all the work. 2 ms of spinning covers the gaps.
    private let spinNanoseconds: UInt64 = 2_000_000

    /// Total threads that run a job, the caller included.
    public private(set) var threadCount: Int

    public init(threads: Int) {
        precondition(threads >= 1, "ThreadPool: thread count must be at least 1, got \(threads)")
        threadCount = threads
        startWorkers(threads - 1)
    }

    deinit { stopWorkers() }

    /// Changes the number of threads (stops and restarts the workers). Not thread-safe with
    /// respect to running jobs: call it between kernels.
    public func setThreadCount(_ n: Int) {
        precondition(n >= 1, "ThreadPool: thread count must be at least 1, got \(n)")
        guard n != threadCount else { return }
        stopWorkers()
        threadCount = n
        startWorkers(n - 1)
    }

    /// Runs `body(i)` for every i in 0..<n, spread over the pool's threads; returns when all
    /// are done. Runs serially when n ≤ 1, the pool has one thread, or the call is nested.
    public func parallelFor(_ n: Int, _ body: (Int) -> Void) {
        if n <= 0 { return }
        if n == 1 || threadCount == 1 || !busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged {
            for i in 0..<n { body(i) }
            return
        }
        withoutActuallyEscaping(body) { escaping in
            let j = Job(n: n, body: escaping)
            mutex.lock()
            job = j
            generation.wrappingAdd(1, ordering: .releasing)
            if sleepers > 0 { mutex.broadcast() }
            mutex.unlock()
            j.work()
            // Wait for the workers' last tasks: spin briefly, then yield the core, so that a
            // preempted worker on an oversubscribed machine gets to finish its task.
            var spins = 0
            while j.remaining.load(ordering: .acquiring) > 0 {
                spins += 1
                if spins < 2_000 { spinPause() } else { sched_yield() }
            }
            j.body = nil
        }
        busy.store(false, ordering: .releasing)
    }

    /// Splits 0..<count into chunks of at least `grain` elements (at most a few per thread)
    /// and runs `body` on each range in parallel. Chunk boundaries depend on the thread count,
    /// so use it only where each element's result is independent of the partition.
    public func parallelRanges(_ count: Int, grain: Int, _ body: (Range<Int>) -> Void) {
        if count <= 0 { return }
        let maxChunks = threadCount == 1 ? 1 : threadCount * 4
        let chunks = max(1, min(maxChunks, count / max(grain, 1)))
        if chunks == 1 { body(0..<count); return }
        parallelFor(chunks) { c in
            body((count * c / chunks)..<(count * (c + 1) / chunks))
        }
    }

    // MARK: workers

    private func startWorkers(_ k: Int) {
        stopFlag.store(false, ordering: .releasing)
        // The generation is read here, not when the thread first runs: a thread that starts
        // late must still see a job (or a stop) posted after it was created.
        let start = generation.load(ordering: .acquiring)
        for w in 0..<k {
            let t = Thread { [unowned self] in self.workerLoop(seen: start) }
            t.name = "more-worker-\(w)"
            t.stackSize = 8 << 20
            threads.append(t)
            t.start()
        }
    }

    private func stopWorkers() {
        guard !threads.isEmpty else { return }
        stopFlag.store(true, ordering: .releasing)
        mutex.lock()
        generation.wrappingAdd(1, ordering: .releasing)
        mutex.broadcast()
        mutex.unlock()
        // Wait until every worker has left its loop.
        while exited.load(ordering: .acquiring) < threads.count { usleep(100) }
        exited.store(0, ordering: .releasing)
        threads.removeAll()
    }

    private let exited = Atomic<Int>(0)

    private func workerLoop(seen start: Int) {
        var seen = start
        while true {
            // Spin for a while on the generation counter, then sleep.
            var spins = 0
            var deadline: UInt64 = 0
            while generation.load(ordering: .acquiring) == seen {
                spinPause(); spins += 1
                if spins & 255 == 0 {
                    let now = DispatchTime.now().uptimeNanoseconds
                    if deadline == 0 { deadline = now + spinNanoseconds } else if now >= deadline { break }
                }
            }
            mutex.lock()
            while generation.load(ordering: .acquiring) == seen {
                sleepers += 1
                mutex.wait()
                sleepers -= 1
            }
            seen = generation.load(ordering: .acquiring)
            let j = job
            mutex.unlock()
            if stopFlag.load(ordering: .acquiring) { break }
            j?.work()
        }
        exited.wrappingAdd(1, ordering: .releasing)
    }
}

@inline(__always) func spinPause() {
    #if arch(x86_64) || arch(i386)
    _mm_pause_shim()
    #endif
}

@inline(__always) private func _mm_pause_shim() {
    // A compiler barrier is enough on this target; the loop re-reads an atomic each iteration.
    _ = 0
}
