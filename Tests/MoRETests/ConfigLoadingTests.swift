import XCTest
import Foundation
import MoRE

/// A JSON config whose value is of the wrong kind names the file, the dotted key and what the
/// key takes — before, JSONDecoder's "The given data was not valid JSON" came with the key ''
/// (for numbers that do not fit their field), a null gave key '?' and a raw DecodingError, and
/// a non-string base silently meant `tiny`.
final class ConfigLoadingTests: XCTestCase {
    /// Each config file, the key its error must name and a part of the reason.
    static let wrongKind: [(json: String, key: String, reason: String)] = [
        (#"{"optim": {"seed": -1}}"#, "optim.seed", "expected a whole number ≥ 0, found -1"),
        (#"{"optim": {"batchSize": 3.5}}"#, "optim.batchSize", "expected a whole number, found 3.5"),
        (#"{"optim": {"epochs": 99999999999999999999}}"#, "optim.epochs", "expected a whole number"),
        (#"{"optim": {"epochs": null}}"#, "optim.epochs", "expected a whole number, found null"),
        (#"{"optim": {"learningRate": 1e400}}"#, "optim.learningRate", "1e400 is out of range"),
        (#"{"optim": {"weightDecay": 1e300}}"#, "optim.weightDecay", "expected a number within"),
        (#"{"optim": {"learningRate": "fast"}}"#, "optim.learningRate", "expected a number, found the string \"fast\""),
        (#"{"useXray": 1}"#, "useXray", "expected true or false, found 1"),
        (#"{"xrayPatch": true}"#, "xrayPatch", "expected a whole number, found true"),
        (#"{"textModel": 3}"#, "textModel", "expected a string, found 3"),
        (#"{"optim": 5}"#, "optim", "expected an object of keys"),
        (#"{"textTuning": "half"}"#, "textTuning", #"expected one of "lora", "frozen", "full", found the string "half""#),
        (#"{"textPooling": "mean"}"#, "textPooling", #"expected one of "maskedMean", "paddedMean", found the string "mean""#),
        (#"{"xray": {"positions": "sin"}}"#, "xray.positions", #"expected one of "learned", "sincos", found the string "sin""#),
        (#"{"xrayNormalization": 1}"#, "xrayNormalization", "expected one of"),
        (#"{"textPooling": null}"#, "textPooling", "expected one of"),
        (#"{"base": 5}"#, "base", #"must be "paper" or "tiny", got 5"#),
        (#"{"base": "huge"}"#, "base", #"must be "paper" or "tiny", got "huge""#),
    ]

    func testAValueOfTheWrongKindNamesTheKeyAndWhatItTakes() {
        for (json, key, reason) in Self.wrongKind { assertBadValue(json, key: key, reason: reason) }
    }

    func testTextThatIsNotAJSONObjectSaysSo() {
        for (json, reason) in [("[1, 2]", "not a JSON object (found an array)"), (#"{"optim": "#, "not valid JSON"), ("7", "not a JSON object")] {
            XCTAssertThrowsError(try MoREConfig.fromJSON(Data(json.utf8), file: "c.json"), json) { e in
                guard case ConfigError.unreadable(let f, let r) = e else { return XCTFail("\(json): \(e)") }
                XCTAssertEqual(f, "c.json")
                XCTAssertTrue(r.contains(reason), "\(json): \(r)")
            }
        }
    }

    /// A folder given as --config says so, instead of Foundation's "(NSCocoaErrorDomain error 256.)".
    func testAFolderIsNotAConfigFile() throws {
        let dir = FileManager.default.temporaryDirectory.path
        XCTAssertThrowsError(try MoREConfig.load(dir)) { e in
            XCTAssertEqual(e as? ConfigError, .isDirectory(dir))
            XCTAssertEqual("\(e)", "\(dir): is a directory, expected a JSON config file")
        }
    }

    /// A key the base leaves nil (the paper's gradient clipping) can be set, and null unsets it.
    func testAnOptionalKeyCanBeSetOnEitherBase() throws {
        XCTAssertEqual(try MoREConfig.fromJSON(Data(#"{"base": "paper", "optim": {"gradClip": 2}}"#.utf8), file: "c.json").optim.gradClip, 2)
        XCTAssertNil(try MoREConfig.fromJSON(Data(#"{"optim": {"gradClip": null}}"#.utf8), file: "c.json").optim.gradClip)
    }

    /// A paper checkpoint stores no gradClip (JSONEncoder leaves nil out); read back, it must
    /// stay nil rather than take `tiny`'s 1.0, or the run's config hash changes.
    func testACheckpointWithoutGradClipKeepsItNil() throws {
        let json = String(decoding: try JSONEncoder().encode(MoREConfig.paper), as: UTF8.self)
        XCTAssertFalse(json.contains("gradClip"))
        XCTAssertEqual(try MoREConfig.fromCheckpointJSON(json, file: "paper.safetensors"), MoREConfig.paper)
    }

    /// Position embeddings are a per-tower option. Left out (or "learned", the default spelled
    /// out) the config is `tiny` itself: same JSON, same hash, so the same runs and tables.
    func testPositionsOptionKeepsTheDefaultConfigsHash() throws {
        XCTAssertFalse(MoREConfig.tiny.json().contains("positions"))
        let spelled = try MoREConfig.fromJSON(Data(#"{"name": "tiny", "xray": {"positions": "learned"}, "ecg": {"positions": "learned"}}"#.utf8),
                                              file: "tiny.json")
        XCTAssertEqual(spelled, MoREConfig.tiny)
        XCTAssertEqual(spelled.hash, MoREConfig.tiny.hash)
        let sincos = try MoREConfig.fromJSON(Data(#"{"xray": {"positions": "sincos"}}"#.utf8), file: "sincos.json")
        XCTAssertEqual(sincos.xray.positions, .sincos)
        XCTAssertNil(sincos.ecg.positions)
        XCTAssertNotEqual(sincos.hash, MoREConfig.tiny.hash)
        XCTAssertEqual(try MoREConfig.fromCheckpointJSON(sincos.json(), file: "ck"), sincos)
    }
}
