// Im2colTests — the unfolded windows of a 1-D convolution, their adjoint, and the convolution
// they give through GEMM, against direct loops.

import XCTest
import TestSupport
@testable import TensorCore

final class Im2colTests: XCTestCase {
    func random(_ shape: [Int], seed: UInt64) -> Tensor {
        var rng = RNG(seed: seed, stream: RNG.stream("im2col-tests"))
        return Tensor(shape: shape) { p in for i in p.indices { p[i] = rng.uniform(-1, 1) } }
    }

    func testColumnsHoldTheWindows() {
        let x = Tensor(shape: [1, 2, 5], values: [1, 2, 3, 4, 5, 10, 20, 30, 40, 50])
        // K 3, stride 2, padding 1: windows start at −1, 1, 3 → Lout 3.
        let c = im2col1d(x, kernel: 3, stride: 2, padding: 1)
        XCTAssertEqual(c.shape, [1, 6, 3])
        XCTAssertEqual(c.scalars, [0, 2, 4,   1, 3, 5,   2, 4, 0,
                                   0, 20, 40, 10, 30, 50, 20, 40, 0])
    }

    func testCol2imIsTheAdjoint() {
        for (k, s, p) in [(3, 1, 0), (5, 5, 0), (2, 2, 1), (4, 3, 2)] {
            let x = random([2, 3, 11], seed: 1)
            let cols = im2col1d(x, kernel: k, stride: s, padding: p)
            let c = random(cols.shape, seed: 2)
            let back = col2im1d(c, channels: 3, length: 11, kernel: k, stride: s, padding: p)
            let lhs = zip(cols.scalars, c.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            let rhs = zip(x.scalars, back.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            XCTAssertEqual(lhs, rhs, accuracy: 1e-4, "K \(k) stride \(s) padding \(p)")
        }
    }

    func testConvolutionThroughGEMMMatchesDirectLoops() {
        let (n, cin, len, cout, k, s, p) = (2, 3, 13, 4, 5, 2, 1)
        let x = random([n, cin, len], seed: 3), w = random([cout, cin, k], seed: 4)
        let cols = im2col1d(x, kernel: k, stride: s, padding: p)
        let y = matmul(w.reshaped([cout, cin * k]), cols)
        let lout = conv1dOutputLength(length: len, kernel: k, stride: s, padding: p)
        XCTAssertEqual(y.shape, [n, cout, lout])
        var expected = [Float]()
        for b in 0..<n { for o in 0..<cout { for l in 0..<lout {
            var acc = 0.0
            for c in 0..<cin { for j in 0..<k {
                let t = l * s - p + j
                if t >= 0 && t < len { acc += Double(w[o, c, j]) * Double(x[b, c, t]) }
            } }
            expected.append(Float(acc))
        } } }
        assertClose(y.scalars, expected, abs: 1e-5, rel: 1e-5)
    }
}
