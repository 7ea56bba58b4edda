// WordPieceTests — BERT-uncased WordPiece against Hugging Face: the all-MiniLM-L6-v2 goldens in
// ../shared/reference/minilm.json (ids, pair type ids, edge cases), truncation/padding and
// normalisation corners in Tests/Golden/wordpiece/expected.json (tokenizers 0.23.3, script
// beside it), typed errors for malformed vocabularies, and the tokenisation speed budget.

import Foundation
import XCTest
@testable import Datasets
import TestSupport

final class WordPieceTests: XCTestCase {
    private static var cached: WordPieceTokenizer?

    private func miniLM() throws -> WordPieceTokenizer {
        if let t = Self.cached { return t }
        let t = try WordPieceTokenizer(vocabURL: try Fixtures.miniLM().appendingPathComponent("vocab.txt"))
        Self.cached = t
        return t
    }

    // A missing fixture must throw XCTSkip outside XCTUnwrap's autoclosure: thrown inside it,
    // the skip is reported as a failure.
    private func goldenMiniLM() throws -> [String: Any] {
        let url = try Fixtures.shared("reference/minilm.json")
        return try XCTUnwrap(Fixtures.json(url) as? [String: Any])
    }

    private func goldenLocal() throws -> [String: Any] {
        let url = try Fixtures.committed("Tests/Golden/wordpiece/expected.json")
        return try XCTUnwrap(Fixtures.json(url) as? [String: Any])
    }

    func testSentencesMatchMiniLMGolden() throws {
        let tok = try miniLM()
        XCTAssertEqual(tok.vocabularySize, 30522)
        XCTAssertEqual(tok.specialIds, SpecialTokenIds(start: 101, end: 102, pad: 0, unknown: 100, mask: 103))
        let golden = try goldenMiniLM()
        let sentences = try XCTUnwrap(golden["sentences"] as? [[String: Any]])
        XCTAssertEqual(sentences.count, 8)
        for s in sentences {
            let text = try XCTUnwrap(s["text"] as? String)
            let e = try tok.encode(text)
            XCTAssertEqual(e.ids, try goldenIds(s["ids"]), text)
            XCTAssertEqual(e.typeIds, try goldenIds(s["type_ids"]), text)
            XCTAssertEqual(e.attentionMask, [Int32](repeating: 1, count: e.count), text)
            XCTAssertEqual(tok.decode(e.ids), s["tokens"] as? [String], text)
        }
    }

    func testPairMatchesMiniLMGolden() throws {
        let tok = try miniLM()
        let golden = try goldenMiniLM()
        let pair = try XCTUnwrap(golden["pair"] as? [String: Any])
        let e = try tok.encode(try XCTUnwrap(pair["text_a"] as? String), try XCTUnwrap(pair["text_b"] as? String))
        XCTAssertEqual(e.ids, try goldenIds(pair["ids"]))
        XCTAssertEqual(e.typeIds, try goldenIds(pair["type_ids"]))
        XCTAssertEqual(tok.decode(e.ids), pair["tokens"] as? [String])
    }

    func testEdgeCasesMatchMiniLMGolden() throws {
        let tok = try miniLM()
        let golden = try goldenMiniLM()
        let cases = try XCTUnwrap(golden["tokenizer_edge_cases"] as? [[String: Any]])
        XCTAssertEqual(cases.count, 8)
        for c in cases {
            let text = try XCTUnwrap(c["text"] as? String)
            XCTAssertEqual(try tok.encode(text).ids, try goldenIds(c["ids"]), text.debugDescription)
        }
    }

    func testNormalisationCornersMatchHuggingFace() throws {
        let tok = try miniLM()
        let cases = try XCTUnwrap(goldenLocal()["normalisation"] as? [[String: Any]])
        XCTAssertEqual(cases.count, 8)
        for c in cases {
            let text = try XCTUnwrap(c["text"] as? String)
            let e = try tok.encode(text)
            XCTAssertEqual(e.ids, try goldenIds(c["ids"]), text.debugDescription)
            XCTAssertEqual(tok.decode(e.ids), c["tokens"] as? [String], text.debugDescription)
        }
    }

