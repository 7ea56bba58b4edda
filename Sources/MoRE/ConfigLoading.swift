// ConfigLoading — builds a MoREConfig from a name ("tiny", "paper") or a JSON file.
//
// A JSON file names its base with "base": "tiny" (default "tiny") and overrides any subset of
// fields, nested objects included: {"base": "tiny", "optim": {"epochs": 3}}. Every key is
// checked against the base: an unknown key, a value of the wrong type, or a value out of its
// range (ConfigValidation.swift) is a ConfigError that names the file and the dotted key path.
// A key the base leaves unset (the paper's optim.gradClip, nil) may be set all the same.

import Datasets
import Foundation

/// A configuration problem a user can cause.
public enum ConfigError: Error, CustomStringConvertible, Equatable {
    case unknownName(String, known: [String])
    case unreadable(file: String, reason: String)
    case isDirectory(String)
    case unknownKey(file: String, key: String)
    case badValue(file: String, key: String, reason: String)

    public var description: String {
        switch self {
        case .unknownName(let n, let known):
            return "unknown config '\(n)': use one of \(known.sorted().joined(separator: ", ")) or a path to a .json file"
        case .unreadable(let f, let r): return "\(f): cannot read config: \(r)"
        case .isDirectory(let f): return "\(f): is a directory, expected a JSON config file"
        case .unknownKey(let f, let k): return "\(f): unknown config key '\(k)'"
        case .badValue(let f, let k, let r): return "\(f): bad value for config key '\(k)': \(r)"
        }
    }
}

