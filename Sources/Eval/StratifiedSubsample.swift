// StratifiedSubsample — seeded, stratified label fractions (1 %, 10 %, 100 %) for the linear
// probes.
//
// Rows are grouped into strata: the class for single-label data, the exact label combination
// for multi-label data. The target size m = round(fraction · N) (at least 1) is shared among the
// strata in proportion to their sizes by the largest-remainder method (ties to the earlier
// stratum in sorted key order), and each stratum contributes that many rows drawn by a seeded
// shuffle (`RNG(seed:, stream: RNG.stream("subsample", stratum))`). Then every class (every label
// with at least one positive) that ended up without a row gets one random row of its own, so the
// result can be slightly larger than m when the fraction is tiny. Indices are returned sorted.
//
// Deliberately not here: iterative stratification for multi-label data, splitting into folds.

import TensorCore

/// Seeded stratified subsample of single-label rows. labels: [N]; returns sorted row indices.
///
///     let onePercent = try stratifiedSubsample(labels: y, fraction: 0.01, seed: 42)
public func stratifiedSubsample(labels: [Int], fraction: Double, seed: UInt64) throws -> [Int] {
    try stratifiedSubsample(keys: labels.map { [$0] }, fraction: fraction, seed: seed) { key in key }
}

/// Seeded stratified subsample of multi-label rows (strata = label combinations).
/// labels: [N, L] in {0, 1}; every label with a positive keeps at least one positive row.
public func stratifiedSubsample(labels: [[Int]], fraction: Double, seed: UInt64) throws -> [Int] {
    try stratifiedSubsample(keys: labels, fraction: fraction, seed: seed) { key in
        key.indices.filter { key[$0] == 1 }
    }
}

/// keys: [N] stratum keys; `covered(key)` lists the classes a row of that key represents.
func stratifiedSubsample(keys: [[Int]], fraction: Double, seed: UInt64, covered: ([Int]) -> [Int]) throws -> [Int] {
    let n = keys.count
    guard n > 0 else { throw ProbeError.shape(field: "labels", expected: "at least 1 row", got: "0") }
    guard fraction > 0, fraction <= 1 else {
        throw ProbeError.invalidParameter(name: "fraction", value: "\(fraction)", reason: "must be in (0, 1]")
    }
    var strata: [[Int]: [Int]] = [:]
    for (i, k) in keys.enumerated() { strata[k, default: []].append(i) }
    let order = strata.keys.sorted { $0.lexicographicallyPrecedes($1) }
    let m = max(1, Int((fraction * Double(n)).rounded()))
    // Largest remainder allocation.
    let quotas = order.map { Double(strata[$0]!.count) * Double(m) / Double(n) }
    var take = quotas.map { Int($0.rounded(.down)) }
    let remainders = order.indices.sorted { (quotas[$0] - Double(take[$0])) > (quotas[$1] - Double(take[$1])) ||
        ((quotas[$0] - Double(take[$0])) == (quotas[$1] - Double(take[$1])) && $0 < $1) }
    var missing = m - take.reduce(0, +)
    for s in remainders where missing > 0 { take[s] += 1; missing -= 1 }
    var chosen = Set<Int>()
    var shuffled: [[Int]] = []
    for (s, key) in order.enumerated() {
        var rows = strata[key]!
        var rng = RNG(seed: seed, stream: RNG.stream("subsample", s))
        rng.shuffle(&rows)
        shuffled.append(rows)
        chosen.formUnion(rows.prefix(take[s]))
    }
    // Coverage: every class present in the data keeps at least one row.
    var present = Set<Int>(), have = Set<Int>()
    for k in order { present.formUnion(covered(k)) }
    for i in chosen { have.formUnion(covered(keys[i])) }
    for cls in present.sorted() where !have.contains(cls) {
        // The first shuffled row, in stratum order, that represents this class.
        if let s = order.indices.first(where: { covered(order[$0]).contains(cls) }), let row = shuffled[s].first {
            chosen.insert(row)
            have.formUnion(covered(keys[row]))
        }
    }
    return chosen.sorted()
}
