// MisuseTests — a shape mismatch or a bad axis is reported with a message naming the shapes.
//
// The ops stop with `precondition` on misuse (a programming error); the rule behind each stop
// is a throwing `Shape.check…` function, tested here so the message can be read.

import XCTest
import TensorCore
@testable import Autodiff

final class MisuseTests: XCTestCase {
    /// Asserts that `body` throws a ShapeError whose message contains every fragment.
    func assertMessage(_ body: () throws -> Void, mentions fragments: [String],
                       file: StaticString = #filePath, line: UInt = #line) {
        do {
            try body()
            XCTFail("expected a ShapeError mentioning \(fragments)", file: file, line: line)
        } catch let e as ShapeError {
            for f in fragments {
                XCTAssertTrue(e.message.contains(f), "message \"\(e.message)\" does not mention \(f)", file: file, line: line)
            }
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
        }
    }

    func testCoreShapeRules() {
        assertMessage({ _ = try Shape.checkBroadcast([3, 4], [5], op: "add") }, mentions: ["[3, 4]", "[5]"])
        assertMessage({ _ = try Shape.checkAxis(2, rank: 2, op: "sum", shape: [2, 3]) }, mentions: ["[2, 3]", "axis 2"])
        assertMessage({ _ = try Shape.checkAxis(-3, rank: 2, op: "mean", shape: [2, 3]) }, mentions: ["[2, 3]", "-3"])
        assertMessage({ _ = try Shape.checkMatmul([3, 4], [5, 6]) }, mentions: ["[3, 4]", "[5, 6]"])
        assertMessage({ _ = try Shape.checkMatmul([2, 3, 4], [3, 4, 5]) }, mentions: ["[2, 3, 4]", "[3, 4, 5]"])
        assertMessage({ _ = try Shape.checkReshape([5, -1], count: 12, from: [3, 4]) }, mentions: ["[3, 4]", "[5, -1]"])
    }

    func testLayoutRules() {
        assertMessage({ _ = try Shape.checkConcat([[2, 3], [3, 3]], axis: 1) }, mentions: ["[2, 3]", "[3, 3]"])
        assertMessage({ _ = try Shape.checkConcat([[2, 3], [2, 3, 1]], axis: 0) }, mentions: ["[2, 3, 1]"])
        assertMessage({ _ = try Shape.checkConcat([[2, 3]], axis: 2) }, mentions: ["[2, 3]", "axis 2"])
        assertMessage({ _ = try Shape.checkPermute([2, 3], [0, 0]) }, mentions: ["[2, 3]", "[0, 0]"])
        assertMessage({ _ = try Shape.checkPermute([2, 3, 4], [1, 0]) }, mentions: ["[2, 3, 4]", "[1, 0]"])
        assertMessage({ _ = try Shape.checkSlice([4, 5], axis: 1, 3..<7) }, mentions: ["[4, 5]", "3..<7"])
        assertMessage({ _ = try Shape.checkSlice([4, 5], axis: 2, 0..<1) }, mentions: ["[4, 5]"])
        assertMessage({ _ = try Shape.checkGather(table: [5, 3], ids: [1, 7]) }, mentions: ["[5, 3]", "id 7"])
        assertMessage({ _ = try Shape.checkConv1d(input: [2, 3, 7], weight: [4, 2, 3], stride: 1, padding: 0) },
                      mentions: ["[2, 3, 7]", "[4, 2, 3]"])
        assertMessage({ _ = try Shape.checkConv1d(input: [2, 3, 2], weight: [4, 3, 5], stride: 1, padding: 0) },
                      mentions: ["[2, 3, 2]", "[4, 3, 5]"])
        assertMessage({ _ = try Shape.checkConv1d(input: [2, 3, 7], weight: [4, 3, 3], bias: [3], stride: 1, padding: 0) },
                      mentions: ["bias [3]"])
        assertMessage({ _ = try Shape.checkConv1d(input: [3, 7], weight: [4, 3, 3], stride: 1, padding: 0) },
                      mentions: ["[3, 7]"])
    }

    func testNormalisationAndAttentionRules() {
        assertMessage({ _ = try Shape.checkLayerNorm([3, 6], gamma: [5], beta: nil) }, mentions: ["[3, 6]", "[5]"])
        assertMessage({ _ = try Shape.checkBatchNorm([4, 3], channelTensors: [("gamma", [2])], training: true) },
                      mentions: ["[4, 3]", "[2]", "gamma"])
        assertMessage({ _ = try Shape.checkBatchNorm([1, 3], channelTensors: [], training: true) }, mentions: ["[1, 3]"])
        assertMessage({ _ = try Shape.checkBatchNorm([2, 3, 4, 5], channelTensors: [], training: false) }, mentions: ["[2, 3, 4, 5]"])
        assertMessage({ _ = try Shape.checkAttention(q: [1, 2, 3, 4], k: [1, 2, 3, 5], v: [1, 2, 3, 4], mask: nil) },
                      mentions: ["[1, 2, 3, 4]", "[1, 2, 3, 5]"])
        assertMessage({ _ = try Shape.checkAttention(q: [1, 2, 3, 4], k: [1, 2, 3, 4], v: [1, 2, 3, 4], mask: [2, 1, 3, 3]) },
                      mentions: ["[2, 1, 3, 3]"])
        assertMessage({ try Shape.checkMask([2, 3], over: [3, 3], op: "attentionMask") }, mentions: ["[2, 3]", "[3, 3]"])
    }

    func testValidShapesAreAccepted() throws {
        XCTAssertEqual(try Shape.checkConcat([[2, 3], [2, 1]], axis: -1).shape, [2, 4])
        XCTAssertEqual(try Shape.checkPermute([2, 3, 4], [2, 0, 1]).shape, [4, 2, 3])
        XCTAssertEqual(try Shape.checkSlice([4, 5], axis: -1, 1..<3).shape, [4, 2])
        XCTAssertEqual(try Shape.checkConv1d(input: [8, 12, 1000], weight: [256, 12, 5], bias: [256], stride: 5, padding: 0), [8, 256, 200])
        XCTAssertEqual(try Shape.checkConv1d(input: [8, 256, 200], weight: [768, 256, 5], stride: 1, padding: 0), [8, 768, 196])
        XCTAssertEqual(try Shape.checkAttention(q: [2, 3, 4, 8], k: [2, 3, 5, 8], v: [2, 3, 5, 6], mask: [1, 1, 4, 5]), [2, 3, 4, 6])
        XCTAssertNoThrow(try Shape.checkMask([5], over: [2, 3, 4, 5], op: "attentionMask"))
    }
}
