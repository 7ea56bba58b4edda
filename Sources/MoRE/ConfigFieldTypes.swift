// ConfigFieldTypes — which JSON value each config key takes, read off the Swift types of the
// base config's stored properties (Mirror), so that a JSON config with a value of the wrong
// kind gets a ConfigError naming the dotted key and what was expected.
//
// Needed because JSONDecoder reports a number that does not fit its field (-1 for the seed, a
// UInt64; 3.5 for the batch size, an Int; 10²⁰ for the epochs) as "The given data was not
// valid JSON" with no key at all. Enum values ("lora", "maskedMean", …) are checked here
// too (`ConfigChoice`): the decoder's own message ("Cannot initialize TextPooling from invalid
// String value …") names a Swift type, not the names the key takes. Not here: ranges
// (ConfigValidation.swift), loading and merging (ConfigLoading.swift).

import Foundation
import NN

/// One stored property of a config value: its name and its current value.
struct ConfigField {
    let name: String
    let value: Any

    /// The fields of a struct (`MoREConfig`, `OptimConfig`, …); empty for a leaf value.
    static func fields(of value: Any) -> [ConfigField] {
        let m = Mirror(reflecting: value)
        guard m.displayStyle == .struct else { return [] }
        return m.children.compactMap { c in c.label.map { ConfigField(name: $0, value: c.value) } }
    }

    /// True when the field is a nested group of keys (a JSON object such as "optim").
    var isGroup: Bool { Mirror(reflecting: value).displayStyle == .struct }

    /// Why the JSON value `v` (as `JSONSerialization` returns it) cannot be this field's value,
    /// or nil when it can.
    func mismatch(_ v: Any) -> String? {
        let t = type(of: value)
        if let names = (t as? any ConfigChoice.Type)?.choices {
            if v is NSNull && t is any OptionalConfigChoice.Type { return nil }
            guard let name = v as? String, names.contains(name) else {
                return "expected one of \(names.map { "\"\($0)\"" }.joined(separator: ", ")), found \(show(v))"
            }
            return nil
        }
        if t == Float?.self || t == Double?.self {
            return v is NSNull ? nil : numberMismatch(v, integral: false, minimum: nil, float: t == Float?.self)
        }
        if v is NSNull { return "expected \(kind), found null" }
        switch t {
        case is Int.Type: return numberMismatch(v, integral: true, minimum: Double(Int.min), float: false)
        case is UInt64.Type: return numberMismatch(v, integral: true, minimum: 0, float: false)
        case is Double.Type: return numberMismatch(v, integral: false, minimum: nil, float: false)
        case is Float.Type: return numberMismatch(v, integral: false, minimum: nil, float: true)
        case is Bool.Type: return isJSONBool(v) ? nil : "expected true or false, found \(show(v))"
        default: return v is String || !(value is String) ? nil : "expected a string, found \(show(v))"
        }
    }

    /// What the field takes, in words.
    var kind: String {
        switch type(of: value) {
        case is Int.Type: return "a whole number"
        case is UInt64.Type: return "a whole number ≥ 0"
        case is Double.Type, is Float.Type: return "a number"
        case is Bool.Type: return "true or false"
        default: return value is String ? "a string" : "a value"
        }
    }

    private func numberMismatch(_ v: Any, integral: Bool, minimum: Double?, float: Bool) -> String? {
        let words = integral ? kind : "a number"
        guard let n = v as? NSNumber, !isJSONBool(v) else { return "expected \(words), found \(show(v))" }
        let d = n.doubleValue
        if integral {
            // Integers beyond 2⁶³ arrive as NSDecimalNumber or Double; neither fits.
            let maximum = minimum == 0 ? Double(UInt64.max) : Double(Int.max)
            guard d.rounded() == d, d >= (minimum ?? -.infinity), d < maximum else {
                return "expected \(words), found \(show(v))"
            }
        } else if float && abs(d) > Double(Float.greatestFiniteMagnitude) {
            return "expected a number within ±\(Float.greatestFiniteMagnitude), found \(show(v))"
        }
        return nil
    }

    private func isJSONBool(_ v: Any) -> Bool {
        guard let n = v as? NSNumber else { return false }
        return type(of: n) == type(of: NSNumber(value: true))
    }

    private func show(_ v: Any) -> String {
        if isJSONBool(v) { return (v as! NSNumber).boolValue ? "true" : "false" }
        if v is String { return "the string \"\(v)\"" }
        if v is [Any] { return "an array" }
        if v is [String: Any] { return "an object" }
        return "\(v)"
    }
}

/// A config key that takes one of a fixed set of names (a `String`-backed enum).
protocol ConfigChoice { static var choices: [String] { get } }

extension ConfigChoice where Self: CaseIterable & RawRepresentable, RawValue == String {
    static var choices: [String] { allCases.map(\.rawValue) }
}

/// An optional choice (`"positions"` of a tower): null is allowed too.
protocol OptionalConfigChoice {}
extension Optional: ConfigChoice where Wrapped: ConfigChoice { static var choices: [String] { Wrapped.choices } }
extension Optional: OptionalConfigChoice where Wrapped: ConfigChoice {}

extension XrayNormalization: ConfigChoice {}
extension TextTuning: ConfigChoice {}
extension PositionEmbedding: ConfigChoice {}
extension TextPooling: ConfigChoice {}
extension TextEncoderConfig.Family: ConfigChoice {}
