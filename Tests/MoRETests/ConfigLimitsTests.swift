import XCTest
import Foundation
import MoRE

/// Sizes beyond ConfigLimits are ConfigErrors naming the key — before them, a width of 10⁸ made
/// `more describe` and `more pretrain` die on a failed allocation (exit 134).
final class ConfigLimitsTests: XCTestCase {
    /// Each override, and the key the error must name.
    static let tooLarge: [(json: String, key: String)] = [
        (#"{"xray": {"dim": 100000000}}"#, "xray.dim"),
        (#"{"ecg": {"depth": 1000}}"#, "ecg.depth"),
        (#"{"ecg": {"mlpRatio": 1000}}"#, "ecg.mlpRatio"),
        (#"{"xray": {"heads": 512, "dim": 512}}"#, "xray.heads"),
        (#"{"text": {"hidden": 100000000}}"#, "text.hidden"),
        (#"{"text": {"intermediate": 100000000}}"#, "text.intermediate"),
        (#"{"text": {"vocabSize": 100000000}}"#, "text.vocabSize"),
        (#"{"text": {"maxPositions": 100000000}}"#, "text.maxPositions"),
        (#"{"xrayImageSize": 100000, "xrayPatch": 1}"#, "xrayImageSize"),
        (#"{"xrayImageSize": 1024, "xrayPatch": 8}"#, "xrayPatch"),   // 16384 tokens
        (#"{"ecgLength": 1000000}"#, "ecgLength"),
        (#"{"ecgStemChannels": 100000000}"#, "ecgStemChannels"),
        (#"{"projectionDim": 100000000}"#, "projectionDim"),
        (#"{"loraRank": 100000000}"#, "loraRank"),
        (#"{"optim": {"batchSize": 100000000}}"#, "optim.batchSize"),
        (#"{"optim": {"epochs": 100000000000}}"#, "optim.epochs"),
        // Each size allowed on its own, but 19 billion parameters together.
        (#"{"xray": {"dim": 4096, "depth": 96}}"#, "xray"),
    ]

    func testSizesBeyondTheLimitsNameTheKey() {
        for (json, key) in Self.tooLarge { assertBadValue(json, key: key) }
    }

    /// The shipped configs are well inside the limits, and the estimate is close to the model's
    /// real count (it leaves out biases, norms and LoRA adapters).
    func testTheShippedConfigsFitAndTheEstimateIsClose() throws {
        try MoREConfig.paper.validate(file: "paper")
        try MoREConfig.tiny.validate(file: "tiny")
        try MoREConfig.fromJSON(Data(#"{"base": "paper"}"#.utf8), file: "paper.json").validate(file: "paper.json")
        // `more describe`: tiny 24,812,352 and paper 299,258,112 parameters.
        for (c, real) in [(MoREConfig.tiny, 24_812_352.0), (MoREConfig.paper, 299_258_112.0)] {
            let e = c.parameterEstimate
            XCTAssertEqual((e.xray + e.ecg + e.text) / real, 1, accuracy: 0.02, c.name)
        }
    }
}
