// MultiHeadAttentionTests — the head-strided fused attention against the path it replaces
// (head split by permute, `scaledDotProductAttention`, merge by permute): the same bytes in
// the forward and in every gradient, with a padding mask and attention dropout (BERT), with
// DropKey drawn in the kernel against a materialised `dropKeyMask` (ViT, packed qkv), the
// tap, and 1 vs 2 threads.

import XCTest
import TensorCore
import TestSupport
@testable import Autodiff

final class MultiHeadAttentionTests: XCTestCase {
    let b = 2, t = 37, heads = 3, d = 8

    /// [B, T, H, d] → [B, H, T, d]
    func split(_ y: Variable) -> Variable { permute(reshape(y, [b, t, heads, d]), [0, 2, 1, 3]) }
    func merge(_ y: Variable) -> Variable { reshape(permute(y, [0, 2, 1, 3]), [b, t, heads * d]) }

    func testSeparateQKVIsBitwiseThePermutedPath() {
        let pad = Tensor(shape: [b, 1, 1, t]) { p in for i in p.indices { p[i] = i % t > 30 && i >= t ? -Float.greatestFiniteMagnitude : 0 } }
        let drop = AttentionDropout(p: 0.2, seed: 3, stream: 5)
        let w = randomVariable([b, t, heads * d], seed: 7, requiresGrad: false).value
        let s: Float = 0.3
        let fused = (0..<3).map { randomVariable([b, t, heads * d], seed: UInt64(30 + $0)) }
        let plain = (0..<3).map { randomVariable([b, t, heads * d], seed: UInt64(30 + $0)) }
        let tapF = AttentionTap(), tapP = AttentionTap()
        let of = multiHeadAttention(fused[0], fused[1], fused[2], heads: heads, mask: pad, scale: s, dropout: drop, tap: tapF)
        let op = merge(scaledDotProductAttention(split(plain[0]), split(plain[1]), split(plain[2]), mask: pad, scale: s,
                                                 dropout: drop, tap: tapP))
        XCTAssertTrue(of.value.bitwiseEqual(op.value), "forward, max |Δ| \(maxAbsDiff(of.value.scalars, op.value.scalars))")
        of.backward(w); op.backward(w)
        for i in 0..<3 {
            XCTAssertTrue(fused[i].grad!.bitwiseEqual(plain[i].grad!),
                          "gradient \(i), max |Δ| \(maxAbsDiff(fused[i].grad!.scalars, plain[i].grad!.scalars))")
        }
        XCTAssertTrue(tapF.probabilities!.bitwiseEqual(tapP.probabilities!))
        XCTAssertTrue(tapF.gradient!.bitwiseEqual(tapP.gradient!))
        XCTAssertEqual(opsOnTape(of), [.scaledDotProductAttention])
    }

    func packedPass(dropKeyInKernel: Bool) -> (Tensor, Tensor) {
        let x = randomVariable([b, t, 3 * heads * d], seed: 41)
        let w = randomVariable([b, t, heads * d], seed: 42, requiresGrad: false).value
        let dk = AttentionDropKey(p: 0.3, seed: 9, stream: 4)
        let o: Variable
        if dropKeyInKernel {
            o = multiHeadAttention(qkv: x, heads: heads, dropKey: dk)
        } else {
            let packed = permute(reshape(x, [b, t, 3, heads, d]), [2, 0, 3, 1, 4])
            let part = { (i: Int) in reshape(slice(packed, axis: 0, i..<(i + 1)), [self.b, self.heads, self.t, self.d]) }
            let mask = dropKeyMask(shape: [b, heads, t, t], p: dk.p, seed: dk.seed, stream: dk.stream)
            o = merge(scaledDotProductAttention(part(0), part(1), part(2), mask: mask))
        }
        o.backward(w)
        return (o.value, x.grad!)
    }

    func testPackedQKVWithDropKeyIsBitwiseThePermutedPath() {
        let fused = packedPass(dropKeyInKernel: true), plain = packedPass(dropKeyInKernel: false)
        XCTAssertTrue(fused.0.bitwiseEqual(plain.0), "forward, max |Δ| \(maxAbsDiff(fused.0.scalars, plain.0.scalars))")
        XCTAssertTrue(fused.1.bitwiseEqual(plain.1), "∂L/∂qkv, max |Δ| \(maxAbsDiff(fused.1.scalars, plain.1.scalars))")
    }

    func testSameBytesForOneAndTwoThreads() {
        let saved = ThreadPool.shared.threadCount
        defer { ThreadPool.shared.setThreadCount(saved) }
        ThreadPool.shared.setThreadCount(1)
        let one = packedPass(dropKeyInKernel: true)
        ThreadPool.shared.setThreadCount(2)
        let two = packedPass(dropKeyInKernel: true)
        XCTAssertTrue(one.0.bitwiseEqual(two.0) && one.1.bitwiseEqual(two.1))
    }

