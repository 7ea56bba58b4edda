// Conv1dTests — forward against direct loops (stride, padding, bias) and the ECG-stem shapes;
// gradients in GradCheckTests.

import XCTest
import TensorCore
import TestSupport
@testable import Autodiff

final class Conv1dTests: XCTestCase {
    func direct(_ x: Tensor, _ w: Tensor, _ b: Tensor?, stride s: Int, padding p: Int) -> [Float] {
        let (n, cin, len) = (x.shape[0], x.shape[1], x.shape[2]), (cout, k) = (w.shape[0], w.shape[2])
        let lout = (len + 2 * p - k) / s + 1
        var out = [Float]()
        for i in 0..<n { for o in 0..<cout { for l in 0..<lout {
            var acc = Double(b?[o] ?? 0)
            for c in 0..<cin { for j in 0..<k {
                let t = l * s - p + j
                if t >= 0 && t < len { acc += Double(w[o, c, j]) * Double(x[i, c, t]) }
            } }
            out.append(Float(acc))
        } } }
        return out
    }

    func testMatchesDirectLoops() {
        for (s, p, withBias) in [(1, 0, true), (2, 1, false), (5, 0, true), (3, 2, true)] {
            let x = randomVariable([2, 3, 17], seed: 1), w = randomVariable([4, 3, 5], seed: 2)
            let b = withBias ? randomVariable([4], seed: 3) : nil
            let y = conv1d(x, weight: w, bias: b, stride: s, padding: p)
            XCTAssertEqual(y.shape, [2, 4, (17 + 2 * p - 5) / s + 1])
            assertClose(y.value.scalars, direct(x.value, w.value, b?.value, stride: s, padding: p), abs: 1e-5, rel: 1e-5,
                        "stride \(s) padding \(p)")
        }
    }

    func testECGStemShapes() {
        let x = randomVariable([1, 12, 1000], seed: 4, requiresGrad: false)
        let h = conv1d(x, weight: randomVariable([8, 12, 5], seed: 5), bias: randomVariable([8], seed: 6), stride: 5)
        XCTAssertEqual(h.shape, [1, 8, 200])
        let h2 = conv1d(h, weight: randomVariable([6, 8, 5], seed: 7), stride: 1)
        XCTAssertEqual(h2.shape, [1, 6, 196])
    }
}
