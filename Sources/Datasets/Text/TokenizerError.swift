// TokenizerError — what can go wrong when loading a tokenizer's files or encoding with it.
//
// Every case names the file (and where it helps the 1-based line and the field) so a user who
// points the suite at a wrong or damaged vocabulary learns which file to fix. Deliberately
// tokenizer-specific: the dataset-wide `DataError` covers HDF5/safetensors/CSV; a tokenizer
// error is thrown only by the types in `Sources/Datasets/Text/`.

import Foundation

/// A typed error from loading or using a text tokenizer.
public enum TokenizerError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The vocabulary or merges file does not exist.
    case missingFile(file: String)
    /// The file exists but is not what it should be. `line` is 1-based when known.
    case malformed(file: String, line: Int?, field: String, reason: String)
    /// The same token appears twice (ids would be ambiguous).
    case duplicateToken(file: String, token: String, firstLine: Int, line: Int)
    /// A special token the tokenizer needs (`[UNK]`, `[CLS]`, `<s>`, …) is not in the vocabulary.
    case missingSpecialToken(file: String, token: String)
    /// `maxLength` cannot even hold the special tokens the template adds.
    case maxLengthTooSmall(maxLength: Int, specialTokens: Int)
    /// A batch of sentence pairs whose two lists differ in length.
    case batchMismatch(first: Int, second: Int)

    public var description: String {
        switch self {
        case let .missingFile(file):
            return "\(file): file not found"
        case let .malformed(file, line, field, reason):
            let at = line.map { ":\($0)" } ?? ""
            return "\(file)\(at): malformed \(field): \(reason)"
        case let .duplicateToken(file, token, firstLine, line):
            return "\(file):\(line): token \(token.debugDescription) already defined on line \(firstLine)"
        case let .missingSpecialToken(file, token):
            return "\(file): special token \(token) is missing from the vocabulary"
        case let .maxLengthTooSmall(maxLength, specialTokens):
            return "maxLength \(maxLength) is smaller than the \(specialTokens) special tokens the template adds"
        case let .batchMismatch(first, second):
            return "sentence-pair batch: \(first) first sentences but \(second) second sentences"
        }
    }
}

/// Reads a whole tokenizer file as UTF-8, mapping I/O failures to `TokenizerError`.
func readTokenizerFile(_ url: URL) throws -> String {
    guard FileManager.default.fileExists(atPath: url.path) else {
        throw TokenizerError.missingFile(file: url.path)
    }
    let data: Data
    do { data = try Data(contentsOf: url) } catch {
        throw TokenizerError.malformed(file: url.path, line: nil, field: "contents",
                                       reason: "unreadable (\(error.localizedDescription))")
    }
    guard let text = String(data: data, encoding: .utf8) else {
        throw TokenizerError.malformed(file: url.path, line: nil, field: "encoding", reason: "not valid UTF-8")
    }
    return text
}