    func testTruncationAndPaddingMatchHuggingFace() throws {
        let tok = try miniLM()
        let cases = try XCTUnwrap(goldenLocal()["cases"] as? [[String: Any]])
        XCTAssertEqual(cases.count, 21)
        for c in cases {
            let a = try XCTUnwrap(c["a"] as? String), b = c["b"] as? String
            let n = try XCTUnwrap(c["max_length"] as? Int)
            let e = try tok.encode(a, b, maxLength: n, padToMaxLength: true)
            let label = "\(a.prefix(20)) / \(b?.prefix(20) ?? "-") / \(n)"
            XCTAssertEqual(e.ids, try goldenIds(c["ids"]), label)
            XCTAssertEqual(e.typeIds, try goldenIds(c["type_ids"]), label)
            XCTAssertEqual(e.attentionMask, try goldenIds(c["attention_mask"]), label)
        }
    }

    /// Hugging Face's rule: the longer keeps the odd token; on a tie the second does.
    func testLongestFirstLengths() {
        XCTAssertTrue(longestFirstLengths(10, 12, budget: 30) == (10, 12))
        XCTAssertTrue(longestFirstLengths(5, 20, budget: 12) == (5, 7))      // only the longer is cut
        XCTAssertTrue(longestFirstLengths(20, 5, budget: 12) == (7, 5))
        XCTAssertTrue(longestFirstLengths(18, 19, budget: 35) == (17, 18))
        XCTAssertTrue(longestFirstLengths(19, 18, budget: 35) == (18, 17))
        XCTAssertTrue(longestFirstLengths(11, 11, budget: 11) == (5, 6))    // tie: second keeps the odd one
        XCTAssertTrue(longestFirstLengths(11, 11, budget: 0) == (0, 0))
        XCTAssertTrue(longestFirstLengths(40, nil, budget: 10) == (10, 0))
    }

    func testMaxLengthBelowSpecialTokensThrows() throws {
        let tok = try miniLM()
        XCTAssertThrowsError(try tok.encode("a", "b", maxLength: 2)) { error in
            XCTAssertEqual(error as? TokenizerError, .maxLengthTooSmall(maxLength: 2, specialTokens: 3))
        }
        XCTAssertEqual(try tok.encode("a b c", maxLength: 2).ids, [101, 102])
    }

    func testBatchEncodingIsRowMajorAndPadded() throws {
        let tok = try miniLM()
        let a = ["Small left pleural effusion.", "", "The report from Xray is: Moderate cardiomegaly."]
        let b = ["Sinus rhythm.", "Normal ECG.", "Left ventricular hypertrophy."]
        let longest = try tok.encodeBatch(a, b)
        let rows = try (0..<3).map { try tok.encode(a[$0], b[$0]) }
        XCTAssertEqual(longest.shape, [3, rows.map(\.count).max()!])
        let fixed = try tok.encodeBatch(a, b, maxLength: 16, padToMaxLength: true)
        XCTAssertEqual(fixed.shape, [3, 16])
        for i in 0..<3 {
            let one = try tok.encode(a[i], b[i], maxLength: 16, padToMaxLength: true)
            XCTAssertEqual(fixed.row(i), one)
            let r = longest.row(i)
            XCTAssertEqual(Array(r.ids.prefix(rows[i].count)), rows[i].ids)
            XCTAssertEqual(r.attentionMask.reduce(0, +), Int32(rows[i].count))
            XCTAssertTrue(r.ids.dropFirst(rows[i].count).allSatisfy { $0 == tok.padId })
        }
        XCTAssertThrowsError(try tok.encodeBatch(a, ["x"])) { error in
            XCTAssertEqual(error as? TokenizerError, .batchMismatch(first: 3, second: 1))
        }
    }

    func testDecodeTextJoinsContinuations() throws {
        let tok = try miniLM()
        let e = try tok.encode("Small left pleural effusion.", maxLength: 20, padToMaxLength: true)
        XCTAssertEqual(tok.decodeText(e.ids), "small left pleural effusion .")
        XCTAssertEqual(tok.tokenize("Pleural"), ["pl", "##eur", "##al"])
    }

