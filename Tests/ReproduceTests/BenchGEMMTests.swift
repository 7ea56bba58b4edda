import XCTest
import TestSupport
@testable import more

/// `more bench gemm --case` (Reproduce/BenchGEMM.swift): the shapes a user asks for, and the same
/// spelling handed to the numpy script.
final class BenchGEMMTests: XCTestCase {
    func testCaseParsing() throws {
        let qk = try BenchGEMM.Case(parsing: "128x197,197,32,T")
        XCTAssertEqual(qk, BenchGEMM.Case(batch: 128, m: 197, n: 197, k: 32, transB: true))
        XCTAssertEqual(qk.label, "128x197 197 32ᵀ")
        XCTAssertEqual(qk.argument, "128,197,197,32,T")
        XCTAssertEqual(qk.flops, 2 * 128 * 197 * 197 * 32)
        let plain = try BenchGEMM.Case(parsing: " 512, 512 ,512")
        XCTAssertEqual(plain, BenchGEMM.Case(batch: 1, m: 512, n: 512, k: 512))
        XCTAssertEqual(plain.argument, "1,512,512,512")
        for bad in ["2,3", "a,b,c", "2x3x4,5,6", "3,3,3,X", ""] {
            XCTAssertThrowsError(try BenchGEMM.Case(parsing: bad), bad) { e in
                XCTAssertTrue("\(e)".contains("is not M,N,K or BxM,N,K"), "\(e)")
            }
        }
        for zero in ["0x3,3,3", "3,3,0"] {
            XCTAssertThrowsError(try BenchGEMM.Case(parsing: zero), zero) { e in
                XCTAssertTrue("\(e)".contains("every size must be at least 1"), "\(e)")
            }
        }
        XCTAssertThrowsError(try BenchGEMM.Case(parsing: "200000,200000,200000")) { e in
            XCTAssertTrue("\(e)".contains("needs 447.0 GiB for its three matrices"), "\(e)")
        }
        XCTAssertNoThrow(try BenchGEMM.parse(["--case", "32x107,107,32,T", "--case", "64,64,64"]))
    }

    /// A script path the user gave that does not exist is an error, not an "n/a" column; an
    /// empty entry in --threads is not skipped.
    func testGivenScriptMustExistAndThreadsHaveNoEmptyEntry() {
        XCTAssertThrowsError(try BenchGEMM.parse(["--case", "8,8,8", "--seconds", "0.01", "--numpy-script", "/nonexistent.py"]).run()) { e in
            XCTAssertEqual(BenchGEMM.message(for: e), "--numpy-script /nonexistent.py: no such file")
        }
        XCTAssertThrowsError(try BenchGEMM.parse(["--case", "8,8,8", "--threads", "1,,2"]).run()) { e in
            XCTAssertTrue(BenchGEMM.message(for: e).hasPrefix("--threads: '' is not a positive thread count"), BenchGEMM.message(for: e))
        }
        XCTAssertThrowsError(try BenchTrain.parse(["--torch-script", "/nonexistent.py", "--no-torch"]).run()) { e in
            XCTAssertEqual(BenchTrain.message(for: e), "--torch-script /nonexistent.py: no such file")
        }
    }

    /// A forced OpenBLAS core that OpenBLAS does not know is an error: OpenBLAS would fall back
    /// to its detected core, and the header would name the unknown one as forced.
    func testAnUnknownOpenBLASCoreIsAnError() throws {
        try Python.require(modules: ["numpy"])
        XCTAssertThrowsError(try BenchGEMM.parse(["--case", "8,8,8", "--seconds", "0.01", "--threads", "1", "--openblas-core", "Bogus"]).run()) { e in
            XCTAssertTrue(BenchGEMM.message(for: e).hasPrefix("--openblas-core Bogus: OpenBLAS does not know this core type"), BenchGEMM.message(for: e))
            XCTAssertEqual(BenchGEMM.exitCode(for: e).rawValue, 64)
        }
    }
}
