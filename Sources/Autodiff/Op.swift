// Op — the list of every differentiable op. Each case has one file in Ops/ with its forward
// and backward side by side, and one gradient check in Tests/AutodiffTests/; a test fails if
// a case has no check (GradCheckCoverageTests).

/// Every differentiable operation the engine records.
public enum Op: String, CaseIterable, Sendable {
    // Linear algebra
    case matmul, batchedMatmul
    // Broadcasting arithmetic
    case add, sub, mul, div, scale, addScalar
    // Reductions
    case sum, sumAxis, mean, meanAxis
    // Pointwise
    case exp, log, relu, gelu, tanh, sqrt
    // Normalised exponentials and losses
    case softmax, logSoftmax, crossEntropy
    // Normalisation
    case layerNorm, batchNormTrain, batchNormEval, l2Normalize
    // Regularisation and attention
    case dropout, attentionMask, scaledDotProductAttention
    // Indexing and layout
    case embedding, concat, slice, reshape, permute
    // Convolution
    case conv1d
}