    func testMalformedVocabulariesThrowNamingTheFile() throws {
        let dir = try Fixtures.tempDirectory("wordpiece")
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "a", "##b"]
        func write(_ name: String, _ lines: [String]) throws -> URL {
            let url = dir.appendingPathComponent(name)
            try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
            return url
        }
        let missing = dir.appendingPathComponent("absent.txt")
        XCTAssertThrowsError(try WordPieceTokenizer(vocabURL: missing)) {
            XCTAssertEqual($0 as? TokenizerError, .missingFile(file: missing.path))
        }
        let empty = dir.appendingPathComponent("empty.txt")
        try Data().write(to: empty)
        XCTAssertThrowsError(try WordPieceTokenizer(vocabURL: empty)) {
            XCTAssertEqual($0 as? TokenizerError,
                           .malformed(file: empty.path, line: nil, field: "vocabulary", reason: "no tokens"))
        }
        let dup = try write("dup.txt", good + ["a"])
        XCTAssertThrowsError(try WordPieceTokenizer(vocabURL: dup)) {
            XCTAssertEqual($0 as? TokenizerError, .duplicateToken(file: dup.path, token: "a", firstLine: 5, line: 7))
            XCTAssertTrue("\($0)".contains(dup.path))
        }
        for special in ["[UNK]", "[CLS]", "[SEP]", "[PAD]"] {
            let url = try write("no\(special).txt", good.filter { $0 != special })
            XCTAssertThrowsError(try WordPieceTokenizer(vocabURL: url)) {
                XCTAssertEqual($0 as? TokenizerError, .missingSpecialToken(file: url.path, token: special))
            }
        }
        let blank = try write("blank.txt", ["[PAD]", "", "[UNK]"])
        XCTAssertThrowsError(try WordPieceTokenizer(vocabURL: blank)) {
            XCTAssertEqual($0 as? TokenizerError,
                           .malformed(file: blank.path, line: 2, field: "token", reason: "blank line"))
        }
        let binary = dir.appendingPathComponent("binary.txt")
        try Data([0xFF, 0xFE, 0x00, 0x41]).write(to: binary)
        XCTAssertThrowsError(try WordPieceTokenizer(vocabURL: binary)) {
            XCTAssertEqual($0 as? TokenizerError,
                           .malformed(file: binary.path, line: nil, field: "encoding", reason: "not valid UTF-8"))
        }
        // CRLF line endings are accepted (trailing whitespace is trimmed, as Hugging Face does).
        let crlf = dir.appendingPathComponent("crlf.txt")
        try good.joined(separator: "\r\n").write(to: crlf, atomically: true, encoding: .utf8)
        let tok = try WordPieceTokenizer(vocabURL: crlf)
        XCTAssertEqual(tok.tokenIds("ab a abc"), [4, 5, 4, 1])
    }

    /// 3,000 reports of ~60 words: the whole corpus must tokenise well under a second in release.
    func testThreeThousandReportsTokeniseQuickly() throws {
        let tok = try miniLM()
        let reports = syntheticReports(count: 3000, words: 60)
        let start = Date(), cpuStart = threadCPUSeconds()
        let batch = try tok.encodeBatch(reports, maxLength: 128, padToMaxLength: true)
        let cpu = threadCPUSeconds() - cpuStart, wall = Date().timeIntervalSince(start)
        XCTAssertEqual(batch.shape, [3000, 128])
        XCTAssertFalse(batch.ids.contains(tok.specialIds.unknown))
        #if DEBUG
        let budget = 10.0
        #else
        let budget = 1.0
        #endif
        // CPU time of this thread: the machine is shared, so wall time measures the neighbours too.
        XCTAssertLessThan(cpu, budget, "tokenising 3000 reports took \(cpu) s CPU (\(wall) s wall)")
    }
}

/// CPU seconds used so far by the calling thread.
func threadCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

/// A JSON array of integers as token ids.
func goldenIds(_ any: Any?) throws -> [Int32] {
    try XCTUnwrap(any as? [Int]).map(Int32.init)
}

/// Deterministic report-like text: `count` reports of `words` words from a clinical word list.
func syntheticReports(count: Int, words: Int) -> [String] {
    let vocabulary = ["the", "heart", "size", "is", "mildly", "enlarged", "there", "no", "pleural", "effusion",
                      "pneumothorax", "or", "focal", "consolidation", "bibasilar", "atelectasis", "pulmonary",
                      "edema", "moderate", "cardiomegaly", "sinus", "rhythm", "left", "ventricular", "hypertrophy",
                      "ST-T", "changes", "abnormal", "ECG.", "compared", "with", "prior", "radiograph,", "interval",
                      "improvement", "of", "vascular", "congestion;", "QTc", "450ms", "HR=72/min", "(normal)",
                      "1st", "degree", "A-V", "block", "lungs", "are", "clear.", "Sjögren"]
    var state: UInt64 = 0x2410_1623_9000_0001
    return (0..<count).map { _ in
        (0..<words).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return vocabulary[Int((state >> 33) % UInt64(vocabulary.count))]
        }.joined(separator: " ")
    }
}
