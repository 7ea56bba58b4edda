// NaNPropagationTests — no op swallows a NaN: planted in an input element, it must reach every
// output element that depends on that element, as in PyTorch (where NaN propagates through
// arithmetic, reductions, normalisation, softmax and ReLU alike). A NaN turned into an ordinary
// number would hide a fault from the trainer, which stops on a non-finite loss; our ReLU did
// exactly that until 1 Dec 2026.
//
// The cases are those of the gradient-check table (GradCheckTests.swift), so every op is covered.
// "Depends on" is found by perturbation: output elements that change when the input element is
// moved (by +0.37 or to 2.9) depend on it. Elements that do not (a dropped position, a masked
// key, a ReLU input below 0) are not required to be NaN.

import XCTest
import TensorCore
@testable import Autodiff

final class NaNPropagationTests: XCTestCase {
    /// Output of case `c` with input `j`'s flat element `k` set by `edit` (nil: unchanged).
    func output(_ c: GradCase, input j: Int, element k: Int, _ edit: ((Float) -> Float)?) -> [Float] {
        let xs = c.inputs()
        if let edit { xs[j].value.pointer[k] = edit(xs[j].value.pointer[k]) }
        return c.f(xs).value.scalars
    }

    func testEveryOpPropagatesNaN() {
        var probes = 0
        for op in Op.allCases {
            for c in GradCheckCases.all[op] ?? [] {
                let shapes = c.inputs().map(\.value.count)
                for (j, count) in shapes.enumerated() where count > 0 {
                    for k in Set([0, count - 1]) {
                        let clean = output(c, input: j, element: k, nil)
                        let moved = [output(c, input: j, element: k) { $0 + 0.37 }, output(c, input: j, element: k) { _ in 2.9 }]
                        let poisoned = output(c, input: j, element: k) { _ in .nan }
                        let dependent = clean.indices.filter { i in moved.contains { $0[i] != clean[i] } }
                        let swallowed = dependent.filter { !poisoned[$0].isNaN }
                        XCTAssertEqual(swallowed, [], "\(op.rawValue) — \(c.name): a NaN in input \(j) element \(k) did not reach outputs \(swallowed) that depend on it (values \(swallowed.prefix(3).map { poisoned[$0] }))")
                        probes += 1
                    }
                }
            }
        }
        XCTAssertGreaterThan(probes, 100)
    }
}
