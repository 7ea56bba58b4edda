// Randomness — where dropout, LoRA dropout and DropKey get their random bits.
//
// Every stochastic layer draws from the counter RNG with seed = the run's seed and stream =
// hash(layer path, call index). The trainer sets `TrainingRandomness.step` to the index of the
// current micro-batch before each forward pass, so a resumed run regenerates exactly the same
// masks, and no mask depends on the thread count or on the order layers happen to run.

import TensorCore

/// Process-wide seed and step for stochastic layers.
public enum TrainingRandomness {
    nonisolated(unsafe) public static var seed: UInt64 = 0
    nonisolated(unsafe) public static var step: Int = 0

    /// The stream for the layer at `path` in the current step (`salt` separates several
    /// draws inside one layer).
    public static func stream(_ path: String, salt: Int = 0) -> UInt64 {
        RNG.stream(path + "#" + String(salt), step)
    }
}
