// GradCheckTests — the table of numerical gradient checks, one or more per `Op`, and the
// tests of the checker itself (a deliberately wrong backward must be rejected).
//
// `GradCheckCases.all` maps every op to closures that run `gradCheck` over several shapes
// (odd sizes, 1×1, broadcasting). GradCheckCoverageTests runs the whole table and asserts
// that every `Op.allCases` has a case whose tape really contains that op. Shapes are small:
// a check costs 2·(#input elements) forward passes.

import XCTest
import TensorCore
@testable import Autodiff

/// One gradient check: a label (shapes), fresh inputs, the function of them, and the step ε.
/// NaNPropagationTests runs the same functions on the same inputs with a NaN planted.
struct GradCase {
    let name: String
    let inputs: () -> [Variable]
    var eps: Float = 1e-2
    let f: ([Variable]) -> Variable
    var run: () -> GradCheckResult { { gradCheck(inputs(), eps: eps, f) } }
}

/// A Variable with entries uniform in [lo, hi) from a fixed seed.
func randomVariable(_ shape: [Int], seed: UInt64, _ lo: Float = -1, _ hi: Float = 1, requiresGrad: Bool = true) -> Variable {
    var rng = RNG(seed: seed, stream: RNG.stream("autodiff-tests"))
    return Variable(Tensor(shape: shape) { p in for i in p.indices { p[i] = rng.uniform(lo, hi) } }, requiresGrad: requiresGrad)
}

/// Entries with |x| in [0.2, 1) and random signs (away from ReLU's kink at 0).
func awayFromZero(_ shape: [Int], seed: UInt64) -> Variable {
    var rng = RNG(seed: seed, stream: RNG.stream("away-from-zero"))
    return Variable(Tensor(shape: shape) { p in
        for i in p.indices { p[i] = rng.uniform(0.2, 1) * (rng.bernoulli(0.5) ? 1 : -1) }
    }, requiresGrad: true)
}

enum GradCheckCases {
    /// A case on fresh random inputs of the given shapes.
    static func c(_ name: String, _ shapes: [[Int]], lo: Float = -1, hi: Float = 1, eps: Float = 1e-2,
                  _ f: @escaping ([Variable]) -> Variable) -> GradCase {
        GradCase(name: "\(name) \(shapes)",
                 inputs: { shapes.enumerated().map { randomVariable($0.element, seed: UInt64(11 + $0.offset), lo, hi) } },
                 eps: eps, f: f)
    }

    /// Broadcasting shape pairs used by every binary op.
    static let binaryShapes: [[[Int]]] = [[[3, 5], [3, 5]], [[3, 4], [4]], [[2, 3, 4], [3, 1]], [[1, 1], [5, 1]],
                                          [[], [2, 3]], [[2, 3], []]]

    static func binary(_ name: String, lo: Float = -1, hi: Float = 1, _ f: @escaping (Variable, Variable) -> Variable) -> [GradCase] {
        binaryShapes.map { s in c(name, s, lo: lo, hi: hi) { v in f(v[0], v[1]) } }
    }

