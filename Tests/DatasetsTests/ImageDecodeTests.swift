// ImageDecodeTests — JPEG/PNG decoding to Pillow's 'L' values (committed by
// Tests/Golden/xray/make_xray_reference.py), and unreadable images as typed errors.

import Foundation
import XCTest
import TestSupport
@testable import Datasets

/// The committed X-ray reference folder and its manifest.
enum XrayGolden {
    static let folder = Fixtures.repoRoot.appendingPathComponent("Tests/Golden/xray")

    static func manifest() throws -> [String: Any] {
        try XCTUnwrap(Fixtures.json(folder.appendingPathComponent("manifest.json")) as? [String: Any])
    }

    /// A committed `.u8` array as [UInt8].
    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
    }

    /// FNV-1a 64-bit hash (the script's `fnv1a64`).
    static func fnv1a64(_ b: [UInt8]) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for c in b { h = (h ^ UInt64(c)) &* 0x100_0000_01b3 }
        return h
    }
}

final class ImageDecodeTests: XCTestCase {

    func testPillowLumaFormula() {
        XCTAssertEqual(pillowLuma(255, 255, 255), 255)
        XCTAssertEqual(pillowLuma(0, 0, 0), 0)
        XCTAssertEqual(pillowLuma(37, 37, 37), 37, "R = G = B stays unchanged")
        // 0.299·200 + 0.587·100 + 0.114·50 = 124.2 → 124
        XCTAssertEqual(pillowLuma(200, 100, 50), 124)
    }

    func testEveryKermanyJPEGDecodesLikePillow() throws {
        let root = try Fixtures.shared("data/kermany")
        let images = try XCTUnwrap(XrayGolden.manifest()["images"] as? [[String: Any]])
        XCTAssertEqual(images.count, 40)
        for e in images {
            let file = try XCTUnwrap(e["file"] as? String)
            let img = try decodeGrayImage(root.appendingPathComponent(file))
            XCTAssertEqual(img.width, e["width"] as? Int, file)
            XCTAssertEqual(img.height, e["height"] as? Int, file)
            XCTAssertEqual(img.pixels.reduce(0) { $0 + Int($1) }, e["gray_sum"] as? Int, file)
            XCTAssertEqual(String(XrayGolden.fnv1a64(img.pixels)), e["gray_fnv1a64"] as? String, file)
        }
    }

    func testPNGsDecodeLikePillow() throws {
        let values = try XCTUnwrap(XrayGolden.manifest()["png_gray_values"] as? [String: [Int]])
        XCTAssertEqual(values.count, 3)
        for (name, expected) in values {
            let img = try decodeGrayImage(XrayGolden.folder.appendingPathComponent(name))
            XCTAssertEqual(img.width, 7, name); XCTAssertEqual(img.height, 5, name)
            XCTAssertEqual(img.pixels.map(Int.init), expected, name)
        }
    }

    // MARK: bad input

    private func assertUnreadable(_ url: URL, contains: String, line: UInt = #line) {
        do {
            _ = try decodeGrayImage(url)
            XCTFail("expected a DataError for \(url.lastPathComponent)", line: line)
        } catch let e as DataError {
            XCTAssertEqual(e.file, url.path, line: line)
            XCTAssertTrue(e.description.contains(contains), "\(e)", line: line)
        } catch {
            XCTFail("unexpected \(error)", line: line)
        }
    }

    func testMissingFile() throws {
        let dir = try Fixtures.tempDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
        assertUnreadable(dir.appendingPathComponent("none.jpeg"), contains: "no such file")
    }

    /// Before: "not a readable image file (The operation could not be completed.
    /// (NSCocoaErrorDomain error 256.))" for `more xray preprocess FOLDER`.
    func testAFolderIsNamedAsAFolder() throws {
        let dir = try Fixtures.tempDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
        XCTAssertThrowsError(try decodeGrayImage(dir)) {
            XCTAssertEqual($0 as? DataError, .isDirectory(dir.path, expected: "JPEG or PNG image file"))
        }
        XCTAssertThrowsError(try preprocessXray(contentsOf: dir, size: 64)) {
            XCTAssertEqual("\($0)", "\(dir.path): is a directory, expected a JPEG or PNG image file")
        }
    }

