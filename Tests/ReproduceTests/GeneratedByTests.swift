import XCTest
@testable import more

/// The first provenance line of a table or figure: `make NAME` under make, else the command as
/// typed, quoted for a shell.
final class GeneratedByTests: XCTestCase {
    func testMakeNamesItsTarget() {
        XCTAssertEqual(generatedBy("table-retrieval", environment: ["MAKELEVEL": "1"], arguments: ["more", "table", "x"]),
                       "`make table-retrieval`")
    }

    func testByHandTheCommandLineIsRecorded() {
        let args = ["/x/.build/release/more", "table", "table-zeroshot-cxr", "--data", "data/real", "--seed", "7",
                    "--out", "my tables", "--config", "it's.json"]
        XCTAssertEqual(generatedBy("table-zeroshot-cxr", environment: [:], arguments: args),
                       #"`more table table-zeroshot-cxr --data data/real --seed 7 --out 'my tables' --config 'it'\''s.json'`"#)
    }
}