    static var all: [Op: [GradCase]] {
        var t: [Op: [GradCase]] = [:]
        t[.matmul] = [
            c("A B", [[3, 4], [4, 5]]) { v in matmul(v[0], v[1]) },
            c("A Bᵀ", [[3, 4], [5, 4]]) { v in matmul(v[0], v[1], transposeB: true) },
            c("Aᵀ B", [[4, 3], [4, 5]]) { v in matmul(v[0], v[1], transposeA: true) },
            c("Aᵀ Bᵀ", [[4, 3], [5, 4]]) { v in matmul(v[0], v[1], transposeA: true, transposeB: true) },
            c("1×1", [[1, 1], [1, 1]]) { v in matmul(v[0], v[1]) },
            c("odd", [[5, 3], [3, 7]]) { v in matmul(v[0], v[1]) },
            c("linear x Wᵀ + b", [[5, 3], [7, 3], [7]]) { v in linear(v[0], weight: v[1], bias: v[2]) },
            c("linear, no bias", [[2, 4], [3, 4]]) { v in linear(v[0], weight: v[1], bias: nil) },
        ]
        t[.batchedMatmul] = [
            c("rank 3 × rank 3", [[2, 3, 4], [2, 4, 5]]) { v in matmul(v[0], v[1]) },
            c("rank 3 × rank 3ᵀ", [[2, 3, 4], [2, 5, 4]]) { v in matmul(v[0], v[1], transposeB: true) },
            c("rank 3ᵀ × rank 3", [[2, 4, 3], [2, 4, 5]]) { v in matmul(v[0], v[1], transposeA: true) },
            c("rank 3 × rank 2 (broadcast)", [[2, 3, 4], [4, 5]]) { v in matmul(v[0], v[1]) },
            c("rank 3 × rank 2ᵀ (broadcast)", [[3, 2, 4], [5, 4]]) { v in matmul(v[0], v[1], transposeB: true) },
            c("rank 2 × rank 3 (broadcast)", [[3, 4], [2, 4, 5]]) { v in matmul(v[0], v[1]) },
            c("rank 4", [[2, 2, 3, 2], [2, 2, 2, 3]]) { v in matmul(v[0], v[1]) },
        ]
        t[.add] = binary("a + b") { $0 + $1 }
        t[.sub] = binary("a − b") { $0 - $1 }
        t[.mul] = binary("a ⊙ b") { $0 * $1 }
        t[.div] = binary("a / b", lo: 0.5, hi: 2) { $0 / $1 }
        t[.scale] = [c("2.5·x", [[3, 5]]) { v in 2.5 * v[0] }, c("−x", [[1, 1]]) { v in -v[0] }]
        t[.addScalar] = [c("x + 0.7", [[3, 5]]) { v in v[0] + 0.7 }]
        t[.sum] = [c("Σ x", [[3, 4]]) { v in sum(v[0]) }, c("Σ x", [[1, 1]]) { v in sum(v[0]) }]
        t[.sumAxis] = [
            c("Σ axis 1", [[2, 3, 4]]) { v in sum(v[0], axis: 1) },
            c("Σ axis −1 keepDims", [[3, 5]]) { v in sum(v[0], axis: -1, keepDims: true) },
            c("Σ axis 0", [[1, 1]]) { v in sum(v[0], axis: 0) },
        ]
        t[.mean] = [c("mean", [[3, 4]]) { v in mean(v[0]) }, c("mean", [[1, 1]]) { v in mean(v[0]) }]
        t[.meanAxis] = [
            c("mean axis 0", [[5, 3]]) { v in mean(v[0], axis: 0) },
            c("mean axis −1 keepDims", [[2, 3, 4]]) { v in mean(v[0], axis: -1, keepDims: true) },
        ]
        t[.exp] = [c("exp", [[3, 5]]) { v in exp(v[0]) }, c("exp", [[1, 1]]) { v in exp(v[0]) }]
        t[.log] = [c("log", [[3, 5]], lo: 0.5, hi: 2) { v in log(v[0]) }]
        t[.relu] = [GradCase(name: "relu [3, 7] away from 0", inputs: { [awayFromZero([3, 7], seed: 3)] }) { v in relu(v[0]) }]
        t[.gelu] = [c("gelu", [[3, 7]], lo: -3, hi: 3) { v in gelu(v[0]) }]
        t[.tanh] = [c("tanh", [[3, 5]], lo: -2, hi: 2) { v in tanh(v[0]) }]
        t[.sqrt] = [c("sqrt", [[3, 5]], lo: 0.5, hi: 2) { v in sqrt(v[0]) }]
        t[.softmax] = [c("softmax", [[3, 5]], lo: -2, hi: 2) { v in softmax(v[0]) },
                       c("softmax", [[2, 2, 3]], lo: -2, hi: 2) { v in softmax(v[0]) }]
        t[.logSoftmax] = [c("logSoftmax", [[3, 5]], lo: -2, hi: 2) { v in logSoftmax(v[0]) },
                          c("logSoftmax, one class (constant 0: ∂ must be 0, not NaN)", [[1, 1]]) { v in logSoftmax(v[0]) }]
        t[.crossEntropy] = [c("CE", [[4, 5]], lo: -2, hi: 2) { v in crossEntropy(v[0], targets: [0, 3, 1, 4]) },
                            c("CE", [[1, 3]], lo: -2, hi: 2) { v in crossEntropy(v[0], targets: [2]) }]
        t[.reshape] = [c("reshape → [3, 4]", [[2, 6]]) { v in reshape(v[0], [3, 4]) }]
        addNormalisationCases(&t)
        addAttentionCases(&t)
        addLayoutCases(&t)
        return t
    }

