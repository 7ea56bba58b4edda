// Log — y = ln x.  ∂y/∂x = 1/x.

import TensorCore

/// y = log(x) (natural).
public func log(_ x: Variable) -> Variable {
    let xv = x.value
    return record(.log, xv.log(), inputs: [x]) { g in [g / xv] }
}