    func testNotAnImage() throws {
        let dir = try Fixtures.tempDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("x.jpeg")
        try "not an image".write(to: url, atomically: true, encoding: .utf8)
        assertUnreadable(url, contains: "neither a JPEG nor a PNG")
    }

    func testTruncatedJPEG() throws {
        let src = try Fixtures.shared("data/kermany/test/NORMAL/IM-0001-0001.jpeg")
        let dir = try Fixtures.tempDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
        let bytes = try Data(contentsOf: src)
        let url = dir.appendingPathComponent("cut.jpeg")
        try bytes.prefix(bytes.count / 2).write(to: url)
        assertUnreadable(url, contains: "truncated")
        let head = dir.appendingPathComponent("head.jpeg")
        try bytes.prefix(40).write(to: head)
        assertUnreadable(head, contains: "JPEG")
    }

    func testCorruptPNG() throws {
        let dir = try Fixtures.tempDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
        let good = try Data(contentsOf: XrayGolden.folder.appendingPathComponent("tiny_rgb.png"))
        let url = dir.appendingPathComponent("cut.png")
        try good.prefix(good.count - 30).write(to: url)
        assertUnreadable(url, contains: "PNG")
    }

    /// An image whose header claims more than `maxImagePixels` is refused from the header, naming
    /// the file and the claimed size, before a pixel buffer is allocated (a 68-byte PNG claiming
    /// 100,000 × 100,000 used to allocate ~10 GB). Sizes just above the limit keep the test cheap.
    func testImageLargerThanTheLimitIsRefusedFromItsHeader() throws {
        let dir = try Fixtures.tempDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
        // A valid 68-byte PNG (correct CRCs) whose IHDR claims 20000 × 10000 = 2e8 pixels.
        let hex = "89504e470d0a1a0a0000000d4948445200004e20000027100800000000dc4f177e0000000b49444154789c63608000"
            + "0000080001b75873950000000049454e44ae426082"
        let png = dir.appendingPathComponent("bomb.png")
        try Data(stride(from: 0, to: hex.count, by: 2).map { i -> UInt8 in
            let a = hex.index(hex.startIndex, offsetBy: i)
            return UInt8(hex[a...hex.index(after: a)], radix: 16)!
        }).write(to: png)
        // A real JPEG whose SOF0 (height, width at bytes 5–8 after its marker) claims 12000 × 15000.
        var jpeg = [UInt8](try Data(contentsOf: Fixtures.repoRoot.appendingPathComponent(
            "Tests/Golden/convert/chexpert/CheXpert-v1.0-small/train/patient00001/study1/view1_frontal.jpg")))
        let sof = try XCTUnwrap((0..<jpeg.count - 1).first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 })
        jpeg.replaceSubrange(sof + 5 ..< sof + 9, with: [0x2E, 0xE0, 0x3A, 0x98])
        let jpg = dir.appendingPathComponent("bomb.jpg")
        try Data(jpeg).write(to: jpg)
        for (url, format, w, h) in [(png, "PNG", 20000, 10000), (jpg, "JPEG", 15000, 12000)] {
            XCTAssertThrowsError(try decodeGrayImage(url)) { error in
                XCTAssertEqual(error as? DataError, .malformed(file: url.path, field: "\(format) header",
                    reason: "claims \(w)×\(h) = \(w * h) pixels, more than the 178956970 an image may have "
                        + "(maxImagePixels, Pillow's decompression-bomb limit); not decoded"))
            }
        }
        XCTAssertThrowsError(try preprocessXray(contentsOf: png, size: 64)) { XCTAssertEqual(($0 as? DataError)?.file, png.path) }
    }
}
