// ThreadPoolTests — the fork/join pool (ThreadPool.swift): every index runs exactly once,
// nested calls run serially without deadlock, many tiny jobs in a row, parallelRanges covers
// the range, and the thread count can be changed and restored.

import XCTest
import TensorCore
import Synchronization

final class ThreadPoolTests: XCTestCase {
    private let pool = ThreadPool.shared

    /// Runs `body` with the pool at `threads` threads, restoring the old count afterwards.
    private func with(threads: Int, _ body: () -> Void) {
        let saved = pool.threadCount
        pool.setThreadCount(threads)
        defer { pool.setThreadCount(saved) }
        body()
    }

    func testEveryIndexRunsExactlyOnce() {
        for threads in [1, 2, 3] {
            with(threads: threads) {
                for n in [0, 1, 2, 7, 1000] {
                    let counts = UnsafeMutablePointer<Int>.allocate(capacity: max(n, 1))
                    counts.initialize(repeating: 0, count: max(n, 1))
                    defer { counts.deallocate() }
                    pool.parallelFor(n) { i in counts[i] += 1 }   // each i touches only its own slot
                    XCTAssertEqual((0..<n).filter { counts[$0] != 1 }, [], "threads=\(threads) n=\(n)")
                }
            }
        }
    }

    func testNestedCallsRunEveryInnerIndex() {
        with(threads: 2) {
            let total = Atomic<Int>(0)
            pool.parallelFor(8) { _ in
                pool.parallelFor(50) { j in total.wrappingAdd(j, ordering: .relaxed) }
            }
            XCTAssertEqual(total.load(ordering: .relaxed), 8 * (49 * 50 / 2))
        }
    }

    func testManySmallJobsInARow() {
        with(threads: 2) {
            let total = Atomic<Int>(0)
            for _ in 0..<20_000 {
                pool.parallelFor(2) { i in total.wrappingAdd(i + 1, ordering: .relaxed) }
            }
            XCTAssertEqual(total.load(ordering: .relaxed), 20_000 * 3)
        }
    }

    func testParallelRangesCoverTheRangeOnce() {
        for threads in [1, 2] {
            with(threads: threads) {
                let n = 10_007
                let marks = UnsafeMutablePointer<Int>.allocate(capacity: n)
                marks.initialize(repeating: 0, count: n)
                defer { marks.deallocate() }
                pool.parallelRanges(n, grain: 100) { r in for i in r { marks[i] += 1 } }
                XCTAssertEqual((0..<n).filter { marks[$0] != 1 }.count, 0, "threads=\(threads)")
            }
        }
    }

    func testSetThreadCountChangesAndRestores() {
        let saved = pool.threadCount
        with(threads: 3) { XCTAssertEqual(pool.threadCount, 3) }
        XCTAssertEqual(pool.threadCount, saved)
        XCTAssertGreaterThanOrEqual(ThreadPool.defaultThreadCount(), 1)
    }
}
