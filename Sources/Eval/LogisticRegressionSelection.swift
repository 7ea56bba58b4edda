// LogisticRegressionSelection — choosing the L2 strength of a linear probe on a validation split.
//
// For each C of the grid (ascending; each fit warm-starts from the previous C's solution) the
// model is fitted on the standardised training rows and scored on the validation rows:
//   - binary and multi-label: validation AUROC of each label; each label keeps the C with the
//     highest AUROC (the labels' models are independent, so this also maximises the macro AUROC);
//   - multiclass (softmax): validation accuracy of the argmax.
// Ties go to the smaller C (stronger regularisation). The returned model is the training fit
// at the chosen C(s); nothing is refitted on train + validation.
//
// Deliberately not here: cross-validation, refitting on the union of splits, the metrics.

/// A probe chosen on validation data.
public struct ProbeSelection: Sendable {
    /// The training fit at the chosen C (per label for multi-label).
    public let model: LogisticModel
    /// The grid, ascending.
    public let cGrid: [Double]
    /// validationScores[g][k]: metric of output k (or of the whole model, k = 0, for multiclass) at cGrid[g].
    public let validationScores: [[Double]]
    /// The chosen C per output: [K] (one value for multiclass).
    public var chosenC: [Double] { model.c }
}

extension LogisticRegression {
    /// 10⁻⁴ … 10³, one value per decade.
    public static let defaultCGrid: [Double] = [1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100, 1000]

    /// Binary probe: C chosen by validation AUROC. labels in {0, 1}.
    public func fitBinaryWithValidation(train: FeatureMatrix, trainLabels: [Int], validation: FeatureMatrix,
                                        validationLabels: [Int], cGrid: [Double] = defaultCGrid) throws -> ProbeSelection {
        try fitMultiLabelWithValidation(train: train, trainLabels: trainLabels.map { [$0] }, validation: validation,
                                        validationLabels: validationLabels.map { [$0] }, cGrid: cGrid)
    }

    /// Multi-label probe: one binary model per label, each label's C chosen by its validation AUROC.
    /// train: [N, D], trainLabels: [N, L]; validation: [M, D], validationLabels: [M, L].
    public func fitMultiLabelWithValidation(train: FeatureMatrix, trainLabels: [[Int]], validation: FeatureMatrix,
                                            validationLabels: [[Int]], cGrid: [Double] = defaultCGrid) throws -> ProbeSelection {
        let grid = try checkedGrid(cGrid)
        let targets = try multiLabelTargets(trainLabels, rows: train.rows)
        _ = try multiLabelTargets(validationLabels, rows: validation.rows)
        let l = trainLabels[0].count
        guard validationLabels[0].count == l else {
            throw ProbeError.shape(field: "validationLabels[0]", expected: "\(l) labels", got: "\(validationLabels[0].count)")
        }
        let (scaler, fits, scores) = try sweep(train, targets: targets, outputs: l, link: .sigmoid, grid: grid) { model in
            let p = try model.decisionFunction(validation)
            return try (0..<l).map { k in
                try auroc(labels: validationLabels.map { $0[k] }, scores: (0..<validation.rows).map { p[$0 * l + k] })
            }
        }
        // Per label: the first (smallest) C with the highest validation AUROC.
        let d = train.columns
        var weights = [Double](), intercepts = [Double](), chosen = [Double]()
        for k in 0..<l {
            guard let best = bestIndex(scores.map { $0[k] }) else {
                throw ProbeError.invalidParameter(name: "validationLabels (label \(k))", value: "one class only",
                                                  reason: "validation AUROC is undefined for every C")
            }
            weights += fits[best].weights[(k * d)..<((k + 1) * d)]
            intercepts.append(fits[best].intercepts[k])
            chosen.append(grid[best])
        }
        let model = LogisticModel(link: .sigmoid, outputs: l, weights: weights, intercepts: intercepts, standardizer: scaler,
                                  c: chosen, iterations: fits.map(\.iterations).reduce(0, +),
                                  converged: fits.allSatisfy(\.converged))
        return ProbeSelection(model: model, cGrid: grid, validationScores: scores)
    }

    /// Multiclass probe (softmax): C chosen by validation accuracy. labels in 0..<classes.
    public func fitMultinomialWithValidation(train: FeatureMatrix, trainLabels: [Int], validation: FeatureMatrix,
                                             validationLabels: [Int], classes: Int,
                                             cGrid: [Double] = defaultCGrid) throws -> ProbeSelection {
        let grid = try checkedGrid(cGrid)
        let targets = try multinomialTargets(trainLabels, classes: classes, rows: train.rows)
        _ = try multinomialTargets(validationLabels, classes: classes, rows: validation.rows)
        let (_, fits, scores) = try sweep(train, targets: targets, outputs: classes, link: .softmax, grid: grid) { model in
            let s = try model.decisionFunction(validation)
            let rows = (0..<validation.rows).map { Array(s[($0 * classes)..<(($0 + 1) * classes)]) }
            return [try ConfusionMatrix(labels: validationLabels, scores: rows).accuracy]
        }
        let best = bestIndex(scores.map { $0[0] }) ?? 0
        return ProbeSelection(model: fits[best], cGrid: grid, validationScores: scores)
    }

    /// Fits every C of the ascending grid on the standardised training rows, each warm-started
    /// from the previous one, and scores each fit. Returns (scaler, fits, scores per C).
    private func sweep(_ train: FeatureMatrix, targets: [Double], outputs k: Int, link: LogisticModel.Link, grid: [Double],
                       score: (LogisticModel) throws -> [Double]) throws -> (Standardizer, [LogisticModel], [[Double]]) {
        let scaler = standardize ? Standardizer(fitting: train) : Standardizer(identity: train.columns)
        let z = try scaler.apply(train)
        let basis = reduceRowSpace ? RowSpaceBasis(z) : nil     // once for the whole grid
        var fits: [LogisticModel] = [], scores: [[Double]] = []
        var warm: [Double]? = nil
        for c in grid {
            var settings = self
            settings.c = c
            let model = try settings.fit(z, scaler: scaler, targets: targets, outputs: k, link: link, warmStart: warm, basis: basis)
            warm = model.weights + model.intercepts
            scores.append(try score(model))
            fits.append(model)
            EvaluationProgress.fitDone()
        }
        return (scaler, fits, scores)
    }

    private func checkedGrid(_ grid: [Double]) throws -> [Double] {
        guard !grid.isEmpty else { throw ProbeError.invalidParameter(name: "cGrid", value: "[]", reason: "is empty") }
        for c in grid where !(c > 0 && c.isFinite) {
            throw ProbeError.invalidParameter(name: "cGrid", value: "\(c)", reason: "every C must be positive and finite")
        }
        return grid.sorted()
    }
}

/// Index of the first maximum, ignoring NaN; nil if all are NaN.
func bestIndex(_ values: [Double]) -> Int? {
    var best: Int? = nil
    for (i, v) in values.enumerated() where !v.isNaN {
        if best == nil || v > values[best!] { best = i }
    }
    return best
}