    /// Packed sequences [1, N, D] against the padded call [B, T, D] with BERT's padding mask:
    /// on the real rows, the same output and gradients (padding rows hold other values and get no
    /// upstream gradient); with dropout, the same bytes for 1 and 2 threads.
    func testPackedSequencesEqualThePaddedCallOnRealRows() {
        let lengths = [5, 11, 8], tt = 11, width = heads * d, n = lengths.reduce(0, +)
        let starts = [0, 5, 16]
        let packed = (0..<3).map { randomVariable([1, n, width], seed: UInt64(60 + $0)) }
        let padded = (0..<3).map { i -> Variable in
            let noise = randomVariable([3, tt, width], seed: UInt64(70 + i), requiresGrad: false).value
            let t = Tensor(shape: [3, tt, width]) { p in
                for j in 0..<(3 * tt * width) { p[j] = noise.pointer[j] }
                for (b, l) in lengths.enumerated() {
                    for r in 0..<l { for c in 0..<width { p[(b * tt + r) * width + c] = packed[i].value.pointer[(starts[b] + r) * width + c] } }
                }
            }
            return Variable(t, requiresGrad: true)
        }
        let mask = Tensor(shape: [3, 1, 1, tt]) { p in
            for b in 0..<3 { for j in 0..<tt { p[b * tt + j] = j < lengths[b] ? 0 : -Float.greatestFiniteMagnitude } }
        }
        let g = randomVariable([1, n, width], seed: 80, requiresGrad: false).value
        let gPadded = Tensor(shape: [3, tt, width]) { p in
            for j in 0..<(3 * tt * width) { p[j] = 0 }
            for (b, l) in lengths.enumerated() {
                for r in 0..<l { for c in 0..<width { p[(b * tt + r) * width + c] = g.pointer[(starts[b] + r) * width + c] } }
            }
        }
        let op = multiHeadAttention(packed: packed[0], packed[1], packed[2], lengths: lengths, heads: heads)
        let od = multiHeadAttention(padded[0], padded[1], padded[2], heads: heads, mask: mask)
        op.backward(g); od.backward(gPadded)
        func realRows(_ t: Tensor) -> [Float] {
            lengths.enumerated().flatMap { b, l in (0..<(l * width)).map { t.pointer[b * tt * width + $0] } }
        }
        XCTAssertLessThanOrEqual(maxAbsDiff(op.value.scalars, realRows(od.value)), 1e-6, "forward")
        for i in 0..<3 {
            XCTAssertLessThanOrEqual(maxAbsDiff(packed[i].grad!.scalars, realRows(padded[i].grad!)), 1e-6, "gradient \(i)")
        }

        let drop = AttentionDropout(p: 0.25, seed: 4, stream: 2)
        func run() -> [Float] {
            let x = (0..<3).map { randomVariable([1, n, width], seed: UInt64(90 + $0)) }
            let o = multiHeadAttention(packed: x[0], x[1], x[2], lengths: lengths, heads: heads, dropout: drop)
            o.backward(g)
            return o.value.scalars + x.flatMap { $0.grad!.scalars }
        }
        let saved = ThreadPool.shared.threadCount
        defer { ThreadPool.shared.setThreadCount(saved) }
        ThreadPool.shared.setThreadCount(1)
        let one = run()
        ThreadPool.shared.setThreadCount(2)
        XCTAssertEqual(one, run())
    }

    func testHeadLayoutAddressesTheColumnBlockOfAHead() {
        // Batch 1, head 2 of a [B, 4, 12] tensor whose heads (d = 2) start at column 3.
        XCTAssertEqual(HeadLayout(t: 4, width: 12, offset: 3, d: 2).at(UnsafeMutablePointer(bitPattern: 64)!, 1, 2),
                       UnsafeMutablePointer(bitPattern: 64)! + 4 * 12 + 3 + 4)
    }
}

/// `linear` (bias in the GEMM epilogue) against matmul + broadcast add: the same bytes,
/// for shapes on every GEMM path (thin, direct, blocked with two depth blocks, edge tiles).
final class LinearOpTests: XCTestCase {
    func testLinearIsBitwiseMatmulPlusBias() {
        for (n, i, o) in [(2, 5, 3), (7, 9, 40), (67, 33, 70), (300, 1536, 45), (130, 64, 4)] {
            let xf = randomVariable([n, i], seed: 1), wf = randomVariable([o, i], seed: 2), bf = randomVariable([o], seed: 3)
            let xc = randomVariable([n, i], seed: 1), wc = randomVariable([o, i], seed: 2), bc = randomVariable([o], seed: 3)
            let g = randomVariable([n, o], seed: 4, requiresGrad: false).value
            let yf = linear(xf, weight: wf, bias: bf), yc = matmul(xc, wc, transposeB: true) + bc
            XCTAssertTrue(yf.value.bitwiseEqual(yc.value), "forward \(n)×\(i)→\(o)")
            yf.backward(g); yc.backward(g)
            for (a, b) in [(xf, xc), (wf, wc), (bf, bc)] {
                XCTAssertTrue(a.grad!.bitwiseEqual(b.grad!), "gradient of shape \(a.shape), \(n)×\(i)→\(o)")
            }
        }
    }
}
