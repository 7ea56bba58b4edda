// BPETests — RoBERTa byte-level BPE against Hugging Face on the committed fixture in
// Tests/Golden/bpe/ (vocab.json + merges.txt trained by make_bpe_fixture.py; expected ids from
// tokenizers 0.23.3 with RobertaProcessing, cross-checked there with transformers'
// RobertaTokenizer and an independent GPT-2 encoder.py): the pre-tokenisation regex, ids of
// single strings and pairs, truncation and padding, decoding, malformed files, speed.

import Foundation
import XCTest
@testable import Datasets
import TestSupport

final class BPETests: XCTestCase {
    private static var cached: BPETokenizer?

    private func tokenizer() throws -> BPETokenizer {
        if let t = Self.cached { return t }
        let dir = try Fixtures.committed("Tests/Golden/bpe/vocab.json").deletingLastPathComponent()
        let t = try BPETokenizer(directory: dir)
        Self.cached = t
        return t
    }

    private func expected() throws -> [String: Any] {
        try XCTUnwrap(Fixtures.json(try Fixtures.committed("Tests/Golden/bpe/expected.json")) as? [String: Any])
    }

    func testLoadsFixtureWithRobertaSpecialIds() throws {
        let tok = try tokenizer()
        XCTAssertEqual(tok.vocabularySize, 800)
        XCTAssertEqual(tok.mergeCount, 539)
        XCTAssertEqual(tok.specialIds, SpecialTokenIds(start: 0, end: 2, pad: 1, unknown: 3, mask: 4))
        XCTAssertEqual(tok.template, SpecialTokenTemplate(prefix: [0], middle: [2, 2], suffix: [2], secondTypeId: 0))
    }

    func testByteToUnicodeTableIsGPT2s() {
        let table = ByteLevel.byteToScalar
        XCTAssertEqual(Set(table).count, 256)
        XCTAssertEqual(table[0x21], "!")
        XCTAssertEqual(table[0x20], "\u{120}")   // Ġ
        XCTAssertEqual(table[0x0A], "\u{10A}")   // Ċ
        XCTAssertEqual(table[0x00], "\u{100}")
        XCTAssertEqual(table[0xA0], "\u{142}")   // ł (NBSP's second byte)
        XCTAssertEqual(table[0xAD], "\u{143}")
        XCTAssertEqual(table[0xFF], "\u{FF}")
        for b in 0..<256 { XCTAssertEqual(ByteLevel.scalarToByte[table[b]], UInt8(b)) }
    }

    func testPreTokeniserMatchesTheRegex() throws {
        let singles = try XCTUnwrap(expected()["singles"] as? [[String: Any]])
        var checked = 0
        for s in singles {
            guard let pieces = s["regex_pieces"] as? [String] else { continue }
            let text = try XCTUnwrap(s["text"] as? String)
            let bytes = Array(text.utf8)
            let ours = ByteLevel.pieces(text).map { String(decoding: bytes[$0], as: UTF8.self) }
            XCTAssertEqual(ours, pieces, text.debugDescription)
            checked += 1
        }
        XCTAssertEqual(checked, 24)
    }

    func testSinglesMatchHuggingFace() throws {
        let tok = try tokenizer()
        let singles = try XCTUnwrap(expected()["singles"] as? [[String: Any]])
        XCTAssertEqual(singles.count, 25)
        for s in singles {
            let text = try XCTUnwrap(s["text"] as? String)
            let e = try tok.encode(text)
            XCTAssertEqual(e.ids, try goldenIds(s["ids"]), text.debugDescription)
            XCTAssertEqual(e.typeIds, try goldenIds(s["type_ids"]), text.debugDescription)
            // Hugging Face reports an lstrip special token with the space it swallowed (" <mask>").
            let tokens = try XCTUnwrap(s["tokens"] as? [String]).map { $0.hasPrefix(" <") ? String($0.dropFirst()) : $0 }
            XCTAssertEqual(tok.decode(e.ids), tokens, text.debugDescription)
        }
    }

    func testPairsTruncationAndPaddingMatchHuggingFace() throws {
        let tok = try tokenizer()
        let json = try expected()
        let pairs = try XCTUnwrap(json["pairs"] as? [[String: Any]])
        XCTAssertEqual(pairs.count, 9)
        for p in pairs {
            let a = try XCTUnwrap(p["a"] as? String), b = try XCTUnwrap(p["b"] as? String)
            let n = p["max_length"] as? Int
            let e = try tok.encode(a, b, maxLength: n, padToMaxLength: n != nil)
            let label = "\(a.prefix(20)) / \(b.prefix(20)) / \(n.map(String.init) ?? "-")"
            XCTAssertEqual(e.ids, try goldenIds(p["ids"]), label)
            XCTAssertEqual(e.typeIds, try goldenIds(p["type_ids"]), label)
            XCTAssertEqual(e.attentionMask, try goldenIds(p["attention_mask"]), label)
        }
        let truncated = try XCTUnwrap(json["singles_truncated_padded"] as? [[String: Any]])
        XCTAssertEqual(truncated.count, 3)
        for s in truncated {
            let text = try XCTUnwrap(s["text"] as? String), n = try XCTUnwrap(s["max_length"] as? Int)
            let e = try tok.encode(text, maxLength: n, padToMaxLength: true)
            XCTAssertEqual(e.ids, try goldenIds(s["ids"]), text)
            XCTAssertEqual(e.attentionMask, try goldenIds(s["attention_mask"]), text)
        }
        XCTAssertThrowsError(try tok.encode("a", "b", maxLength: 3)) {
            XCTAssertEqual($0 as? TokenizerError, .maxLengthTooSmall(maxLength: 3, specialTokens: 4))
        }
    }