    static func addNormalisationCases(_ t: inout [Op: [GradCase]]) {
        t[.layerNorm] = [
            c("LN γ β", [[3, 6], [6], [6]], eps: 1e-3) { v in layerNorm(v[0], gamma: v[1], beta: v[2]) },
            c("LN γ", [[2, 3, 5], [5]], eps: 1e-3) { v in layerNorm(v[0], gamma: v[1], beta: nil, eps: 1e-6) },
            c("LN", [[1, 4]], eps: 1e-3) { v in layerNorm(v[0], gamma: nil, beta: nil) },
        ]
        t[.batchNormTrain] = [
            c("BN train [N, C]", [[5, 3], [3], [3]], eps: 1e-3) { v in batchNormTrain(v[0], gamma: v[1], beta: v[2]).y },
            c("BN train [N, C, L]", [[3, 2, 4], [2], [2]], eps: 1e-3) { v in batchNormTrain(v[0], gamma: v[1], beta: v[2]).y },
            c("BN train no affine", [[4, 3]], eps: 1e-3) { v in batchNormTrain(v[0], gamma: nil, beta: nil).y },
            c("BN train no affine, smallest batch (N 2)", [[2, 3]], eps: 1e-3) { v in batchNormTrain(v[0], gamma: nil, beta: nil).y },
        ]
        let runMean = Tensor(shape: [3], values: [0.1, -0.2, 0.3]), runVar = Tensor(shape: [3], values: [0.5, 1.5, 0.8])
        t[.batchNormEval] = [
            c("BN eval [N, C]", [[4, 3], [3], [3]]) { v in
                batchNormEval(v[0], runningMean: runMean, runningVariance: runVar, gamma: v[1], beta: v[2]) },
            c("BN eval [N, C, L]", [[2, 3, 5], [3], [3]]) { v in
                batchNormEval(v[0], runningMean: runMean, runningVariance: runVar, gamma: v[1], beta: v[2]) },
        ]
        t[.l2Normalize] = [
            c("l2Normalize", [[3, 5]], eps: 1e-3) { v in l2Normalize(v[0]) },
            c("l2Normalize", [[2, 2, 4]], eps: 1e-3) { v in l2Normalize(v[0]) },
            c("l2Normalize, one element (sign(x): ∂ must be 0)", [[1, 1]], eps: 1e-3) { v in l2Normalize(v[0]) },
        ]
    }

