// ConfigLoading — builds a MoREConfig from a name ("tiny", "paper") or a JSON file.
//
// A JSON file names its base with "base": "tiny" (default "tiny") and overrides any subset of
// fields, nested objects included: {"base": "tiny", "optim": {"epochs": 3}}. Every key is
// checked against the base: an unknown key, a value of the wrong type, or a value out of its
// range (ConfigValidation.swift) is a ConfigError that names the file and the dotted key path.

import Foundation

/// A configuration problem a user can cause.
public enum ConfigError: Error, CustomStringConvertible, Equatable {
    case unknownName(String, known: [String])
    case unreadable(file: String, reason: String)
    case unknownKey(file: String, key: String)
    case badValue(file: String, key: String, reason: String)

    public var description: String {
        switch self {
        case .unknownName(let n, let known):
            return "unknown config '\(n)': use one of \(known.sorted().joined(separator: ", ")) or a path to a .json file"
        case .unreadable(let f, let r): return "\(f): cannot read config: \(r)"
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
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: nameOrPath)) }
        catch { throw ConfigError.unreadable(file: nameOrPath, reason: error.localizedDescription) }
        return try fromJSON(data, file: nameOrPath)
    }

    /// Parses JSON overrides on top of their base config.
    public static func fromJSON(_ data: Data, file: String) throws -> MoREConfig {
        guard let user = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ConfigError.unreadable(file: file, reason: "not a JSON object")
        }
        var overrides = user
        let baseName = (overrides.removeValue(forKey: "base") as? String) ?? "tiny"
        guard let base = builtIn[baseName] else {
            throw ConfigError.badValue(file: file, key: "base", reason: "unknown base '\(baseName)'")
        }
        let baseData = try JSONEncoder().encode(base)
        var merged = try JSONSerialization.jsonObject(with: baseData) as! [String: Any]
        try merge(overrides, into: &merged, file: file, prefix: "")
        if overrides["name"] == nil { merged["name"] = (file as NSString).lastPathComponent.replacingOccurrences(of: ".json", with: "") }
        let config: MoREConfig
        do {
            let out = try JSONSerialization.data(withJSONObject: merged)
            config = try JSONDecoder().decode(MoREConfig.self, from: out)
        } catch let DecodingError.typeMismatch(_, ctx), let DecodingError.dataCorrupted(ctx) {
            throw ConfigError.badValue(file: file, key: ctx.codingPath.map(\.stringValue).joined(separator: "."),
                                       reason: ctx.debugDescription)
        } catch {
            throw ConfigError.badValue(file: file, key: "?", reason: "\(error)")
        }
        try config.validate(file: file)   // ConfigValidation.swift: every value in its range
        return config
    }

    private static func merge(_ src: [String: Any], into dst: inout [String: Any], file: String, prefix: String) throws {
        for (k, v) in src {
            let path = prefix.isEmpty ? k : prefix + "." + k
            guard let existing = dst[k] else { throw ConfigError.unknownKey(file: file, key: path) }
            if let sub = v as? [String: Any] {
                guard var e = existing as? [String: Any] else {
                    throw ConfigError.badValue(file: file, key: path, reason: "expected a value, found an object")
                }
                try merge(sub, into: &e, file: file, prefix: path)
                dst[k] = e
            } else {
                if existing is [String: Any] {
                    throw ConfigError.badValue(file: file, key: path, reason: "expected an object")
                }
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

    /// A short stable hash of the config (FNV-1a of its sorted JSON), for cache keys.
    public var hash: String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in json().utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return String(h, radix: 16)
    }
}