    func testDecodeTextRoundTripsBytes() throws {
        let tok = try tokenizer()
        let singles = try XCTUnwrap(expected()["singles"] as? [[String: Any]])
        for s in singles where s["regex_pieces"] is [String] {
            let text = try XCTUnwrap(s["text"] as? String)
            XCTAssertEqual(tok.decodeText(try tok.encode(text).ids), text, text.debugDescription)
        }
        let e = try tok.encode("Sinus rhythm.", "Normal ECG.")
        XCTAssertEqual(tok.decodeText(e.ids, skipSpecialTokens: false), "<s>Sinus rhythm.</s></s>Normal ECG.</s>")
    }

    func testMalformedFilesThrowNamingTheFile() throws {
        let dir = try Fixtures.tempDirectory("bpe")
        defer { try? FileManager.default.removeItem(at: dir) }
        func write(_ name: String, _ text: String) throws -> URL {
            let url = dir.appendingPathComponent(name)
            try text.write(to: url, atomically: true, encoding: .utf8)
            return url
        }
        let vocabText = #"{"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3, "a": 4, "b": 5, "ab": 6, "\u0120": 7}"#
        let vocab = try write("vocab.json", vocabText)
        let merges = try write("merges.txt", "#version: 0.2\na b\n")
        let tok = try BPETokenizer(vocabURL: vocab, mergesURL: merges)
        XCTAssertEqual(tok.tokenIds("ab ba"), [6, 7, 5, 4])
        XCTAssertNil(tok.specialIds.mask)

        let absent = dir.appendingPathComponent("absent.json")
        XCTAssertThrowsError(try BPETokenizer(vocabURL: absent, mergesURL: merges)) {
            XCTAssertEqual($0 as? TokenizerError, .missingFile(file: absent.path))
        }
        let notJSON = try write("bad.json", "{\"a\": 0,")
        XCTAssertThrowsError(try BPETokenizer(vocabURL: notJSON, mergesURL: merges)) {
            guard case let .malformed(file, _, field, _)? = $0 as? TokenizerError else { return XCTFail("\($0)") }
            XCTAssertEqual(file, notJSON.path)
            XCTAssertEqual(field, "JSON")
        }
        let badID = try write("badid.json", #"{"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3, "a": 1.5}"#)
        XCTAssertThrowsError(try BPETokenizer(vocabURL: badID, mergesURL: merges)) {
            guard case let .malformed(file, _, field, _)? = $0 as? TokenizerError else { return XCTFail("\($0)") }
            XCTAssertEqual(file, badID.path)
            XCTAssertEqual(field, "id of \"a\"")
        }
        let repeated = try write("repeated.json", #"{"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3, "a": 2}"#)
        XCTAssertThrowsError(try BPETokenizer(vocabURL: repeated, mergesURL: merges)) {
            guard case let .malformed(file, _, _, reason)? = $0 as? TokenizerError else { return XCTFail("\($0)") }
            XCTAssertEqual(file, repeated.path)
            XCTAssertTrue(reason.contains("used by both"), reason)
        }
        let noBOS = try write("nobos.json", #"{"<pad>": 0, "</s>": 1, "<unk>": 2, "a": 3}"#)
        XCTAssertThrowsError(try BPETokenizer(vocabURL: noBOS, mergesURL: merges)) {
            XCTAssertEqual($0 as? TokenizerError, .missingSpecialToken(file: noBOS.path, token: "<s>"))
        }
        let threeParts = try write("three.txt", "#version: 0.2\na b\na b c\n")
        XCTAssertThrowsError(try BPETokenizer(vocabURL: vocab, mergesURL: threeParts)) {
            guard case let .malformed(file, line, field, _)? = $0 as? TokenizerError else { return XCTFail("\($0)") }
            XCTAssertEqual(file, threeParts.path)
            XCTAssertEqual(line, 3)
            XCTAssertEqual(field, "merge")
        }
        let unknownPart = try write("unknown.txt", "b a\n")
        XCTAssertThrowsError(try BPETokenizer(vocabURL: vocab, mergesURL: unknownPart)) {
            XCTAssertEqual($0 as? TokenizerError, .malformed(file: unknownPart.path, line: 1, field: "merge",
                                                             reason: "\"ba\" is not in \(vocab.path)"))
        }
        let noMerges = dir.appendingPathComponent("nomerges.txt")
        XCTAssertThrowsError(try BPETokenizer(vocabURL: vocab, mergesURL: noMerges)) {
            XCTAssertEqual($0 as? TokenizerError, .missingFile(file: noMerges.path))
        }
    }

    /// The same 3,000 × 60-word corpus as the WordPiece speed test, well under a second.
    func testThreeThousandReportsTokeniseQuickly() throws {
        let tok = try tokenizer()
        let reports = syntheticReports(count: 3000, words: 60)
        let start = Date(), cpuStart = threadCPUSeconds()
        let batch = try tok.encodeBatch(reports, maxLength: 512, padToMaxLength: true)
        let cpu = threadCPUSeconds() - cpuStart, wall = Date().timeIntervalSince(start)
        XCTAssertEqual(batch.shape, [3000, 512])
        XCTAssertEqual(tok.decodeText(batch.row(7).ids), reports[7])
        #if DEBUG
        let budget = 10.0
        #else
        let budget = 1.0
        #endif
        // CPU time of this thread: the machine is shared, so wall time measures the neighbours too.
        XCTAssertLessThan(cpu, budget, "tokenising 3000 reports took \(cpu) s CPU (\(wall) s wall)")
    }
}
