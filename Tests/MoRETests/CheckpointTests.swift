import XCTest
import Foundation
@testable import MoRE

/// Hashes of data files and configs are 16 hex digits, leading zeros kept; a hash stored
/// without them by an older checkpoint still names the same data.
final class CheckpointTests: XCTestCase {
    func testHashesKeepTheirLeadingZeros() throws {
        XCTAssertEqual(hex16(0x41ad02fc154d389), "041ad02fc154d389")
        XCTAssertEqual(hex16(0), "0000000000000000")
        XCTAssertEqual(hex16(.max), "ffffffffffffffff")
        XCTAssertEqual(MoREConfig.paper.hash.count, 16)
        XCTAssertEqual(MoREConfig.tiny.hash.count, 16)
        // A file whose hash has a leading zero (one in sixteen has; 8-byte files of spread bits).
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hash-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        var found = false
        for i in UInt64(1)...256 {
            try withUnsafeBytes(of: (i &* 0x9E37_79B9_7F4A_7C15).littleEndian) { try Data($0).write(to: url) }
            let h = try fileHash(url)
            XCTAssertEqual(h.count, 16, "file \(i): \(h)")
            if h.hasPrefix("0") {
                found = true
                let old = String(h.drop { $0 == "0" })
                XCTAssertTrue(sameHash(old, h) && sameHash(h, old), "an older checkpoint's \(old) is \(h)")
            }
        }
        XCTAssertTrue(found)
        XCTAssertFalse(sameHash("41ad02fc154d389", "41ad02fc154d38a"))
        XCTAssertTrue(sameHash("", ""))
        XCTAssertFalse(sameHash("", "0"))
    }
}
