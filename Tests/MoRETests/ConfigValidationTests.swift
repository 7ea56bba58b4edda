import XCTest
import Foundation
import MoRE

/// A config value out of its range is a ConfigError naming the file and the key — before these
/// checks, a loss with no active pair stopped `more pretrain` on a precondition (a crash), and
/// a width the heads do not divide, an ECG shorter than the conv stem or a zero patch did too.
final class ConfigValidationTests: XCTestCase {
    func testBuiltInConfigsAreValid() throws {
        try MoREConfig.tiny.validate(file: "tiny")
        try MoREConfig.paper.validate(file: "paper")
        // …and the ablation rows derived from them.
        for base in [MoREConfig.tiny, MoREConfig.paper] {
            for c in [base.withModalities(xray: false, ecg: true), base.withModalities(xray: true, ecg: false)] {
                try c.validate(file: c.name)
            }
        }
    }

    /// Each override on top of `tiny`, and the key the error must name.
    static let bad: [(json: String, key: String)] = [
        (#"{"useXray": false, "useECG": false}"#, "useXray"),
        (#"{"loss": {"textXray": false, "textECG": false}}"#, "loss"),
        (#"{"useECG": false, "loss": {"textXray": false}}"#, "loss"),
        (#"{"xray": {"heads": 3}}"#, "xray.heads"),
        (#"{"ecg": {"depth": 0}}"#, "ecg.depth"),
        (#"{"xrayPatch": 0}"#, "xrayPatch"),
        (#"{"xrayPatch": 65}"#, "xrayPatch"),
        (#"{"xrayStd": 0}"#, "xrayStd"),
        (#"{"ecgLength": 24}"#, "ecgLength"),
        (#"{"dropKey": {"kind": "cubic"}}"#, "dropKey.kind"),
        (#"{"dropKey": {"from": 1.0}}"#, "dropKey.from"),
        (#"{"text": {"heads": 5}}"#, "text.heads"),
        (#"{"textMaxLength": 513}"#, "textMaxLength"),
        (#"{"textMaxLength": 2}"#, "textMaxLength"),
        (#"{"loraRank": 0}"#, "loraRank"),
        (#"{"loraDropout": 1.5}"#, "loraDropout"),
        (#"{"projectionDim": 0}"#, "projectionDim"),
        (#"{"loss": {"temperature": 0}}"#, "loss.temperature"),
        (#"{"optim": {"learningRate": -0.001}}"#, "optim.learningRate"),
        (#"{"optim": {"batchSize": 1}}"#, "optim.batchSize"),
        (#"{"optim": {"accumulation": 0}}"#, "optim.accumulation"),
        (#"{"optim": {"epochs": 0}}"#, "optim.epochs"),
        (#"{"optim": {"restartPeriodEpochs": 0}}"#, "optim.restartPeriodEpochs"),
        (#"{"optim": {"gradClip": -1}}"#, "optim.gradClip"),
        (#"{"optim": {"patience": 0}}"#, "optim.patience"),
        // A patch that does not tile the image stopped pretrain on patchify's precondition.
        (#"{"xrayPatch": 7}"#, "xrayPatch"),
        (#"{"xrayImageSize": 60}"#, "xrayPatch"),
        // RoBERTa's positions start after the padding index: a negative one indexes before the table.
        (#"{"base": "paper", "text": {"padTokenId": -1}}"#, "text.padTokenId"),
        // Sine-cosine positions fill four (2-D, X-ray) or two (1-D, ECG) groups of channels.
        (#"{"xray": {"positions": "sincos", "dim": 130, "heads": 2}}"#, "xray.positions"),
        (#"{"ecg": {"positions": "sincos", "dim": 129, "heads": 3}}"#, "ecg.positions"),
        (#"{"xray": {"positions": "rope"}}"#, "xray.positions"),
        // The schedule decays from learningRate to minLearningRate.
        (#"{"optim": {"minLearningRate": 0.01}}"#, "optim.minLearningRate"),
    ]

    func testOutOfRangeValuesNameTheFileAndTheKey() {
        for (json, key) in Self.bad { assertBadValue(json, key: key) }
    }

    /// The audit's patch 7 on a 64-pixel image, word for word.
    func testAPatchThatDoesNotTileTheImageIsNamed() {
        XCTAssertThrowsError(try MoREConfig.fromJSON(Data(#"{"xrayPatch": 7}"#.utf8), file: "c.json")) { e in
            XCTAssertEqual("\(e)", "c.json: bad value for config key 'xrayPatch': 7 does not divide xrayImageSize 64")
        }
    }

    /// The config stored in a checkpoint's metadata goes through the same checks
    /// (`readCheckpoint` → `fromCheckpointJSON` → `fromJSON`).
    func testACheckpointsStoredConfigIsCheckedToo() throws {
        var c = MoREConfig.tiny
        c.optim.batchSize = 1
        let json = String(decoding: try JSONEncoder().encode(c), as: UTF8.self)
        XCTAssertThrowsError(try MoREConfig.fromCheckpointJSON(json, file: "run/best.safetensors (metadata 'config')")) { e in
            guard case ConfigError.badValue(let f, let k, _) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(f, "run/best.safetensors (metadata 'config')")
            XCTAssertEqual(k, "optim.batchSize")
        }
        c.optim.batchSize = 32
        XCTAssertEqual(try MoREConfig.fromCheckpointJSON(String(decoding: try JSONEncoder().encode(c), as: UTF8.self), file: "ok"), c)
    }

    /// The limits themselves are accepted: the checks reject only what cannot run.
    func testBoundaryValuesAreAccepted() throws {
        for json in [#"{"ecgLength": 25}"#, #"{"ecgLength": 1003}"#, #"{"xrayPatch": 16}"#, #"{"optim": {"minLearningRate": 0.001}}"#, #"{"xrayPatch": 64}"#, #"{"textMaxLength": 512}"#, #"{"optim": {"batchSize": 2}}"#,
                     #"{"dropKey": {"kind": "linear", "from": 0, "to": 0.5}}"#, #"{"useECG": false}"#, #"{"textTuning": "frozen", "loraRank": 0}"#] {
            XCTAssertNoThrow(try MoREConfig.fromJSON(Data(json.utf8), file: "ok.json"), json)
        }
        // RoBERTa's positions start after the padding index: 512 of its 514 are usable.
        XCTAssertNoThrow(try MoREConfig.fromJSON(Data(#"{"base": "paper", "textMaxLength": 512}"#.utf8), file: "ok.json"))
        XCTAssertThrowsError(try MoREConfig.fromJSON(Data(#"{"base": "paper", "textMaxLength": 513}"#.utf8), file: "bad.json"))
    }
}

private extension MoREConfig {
    func withModalities(xray: Bool, ecg: Bool) -> MoREConfig {
        var c = self
        c.useXray = xray
        c.useECG = ecg
        return c
    }
}

/// Asserts that the config file `json` is a `ConfigError.badValue` naming the file, `key` and a
/// reason containing `reason` (the shared check of the config tests).
func assertBadValue(_ json: String, key: String, reason: String = "", line: UInt = #line) {
    XCTAssertThrowsError(try MoREConfig.fromJSON(Data(json.utf8), file: "bad.json"), json, line: line) { e in
        guard case ConfigError.badValue(let f, let k, let r) = e else { return XCTFail("\(json): \(e)", line: line) }
        XCTAssertEqual(f, "bad.json", json, line: line)
        XCTAssertEqual(k, key, "\(json): \(r)", line: line)
        XCTAssertTrue(reason.isEmpty || r.contains(reason), "\(json): \(r)", line: line)
        XCTAssertTrue("\(e)".hasPrefix("bad.json: bad value for config key '\(key)'"), "\(e)", line: line)
    }
}