extension MoREConfig {
    /// Resolves `nameOrPath`: a built-in name, or a JSON file of overrides.
    public static func load(_ nameOrPath: String) throws -> MoREConfig {
        if let c = builtIn[nameOrPath] { return c }
        guard nameOrPath.hasSuffix(".json") || FileManager.default.fileExists(atPath: nameOrPath) else {
            throw ConfigError.unknownName(nameOrPath, known: Array(builtIn.keys))
        }
        if isFolder(URL(fileURLWithPath: nameOrPath)) { throw ConfigError.isDirectory(nameOrPath) }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: nameOrPath)) }
        catch { throw ConfigError.unreadable(file: nameOrPath, reason: error.localizedDescription) }
        return try fromJSON(data, file: nameOrPath)
    }

    /// Parses JSON overrides on top of their base config.
    public static func fromJSON(_ data: Data, file: String) throws -> MoREConfig {
        var overrides = try jsonObject(data, file: file)
        let baseName = overrides.removeValue(forKey: "base") ?? "tiny"
        guard let name = baseName as? String, let base = builtIn[name] else {
            let known = builtIn.keys.sorted().map { "\"\($0)\"" }.joined(separator: " or ")
            throw ConfigError.badValue(file: file, key: "base", reason: "must be \(known), got \(baseName is String ? "\"\(baseName)\"" : "\(baseName)")")
        }
        let baseData = try JSONEncoder().encode(base)
        var merged = try JSONSerialization.jsonObject(with: baseData) as! [String: Any]
        try merge(overrides, into: &merged, base: base, file: file, prefix: "")
        if overrides["name"] == nil { merged["name"] = (file as NSString).lastPathComponent.replacingOccurrences(of: ".json", with: "") }
        var config: MoREConfig
        do {
            let out = try JSONSerialization.data(withJSONObject: merged)
            config = try JSONDecoder().decode(MoREConfig.self, from: out)
        } catch let e as DecodingError {
            // The values' kinds were checked in `merge`; what is left (an unknown enum name) has a path.
            throw ConfigError.badValue(file: file, key: e.keyPath, reason: e.reason)
        }
        // "positions": "learned" is the default spelled out: store it as the default (nil), so
        // that the config, its hash and the runs it keys are the same either way.
        if config.xray.positions == .learned { config.xray.positions = nil }
        if config.ecg.positions == .learned { config.ecg.positions = nil }
        try config.validate(file: file)   // ConfigValidation.swift: every value in its range
        return config
    }

    /// The file's top-level JSON object. A number JSON cannot hold in 64 bits (1e400) stops the
    /// parser without a key; it is swapped for a marker string and the key holding it named.
    private static func jsonObject(_ data: Data, file: String) throws -> [String: Any] {
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed) } catch {
            let reason = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? error.localizedDescription
            if let r = reason.range(of: #"(?<=Number )\S+(?= is not representable)"#, options: .regularExpression),
               let text = String(data: data, encoding: .utf8) {
                let number = String(reason[r])
                let marker = "⟨\(number)⟩"
                let marked = text.replacingOccurrences(of: #"([:\[,]\s*)"# + NSRegularExpression.escapedPattern(for: number),
                                                       with: "$1\"\(marker)\"", options: .regularExpression)
                if let obj = try? JSONSerialization.jsonObject(with: Data(marked.utf8)), let key = keyPath(of: marker, in: obj) {
                    throw ConfigError.badValue(file: file, key: key, reason: "\(number) is out of range for a 64-bit number")
                }
            }
            throw ConfigError.unreadable(file: file, reason: "not valid JSON: \(reason)")
        }
        guard let object = parsed as? [String: Any] else {
            throw ConfigError.unreadable(file: file, reason: "not a JSON object (found \(parsed is [Any] ? "an array" : "a single value"))")
        }
        return object
    }

    /// The dotted key path at which `marker` occurs in a parsed JSON object, if any.
    private static func keyPath(of marker: String, in value: Any, prefix: String = "") -> String? {
        if value as? String == marker { return prefix }
        guard let object = value as? [String: Any] else { return nil }
        for (k, v) in object {
            if let p = keyPath(of: marker, in: v, prefix: prefix.isEmpty ? k : prefix + "." + k) { return p }
        }
        return nil
    }

    /// Copies `src` into `dst` key by key. Every key must be a field of `base` (the config or
    /// one of its groups, ConfigFieldTypes.swift), groups must be objects, and a value must be
    /// of its field's kind.
    private static func merge(_ src: [String: Any], into dst: inout [String: Any], base: Any, file: String, prefix: String) throws {
        let fields = ConfigField.fields(of: base)
        for (k, v) in src {
            let path = prefix.isEmpty ? k : prefix + "." + k
            guard let field = fields.first(where: { $0.name == k }) else { throw ConfigError.unknownKey(file: file, key: path) }
            if field.isGroup {
                guard let sub = v as? [String: Any] else {
                    throw ConfigError.badValue(file: file, key: path, reason: "expected an object of keys, found \(v)")
                }
                var group = dst[k] as? [String: Any] ?? [:]
                try merge(sub, into: &group, base: field.value, file: file, prefix: path)
                dst[k] = group
            } else {
                if let why = field.mismatch(v) { throw ConfigError.badValue(file: file, key: path, reason: why) }
                dst[k] = v
            }
        }
    }

    /// The config as pretty, key-sorted JSON (for checkpoints and provenance blocks).
    public func json() -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: (try? enc.encode(self)) ?? Data(), as: UTF8.self)
    }

    /// The config's JSON (as checkpoints store it) as dotted keys → JSON text of each leaf value
    /// (`"optim.learningRate": "0.001"`, `"xray.positions": "\"sincos\""`); a key left unset
    /// (nil) is absent.
    public var flatValues: [String: String] {
        var out: [String: String] = [:]
        func walk(_ v: Any, _ key: String) {
            if let d = v as? [String: Any] {
                for (k, x) in d { walk(x, key.isEmpty ? k : key + "." + k) }
            } else if let data = try? JSONSerialization.data(withJSONObject: v, options: [.fragmentsAllowed, .sortedKeys, .withoutEscapingSlashes]) {
                out[key] = String(decoding: data, as: UTF8.self)
            }
        }
        if let object = try? JSONSerialization.jsonObject(with: Data(json().utf8)) { walk(object, "") }
        return out
    }

    /// The keys whose values differ from `other`'s, sorted, each as "key: mine vs theirs"
    /// ("unset" for an absent key), at most `limit` of them and a count of the rest.
    public func differences(from other: MoREConfig, mine: String, theirs: String, limit: Int = 5) -> String {
        let a = flatValues, b = other.flatValues
        let keys = Set(a.keys).union(b.keys).filter { a[$0] != b[$0] }.sorted()
        return keys.prefix(limit).map { "\($0): \(a[$0] ?? "unset") \(mine), \(b[$0] ?? "unset") \(theirs)" }.joined(separator: "; ")
            + (keys.count > limit ? "; and \(keys.count - limit) more keys" : "")
    }

    /// A short stable hash of the config (FNV-1a of its sorted JSON, 16 hex digits), for cache keys.
    public var hash: String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in json().utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return hex16(h)
    }
}

extension DecodingError {
    /// The dotted key path the error is about ("" for the top level).
    var keyPath: String {
        switch self {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .keyNotFound(_, let c), .dataCorrupted(let c):
            return c.codingPath.map(\.stringValue).joined(separator: ".")
        @unknown default: return ""
        }
    }

    /// The decoder's own explanation.
    var reason: String {
        switch self {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .keyNotFound(_, let c), .dataCorrupted(let c):
            return c.debugDescription
        @unknown default: return "\(self)"
        }
    }
}