    static func addAttentionCases(_ t: inout [Op: [GradCase]]) {
        t[.dropout] = [
            c("dropout p 0.3", [[4, 6]]) { v in dropout(v[0], p: 0.3, seed: 5, stream: 1) },
            c("dropout p 0.5", [[2, 3, 5]]) { v in dropout(v[0], p: 0.5, seed: 6, stream: 2) },
            c("dropout(x) + r, p 0.3", [[3, 7], [3, 7]]) { v in dropoutAdd(v[0], v[1], p: 0.3, seed: 7, stream: 3) },
        ]
        let dropKey = dropKeyMask(shape: [2, 2, 3, 4], p: 0.3, seed: 9, stream: 4)
        let small = Tensor(shape: [4], values: [-1, 0.5, 0, 2])
        t[.attentionMask] = [
            c("x + M, M broadcast [Tk]", [[2, 3, 4]]) { v in attentionMask(v[0], small) },
            c("softmax(x + DropKey)", [[2, 2, 3, 4]]) { v in softmax(attentionMask(v[0], dropKey)) },
        ]
        let mask = Tensor(shape: [1, 1, 3, 3], values: [0, -1, 0.5, 0, 0, -2, 1, 0, 0])
        t[.scaledDotProductAttention] = [
            c("SDPA", [[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4]]) { v in scaledDotProductAttention(v[0], v[1], v[2]) },
            c("SDPA + mask", [[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4]]) { v in
                scaledDotProductAttention(v[0], v[1], v[2], mask: mask) },
            c("SDPA Tq ≠ Tk", [[2, 1, 2, 3], [2, 1, 4, 3], [2, 1, 4, 5]]) { v in
                scaledDotProductAttention(v[0], v[1], v[2], scale: 0.7) },
            // The head-strided form (MultiHeadAttention.swift) records the same op.
            c("MHA 2 heads + pad mask", [[2, 3, 4], [2, 5, 4], [2, 5, 6]]) { v in
                multiHeadAttention(v[0], v[1], v[2], heads: 2, mask: Tensor(shape: [2, 1, 1, 5], values: [0, 0, 0, 0, -1e30, 0, 0, 0, 0, 0])) },
            c("MHA packed qkv", [[2, 3, 12]]) { v in multiHeadAttention(qkv: v[0], heads: 2, scale: 0.6) },
            c("MHA packed sequences 3 + 1 + 4", [[1, 8, 4], [1, 8, 4], [1, 8, 4]]) { v in
                multiHeadAttention(packed: v[0], v[1], v[2], lengths: [3, 1, 4], heads: 2) },
            c("MHA packed sequences + dropout", [[1, 7, 4], [1, 7, 4], [1, 7, 4]]) { v in
                multiHeadAttention(packed: v[0], v[1], v[2], lengths: [5, 2], heads: 2, dropout: AttentionDropout(p: 0.3, seed: 2, stream: 9)) },
        ]
    }

    static func addLayoutCases(_ t: inout [Op: [GradCase]]) {
        t[.embedding] = [
            c("embedding [2, 2] ids, repeats", [[5, 3]]) { v in embedding(v[0], ids: [0, 3, 3, 1], shape: [2, 2]) },
            c("embedding one id", [[5, 1]]) { v in embedding(v[0], ids: [4]) },
        ]
        t[.concat] = [
            c("concat axis 1", [[2, 3], [2, 1], [2, 2]]) { v in concat(v, axis: 1) },
            c("concat axis 0", [[1, 2, 3], [2, 2, 3]]) { v in concat(v, axis: 0) },
            c("concat axis −1", [[2, 2, 1], [2, 2, 3]]) { v in concat(v, axis: -1) },
        ]
        t[.slice] = [
            c("slice axis 1 1..<4", [[4, 5]]) { v in slice(v[0], axis: 1, 1..<4) },
            c("slice axis 0 2..<3", [[3, 4, 2]]) { v in slice(v[0], axis: 0, 2..<3) },
        ]
        t[.permute] = [
            c("permute [2, 0, 1]", [[2, 3, 4]]) { v in permute(v[0], [2, 0, 1]) },
            c("transpose last two", [[2, 3, 5]]) { v in transpose(v[0]) },
            c("transpose 1×1", [[1, 1]]) { v in transpose(v[0]) },
        ]
        t[.conv1d] = [
            c("conv1d + bias", [[2, 3, 7], [4, 3, 3], [4]]) { v in conv1d(v[0], weight: v[1], bias: v[2]) },
            c("conv1d stride 2 pad 1", [[1, 2, 6], [3, 2, 2]]) { v in conv1d(v[0], weight: v[1], stride: 2, padding: 1) },
            c("conv1d stride 5 (ECG stem)", [[1, 2, 10], [2, 2, 5], [2]]) { v in conv1d(v[0], weight: v[1], bias: v[2], stride: 5) },
            c("conv1d K = L", [[1, 1, 3], [2, 1, 3]]) { v in conv1d(v[0], weight: v[1]) },
        ]
    }
}

