// LayoutTests — permute, slice, zero-padding, concat, gather and scatter-add against
// definitions written with plain index arithmetic.

import XCTest
import TestSupport
@testable import TensorCore

final class LayoutTests: XCTestCase {
    /// 0, 1, 2, … as a tensor (every element distinct, so any misplacement shows).
    func iota(_ shape: [Int]) -> Tensor {
        Tensor(shape: shape, values: (0..<Shape.count(shape)).map(Float.init))
    }

    /// Multi-index of a flat row-major offset.
    func unravel(_ flat: Int, _ shape: [Int]) -> [Int] {
        var rem = flat
        var idx = [Int](repeating: 0, count: shape.count)
        for d in stride(from: shape.count - 1, through: 0, by: -1) { idx[d] = rem % shape[d]; rem /= shape[d] }
        return idx
    }

    func testPermuteMatchesTheDefinition() {
        let x = iota([2, 3, 4, 5])
        for perm in [[0, 1, 2, 3], [3, 2, 1, 0], [0, 2, 1, 3], [1, 3, 0, 2], [0, 1, 3, 2]] {
            let y = x.permuted(perm)
            XCTAssertEqual(y.shape, perm.map { x.shape[$0] })
            for j in 0..<y.count {
                let out = unravel(j, y.shape)
                var idx = [Int](repeating: 0, count: 4)
                for d in 0..<4 { idx[perm[d]] = out[d] }
                XCTAssertEqual(y.pointer[j], x[idx[0], idx[1], idx[2], idx[3]], "perm \(perm) at \(out)")
            }
            XCTAssertTrue(y.permuted(inversePermutation(perm)).bitwiseEqual(x), "perm \(perm) then its inverse")
        }
    }

    func testTransposeOfAMatrixAndNegativeAxes() {
        let x = Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(x.permuted([1, 0]).scalars, [1, 4, 2, 5, 3, 6])
        XCTAssertEqual(x.permuted([-1, -2]).scalars, [1, 4, 2, 5, 3, 6])
    }

    func testPermuteIsThreadCountIndependent() {
        let x = iota([64, 48, 40])   // 122 880 elements, several tasks
        let saved = ThreadPool.shared.threadCount
        defer { ThreadPool.shared.setThreadCount(saved) }
        ThreadPool.shared.setThreadCount(1)
        let a = x.permuted([2, 0, 1])
        ThreadPool.shared.setThreadCount(2)
        let b = x.permuted([2, 0, 1])
        XCTAssertTrue(a.bitwiseEqual(b))
    }

    func testSliceAndZeroPaddedAreAdjoint() {
        let x = iota([3, 5, 2])
        let s = x.sliced(axis: 1, 1..<4)
        XCTAssertEqual(s.shape, [3, 3, 2])
        for i in 0..<3 { for j in 0..<3 { for k in 0..<2 { XCTAssertEqual(s[i, j, k], x[i, j + 1, k]) } } }
        let p = zeroPadded(s, to: x.shape, axis: 1, start: 1)
        for i in 0..<3 { for j in 0..<5 { for k in 0..<2 {
            XCTAssertEqual(p[i, j, k], (1..<4).contains(j) ? x[i, j, k] : 0)
        } } }
        XCTAssertEqual(x.sliced(axis: -1, 1..<2).scalars, stride(from: 1, to: 30, by: 2).map(Float.init))
        XCTAssertEqual(x.sliced(axis: 0, 2..<2).shape, [0, 5, 2])
    }

    func testConcatenateThenSliceGivesThePartsBack() {
        let a = iota([2, 1, 3]), b = iota([2, 2, 3]).scaled(by: -1), c = iota([2, 4, 3]).adding(100)
        let y = concatenate([a, b, c], axis: 1)
        XCTAssertEqual(y.shape, [2, 7, 3])
        XCTAssertTrue(y.sliced(axis: 1, 0..<1).bitwiseEqual(a))
        XCTAssertTrue(y.sliced(axis: 1, 1..<3).bitwiseEqual(b))
        XCTAssertTrue(y.sliced(axis: 1, 3..<7).bitwiseEqual(c))
        let rows = concatenate([Tensor(shape: [1, 2], values: [1, 2]), Tensor(shape: [2, 2], values: [3, 4, 5, 6])], axis: 0)
        XCTAssertEqual(rows.scalars, [1, 2, 3, 4, 5, 6])
    }

    func testGatherAndScatterAdd() {
        let table = iota([4, 3])
        let ids = [2, 0, 2, 3]
        let g = gatherRows(table, ids)
        XCTAssertEqual(g.scalars, [6, 7, 8, 0, 1, 2, 6, 7, 8, 9, 10, 11])
        let grad = Tensor(shape: [4, 3], values: [1, 1, 1, 2, 2, 2, 10, 20, 30, 5, 5, 5])
        let s = scatterAddRows(grad, ids, rows: 4)
        XCTAssertEqual(s.scalars, [2, 2, 2, 0, 0, 0, 11, 21, 31, 5, 5, 5])
    }

    func testScatterAddIsAdjointOfGather() {
        // ⟨gather(T, ids), G⟩ = ⟨T, scatterAdd(G, ids)⟩ for random T, G.
        var rng = RNG(seed: 3, stream: 1)
        let table = Tensor(shape: [7, 70]) { p in for i in p.indices { p[i] = rng.uniform(-1, 1) } }
        let ids = (0..<50).map { _ in rng.int(below: 7) }
        let g = Tensor(shape: [50, 70]) { p in for i in p.indices { p[i] = rng.uniform(-1, 1) } }
        let lhs = zip(gatherRows(table, ids).scalars, g.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        let rhs = zip(table.scalars, scatterAddRows(g, ids, rows: 7).scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        XCTAssertEqual(lhs, rhs, accuracy: 1e-3)
    }
}
