// XrayPreprocessTests — Pillow bicubic resize and skimage CLAHE on the Kermany X-rays, against the
// committed reference of Tests/Golden/xray/make_xray_reference.py (Pillow 13.0, scikit-image 0.26),
// and live against Python when Pillow and scikit-image are importable.

import Foundation
import XCTest
import TestSupport
@testable import Datasets

final class XrayPreprocessTests: XCTestCase {

    private func subset() throws -> (root: URL, files: [String]) {
        let root = try Fixtures.shared("data/kermany")
        return (root, try XCTUnwrap(XrayGolden.manifest()["subset"] as? [String]))
    }

    /// Counts pixels differing by more than `tol` and the largest difference.
    private func compare(_ a: [UInt8], _ b: [UInt8], tol: Int = 0) -> (worse: Int, maxDiff: Int) {
        var worse = 0, m = 0
        for i in 0..<a.count {
            let d = abs(Int(a[i]) - Int(b[i]))
            m = max(m, d)
            if d > tol { worse += 1 }
        }
        return (worse, m)
    }

    func testBicubicResizeMatchesPillow() throws {
        let (root, files) = try subset()
        let ref = try XrayGolden.bytes("resize64.u8")
        XCTAssertEqual(ref.count, files.count * 64 * 64)
        for (i, f) in files.enumerated() {
            let out = pillowResize(try decodeGrayImage(root.appendingPathComponent(f)), width: 64, height: 64)
            let c = compare(out.pixels, Array(ref[i * 4096..<(i + 1) * 4096]))
            XCTAssertEqual(c.maxDiff, 0, "\(f): Pillow's fixed-point resize is reproduced bit for bit")
        }
    }

    func testCLAHEChainMatchesSkimageAt64() throws {
        let (root, files) = try subset()
        let ref = try XrayGolden.bytes("clahe64.u8")
        for (i, f) in files.enumerated() {
            let out = preprocessXray(try decodeGrayImage(root.appendingPathComponent(f)), size: 64)
            let c = compare(out.pixels, Array(ref[i * 4096..<(i + 1) * 4096]))
            XCTAssertEqual(c.maxDiff, 0, "\(f): \(c.worse) pixels differ")
        }
    }

    func testChainAt224MatchesSkimageOnAll40Images() throws {
        let root = try Fixtures.shared("data/kermany")
        let images = try XCTUnwrap(XrayGolden.manifest()["images"] as? [[String: Any]])
        for e in images {
            let f = try XCTUnwrap(e["file"] as? String)
            let out = preprocessXray(try decodeGrayImage(root.appendingPathComponent(f)), size: 224)
            XCTAssertEqual(out.pixels.reduce(0) { $0 + Int($1) }, e["chain224_sum"] as? Int, f)
            XCTAssertEqual(String(XrayGolden.fnv1a64(out.pixels)), e["chain224_fnv1a64"] as? String, f)
        }
        let full = try XrayGolden.bytes("chain224.u8")
        let first = try XCTUnwrap((XrayGolden.manifest()["subset"] as? [String])?.first)
        let floats = try preprocessXray(contentsOf: root.appendingPathComponent(first), size: 224)
        XCTAssertEqual(floats, full.map { Float($0) / 255 })
    }

    func testNormalisationIsSeparate() {
        var x: [Float] = [0, 0.499, 1]
        normalizeXray(&x)
        assertClose(x, [-0.499 / 0.293, 0, 0.501 / 0.293], abs: 1e-6)
    }

    func testCLAHEEdgeCases() {
        // Constant and all-black images: no NaN, output in [0, 1].
        for v: UInt8 in [0, 77] {
            let eq = equalizeAdapthist(GrayImage(width: 9, height: 5, pixels: [UInt8](repeating: v, count: 45)))
            XCTAssertFalse(eq.contains { $0.isNaN || $0 < 0 || $0 > 1 }, "value \(v)")
        }
        XCTAssertEqual(reflectIndex(-1, 5), 1)
        XCTAssertEqual(reflectIndex(5, 5), 3)
        XCTAssertEqual(reflectIndex(-9, 5), 1)
    }

    /// Runs the reference script live for two images at an odd size (skips without Pillow/skimage).
    func testLiveAgainstPythonWhenAvailable() throws {
        let (root, files) = try subset()
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["python3", "-c", "import PIL, skimage"]
        probe.standardError = FileHandle.nullDevice
        do { try probe.run() } catch { throw XCTSkip("python3 not runnable") }
        probe.waitUntilExit()
        guard probe.terminationStatus == 0 else { throw XCTSkip("Pillow/scikit-image not importable") }
        // A downscale (224 → 100) and an upscale (224 → 300, kernel 37 with a partial last tile).
        for (f, size) in [(files[0], 100), (files[files.count - 1], 300)] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["python3", XrayGolden.folder.appendingPathComponent("make_xray_reference.py").path,
                           "--live", root.appendingPathComponent(f).path, "\(size)"]
            let pipe = Pipe()
            p.standardOutput = pipe
            try p.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            let j = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: String])
            func hex(_ s: String?) -> [UInt8] {
                let c = Array((s ?? "").utf8)
                return stride(from: 0, to: c.count, by: 2).map { UInt8(String(decoding: c[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
            }
            let img = try decodeGrayImage(root.appendingPathComponent(f))
            XCTAssertEqual(img.pixels, hex(j["gray"]), f)
            XCTAssertEqual(pillowResize(img, width: size, height: size).pixels, hex(j["resized"]), f)
            XCTAssertEqual(preprocessXray(img, size: size).pixels, hex(j["chain"]), f)
        }
    }
}
