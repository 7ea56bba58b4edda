// Scale — y = α·x and y = x + c for a constant (non-differentiated) scalar.
//   scale:      ∂y/∂x = α
//   addScalar:  ∂y/∂x = 1

import TensorCore

/// y = α·x.
public func * (alpha: Float, x: Variable) -> Variable {
    record(.scale, x.value.scaled(by: alpha), inputs: [x]) { g in [g.scaled(by: alpha)] }
}

/// y = x + c.
public func + (x: Variable, c: Float) -> Variable {
    record(.addScalar, x.value.adding(c), inputs: [x]) { g in [g] }
}

/// y = −x.
public prefix func - (x: Variable) -> Variable { -1 * x }
