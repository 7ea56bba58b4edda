// GradMode — whether ops record the graph. `noGrad { … }` turns recording off for evaluation,
// so no backward closures (and no references to intermediate tensors) are kept.
//
// The flag is process-wide, not per thread: the model code is single-threaded at this level
// (parallelism lives inside the kernels).

/// Global switch for graph recording.
public enum GradMode {
    nonisolated(unsafe) static var enabled = true
    nonisolated(unsafe) static var counter = 0

    /// Whether ops currently record nodes.
    public static var isEnabled: Bool { enabled }

    static func nextSequence() -> Int { counter += 1; return counter }
}

/// Runs `body` with graph recording off (evaluation, embedding extraction, optimiser steps).
///
///     let z = noGrad { model.embed(x) }
@discardableResult
public func noGrad<R>(_ body: () throws -> R) rethrows -> R {
    let previous = GradMode.enabled
    GradMode.enabled = false
    defer { GradMode.enabled = previous }
    return try body()
}