/// The checker itself: a wrong backward must be rejected, a right one accepted.
final class GradCheckTests: XCTestCase {
    /// y = x² recorded with a backward of factor·2x·g (factor 1 is correct).
    func square(_ x: Variable, factor: Float) -> Variable {
        let xv = x.value
        return record(.mul, xv * xv, inputs: [x]) { g in [(g * xv).scaled(by: 2 * factor)] }
    }

    /// y = x ⊙ C (C constant, not symmetric) with a correct or a transposed backward.
    func weighted(_ x: Variable, transposed: Bool) -> Variable {
        let c = Tensor(shape: [3, 3], values: [1, 2, 3, -1, 0.5, 4, 2, -3, 1])
        return record(.mul, x.value * c, inputs: [x]) { g in
            let right = g * c
            return [transposed ? right.permuted([1, 0]) : right]
        }
    }

    func testCorrectBackwardPasses() {
        let r = gradCheck([randomVariable([3, 4], seed: 1)]) { v in square(v[0], factor: 1) }
        XCTAssertTrue(r.passed, "\(r)")
        XCTAssertEqual(r.checked, 12)
        let t = gradCheck([randomVariable([3, 3], seed: 2)]) { v in weighted(v[0], transposed: false) }
        XCTAssertTrue(t.passed, "\(t)")
    }

    func testDoubledGradientIsRejected() {
        let r = gradCheck([randomVariable([3, 4], seed: 1)]) { v in square(v[0], factor: 2) }
        XCTAssertFalse(r.passed, "\(r)")
        XCTAssertEqual(r.failures, r.checked, "every element of a 2× gradient should fail: \(r)")
    }

    func testNegatedGradientIsRejected() {
        let r = gradCheck([randomVariable([3, 4], seed: 1)]) { v in square(v[0], factor: -1) }
        XCTAssertFalse(r.passed, "\(r)")
    }

    func testTransposedGradientIsRejected() {
        let r = gradCheck([randomVariable([3, 3], seed: 2)]) { v in weighted(v[0], transposed: true) }
        XCTAssertFalse(r.passed, "\(r)")
        XCTAssertFalse(r.worst.isEmpty)
    }

    func testMissingGradientIsRejected() {
        let x = randomVariable([2, 3], seed: 4)
        let r = gradCheck([x]) { v in record(.exp, v[0].value.exp(), inputs: [v[0]]) { _ in [nil] } }
        XCTAssertFalse(r.passed, "\(r)")
    }

    func testSlightlyWrongGradientIsRejected() {
        // A 10 % error is well above rtol 2e-2: the tolerance cannot hide a real mistake.
        let r = gradCheck([randomVariable([4, 4], seed: 3, 0.5, 1.5)]) { v in square(v[0], factor: 1.1) }
        XCTAssertFalse(r.passed, "\(r)")
    }

    func testWrongGradientIsRejectedEvenWhenKinksAreAllowed() {
        // f = x² is smooth: its one-sided differences agree, so a 2× gradient is a failure.
        let r = gradCheck([randomVariable([3, 4], seed: 1)], allowKinks: true) { v in square(v[0], factor: 2) }
        XCTAssertFalse(r.passed, "\(r)")
        XCTAssertEqual(r.kinks, 0)
    }

    func testAKinkWithinEpsilonIsSetAsideOnlyWhenAllowed() {
        // relu at x = 0.004 with ε = 1e-2: central difference 0.7, analytic 1 — not smooth there.
        let x = Variable(Tensor(shape: [3], values: [0.004, 0.5, -0.5]), requiresGrad: true)
        let strict = gradCheck([x], eps: 1e-2) { v in relu(v[0]) }
        XCTAssertEqual(strict.failures, 1, "\(strict)")
        let lenient = gradCheck([x], eps: 1e-2, allowKinks: true) { v in relu(v[0]) }
        XCTAssertTrue(lenient.passed, "\(lenient)")
        XCTAssertEqual(lenient.kinks, 1)
    }

    func testReportsTheOpsOnTheTape() {
        let r = gradCheck([randomVariable([2, 3], seed: 5)]) { v in exp(2 * v[0]) }
        XCTAssertEqual(r.ops, [.exp, .scale])
    }
}
