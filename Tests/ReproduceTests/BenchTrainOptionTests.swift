import XCTest
@testable import more

/// `more bench train --batches N`: refused without data to cycle through, and with the PyTorch
/// twin (which times one exported batch); accepted otherwise.
final class BenchTrainOptionTests: XCTestCase {
    func testBatchesNeedDataAndNoTorch() {
        XCTAssertThrowsError(try BenchTrain.parse(["--batches", "0"]))
        XCTAssertThrowsError(try BenchTrain.parse(["--batches", "3"])) { e in
            XCTAssertTrue(BenchTrain.message(for: e).contains("needs --data"), BenchTrain.message(for: e))
        }
        XCTAssertThrowsError(try BenchTrain.parse(["--batches", "3", "--data", "somewhere"])) { e in
            XCTAssertTrue(BenchTrain.message(for: e).contains("needs --no-torch"), BenchTrain.message(for: e))
        }
        XCTAssertNoThrow(try BenchTrain.parse(["--batches", "3", "--data", "somewhere", "--no-torch"]))
        XCTAssertNoThrow(try BenchTrain.parse([]))
    }
}
