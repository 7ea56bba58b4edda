import XCTest
@testable import more

/// `more bench train --batches N`: refused below 1 and without data to cycle through.
final class BenchTrainOptionTests: XCTestCase {
    func testBatchesNeedData() {
        XCTAssertThrowsError(try BenchTrain.parse(["--batches", "0"]))
        XCTAssertThrowsError(try BenchTrain.parse(["--batches", "3"])) { e in
            XCTAssertTrue(BenchTrain.message(for: e).contains("needs --data"), BenchTrain.message(for: e))
        }
        XCTAssertNoThrow(try BenchTrain.parse(["--batches", "3", "--data", "somewhere"]))
        XCTAssertNoThrow(try BenchTrain.parse([]))
    }
}
