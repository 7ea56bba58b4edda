// Options a command accepts but the chosen job does not read — `more table table-params
// --data DIR`, `more figure figure-cohort --checkpoint FILE`, `more data convert chexpert
// --rate 500` — are usage errors naming them and saying why, never silently ignored: a user who
// passes them expects them to change something.

import ArgumentParser

/// "a", "a and b", "a, b and c".
func englishList(_ items: [String]) -> String {
    items.count <= 1 ? items.joined() : items.dropLast().joined(separator: ", ") + " and " + items.last!
}

/// The names of `options` that were given, in order: each option with whether the command line
/// set it.
///
///     optionsGiven([("--data", data != nil), ("--seed", seed != nil)])   // ["--data"] without --seed
func optionsGiven(_ options: [(name: String, given: Bool)]) -> [String] { options.filter(\.given).map(\.name) }

/// Throws the usage error "JOB does not use --a and --b: REASON" when `given` (the options that
/// were given) is not empty.
func refuseUnusedOptions(_ given: [String], job: String, reason: String) throws {
    guard !given.isEmpty else { return }
    throw ValidationError("\(job) does not use \(englishList(given)): \(reason)")
}
