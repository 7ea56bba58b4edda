// Tests for MIMICReport and MIMICConverter on the miniature MIMIC-CXR-JPG + MIMIC-IV-ECG fixture
// in Tests/Golden/convert/mimic (layout and CSV columns of the published datasets; images are
// Kermany JPEGs, ECGs are PTB-XL and LUDB records — see its README.md). The expected report
// strings were produced by running the authors' preprocess_notes.py functions (sections,
// clean_text, remove_sentences_with_time) on the same inputs with Python 3.11.

import Foundation
import XCTest
import TensorCore
import TestSupport
@testable import Datasets

final class ConvertMIMICTests: XCTestCase {
    static let fixture = Fixtures.repoRoot.appendingPathComponent("Tests/Golden/convert/mimic")
    var dir: URL!
    var cxr: URL { dir.appendingPathComponent("mimic-cxr-jpg") }
    var ecg: URL { dir.appendingPathComponent("mimic-iv-ecg") }
    var out: URL { dir.appendingPathComponent("out") }

    override func setUpWithError() throws {
        dir = try Fixtures.tempDirectory("convert-mimic")
        for sub in ["mimic-cxr-jpg", "mimic-iv-ecg"] {
            try FileManager.default.copyItem(at: Self.fixture.appendingPathComponent(sub), to: dir.appendingPathComponent(sub))
        }
    }
    override func tearDownWithError() throws { if let dir { try? FileManager.default.removeItem(at: dir) } }

    func convert(_ window: MIMICConverter.DayWindow = .calendarDays) throws -> ConvertSummary {
        try MIMICConverter.convert(cxrRoot: cxr, ecgRoot: ecg, out: out, window: window, options: ConvertOptions(xraySize: 64))
    }
    func read(_ name: String) throws -> DatasetSplit { try readHDF5(out.appendingPathComponent(name)) }
    func edit(_ file: URL, _ from: String, _ to: String) throws {
        let s = try String(contentsOf: file, encoding: .utf8)
        XCTAssertTrue(s.contains(from), "edit target \(from) not in \(file.lastPathComponent)")
        try s.replacingOccurrences(of: from, with: to).write(to: file, atomically: true, encoding: .utf8)
    }

    static let d1 = "02aa804e-bde0afdd-112c0b34-7bc16630-4e384014", d3 = "2a2277a9-b0ded155-c0de8eb9-c124d10e-82c5caab"
    static let d4 = "68b5c4b1-227d0485-9cc38c3f-7b84ab51-4b472714", d5 = "fffabebf-74fd3a1f-673b6b41-96ec0ac9-2ab69818"
    var report1: String { (try? String(contentsOf: cxr.appendingPathComponent("files/p10/p10000032/s50414267.txt"), encoding: .utf8)) ?? "" }
    var report2: String { (try? String(contentsOf: cxr.appendingPathComponent("files/p10/p10000032/s53189527.txt"), encoding: .utf8)) ?? "" }

    // MARK: report text (authors' outputs)

    func testReportCleaningMatchesTheAuthorsFunctions() {
        let clean = { (s: String) in MIMICReport.removeTimeSentences(MIMICReport.clean(MIMICReport.sections(s))) }
        XCTAssertEqual(clean(report1), "FINDINGS: There is no focal consolidation, pleural effusion or pneumothorax. Bilateral nodular opacities that most likely represent nipple shadows. The cardiomediastinal silhouette is normal. Clips project over the left lung, potentially within the breast. The imaged upper abdomen is unremarkable. Chronic deformity of the posterior left sixth and seventh ribs are noted. IMPRESSION: No acute cardiopulmonary process.")
        XCTAssertEqual(clean(report2), "FINDINGS: Lines and tubes are unchanged. Heart size is normal stable. Resolved. IMPRESSION: Mild edema, i.e. fluid.")
        XCTAssertEqual(clean(" EXAMINATION: Portable chest. Comparison made with 2 amounts of prior studies. No change.\n"),
                       "EXAMINATION: Portable chest. No change.")
        XCTAssertEqual(clean(" IMPRESSION: Only impression here. Notified at 08:30."), "IMPRESSION: Only impression here.")
    }

    func testLabelSentenceAndECGNote() {
        var l = [Float](repeating: 0, count: 13)
        l[1] = 1; l[3] = 1; l[2] = -1; l[11] = -1
        XCTAssertEqual(MIMICReport.labelSentence(l), "Cardiomegaly, Edema is present. uncertain finding of Consolidation, Pneumonia")
        XCTAssertEqual(MIMICReport.xrayNote(report: nil, labels: [Float](repeating: 0, count: 13)), "")
        XCTAssertEqual(MIMICReport.xrayNote(report: "FINDINGS: Seen at 10:15.", labels: l),
                       "Cardiomegaly, Edema is present. uncertain finding of Consolidation, Pneumonia")
        XCTAssertEqual(MIMICReport.ecgNote(["Sinus rhythm", "Normal ECG", "", "", "", "", ""]), "Sinus rhythm Normal ECG     ")
        XCTAssertEqual(MIMICReport.ecgNote(["", "", "", "", "", "", ""]), "ECG note not available.")
    }

    func testDatesAndWindows() {
        XCTAssertEqual(MIMICConverter.dayNumber(1970, 1, 1), 0)
        XCTAssertEqual(MIMICConverter.dayNumber(2000, 3, 1) - MIMICConverter.dayNumber(2000, 2, 28), 2)  // leap year
        XCTAssertEqual(MIMICConverter.parseStudyDate("21650101"), MIMICConverter.dayNumber(2165, 1, 1))
        XCTAssertNil(MIMICConverter.parseStudyDate("2165-01-01"))
        let t = MIMICConverter.parseTimestamp("2165-03-02 10:00:00")
        XCTAssertEqual(t?.seconds, 36_000)
        let study = MIMICConverter.dayNumber(2165, 1, 1)
        XCTAssertEqual(MIMICConverter.dayDifference(studyDay: study, ecgDay: t!.day, ecgSeconds: t!.seconds, window: .calendarDays), -60)
        XCTAssertEqual(MIMICConverter.dayDifference(studyDay: study, ecgDay: t!.day, ecgSeconds: t!.seconds, window: .authorsTimestamp), -61)
        XCTAssertEqual(MIMICConverter.dayDifference(studyDay: 10, ecgDay: 9, ecgSeconds: 82_800, window: .authorsTimestamp), 0)
    }

    func testCarveOutIsSeededAndCeilTwoPercent() {
        XCTAssertEqual(MIMICConverter.carveOut(2, fraction: 0.02, seed: 42).count, 1)
        XCTAssertEqual(MIMICConverter.carveOut(1000, fraction: 0.02, seed: 42).count, 20)
        XCTAssertEqual(MIMICConverter.carveOut(1001, fraction: 0.02, seed: 42).count, 21)
        XCTAssertEqual(MIMICConverter.carveOut(1000, fraction: 0.02, seed: 42), MIMICConverter.carveOut(1000, fraction: 0.02, seed: 42))
        XCTAssertNotEqual(MIMICConverter.carveOut(1000, fraction: 0.02, seed: 42), MIMICConverter.carveOut(1000, fraction: 0.02, seed: 43))
    }

    // MARK: end to end

    func testPairsSplitsReportsLabelsAndValidity() throws {
        let s = try convert()
        XCTAssertTrue(s.skipped.isEmpty, s.text)
        XCTAssertEqual(s.written.map(\.file), ["pretrain_train.h5", "pretrain_val.h5", "pretrain_test.h5", "mimic4label_train.h5", "mimic4label_test.h5"])
        for w in s.written { XCTAssertTrue(try validateDataset(out.appendingPathComponent(w.file)).isValid, w.file) }
        let train = try read("pretrain_train.h5"), val = try read("pretrain_val.h5"), test = try read("pretrain_test.h5")
        // d1 and d3 pair with ECG 40689238 (0 and 51 days); ECG 44458630 is > 60 days from both; LATERAL d2 dropped.
        XCTAssertEqual(Set(train.ids + val.ids), ["mimic-\(Self.d1)-40689238", "mimic-\(Self.d3)-40689238", "mimic-\(Self.d4)-45090959"])
        XCTAssertEqual(train.count, 1)
        XCTAssertEqual(val.ids.first, "mimic-\(Self.d4)-45090959", "validate first, then the carve-out")
        XCTAssertEqual(test.ids, ["mimic-\(Self.d5)-48446569"])
        XCTAssertEqual(test.reportXray, ["Cardiomegaly, Edema is present"], "no report file: label sentence")
        XCTAssertEqual(test.reportECG, ["ECG note not available."])
        XCTAssertEqual(val.reportXray[0], "Cardiomegaly is present. uncertain finding of Consolidation, Pneumonia")
        XCTAssertEqual(val.reportECG[0], "Sinus rhythm Left axis deviation Borderline ECG    ")
        XCTAssertEqual(test.labelNames["chexpert13"], CohortLabels.chexpert13Names)
        XCTAssertEqual(test.labels["chexpert13"]?.scalars, [0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        XCTAssertEqual(test.labels["mimic4"]?.scalars, [0, 1, 1, 0])
        XCTAssertEqual(val.labels["chexpert13"]?.scalars[2], -1, "uncertain kept")
        let labelled = try read("mimic4label_train.h5")
        XCTAssertEqual(labelled.ids, ["mimic-\(Self.d1)-40689238"], "d3 has an uncertain label")
    }

    func testXrayAndECGRowsEqualThePreprocessingOfTheirFiles() throws {
        _ = try convert()
        let test = try read("pretrain_test.h5")
        let image = cxr.appendingPathComponent(MIMICLayout.imagePath(subject: "10001122", study: "58411313", dicom: Self.d5))
        XCTAssertEqual(test.xray?.scalars, try preprocessXray(contentsOf: image, size: 64))
        let rec = try WFDBRecord(record: ecg.appendingPathComponent("files/p1000/p10001122/s48446569/48446569"))
        XCTAssertEqual(test.ecg?.scalars, try preprocessECG(rec.physical(), leads: 12, samplingRate: 500))
        XCTAssertEqual(test.xray?.shape, [1, 64, 64])
    }

    func testAuthorsTimestampWindowDropsTheECGTakenLaterOnDay60() throws {
        let s = try convert(.authorsTimestamp)
        XCTAssertFalse(s.written.map(\.file).contains("pretrain_test.h5"))
        XCTAssertEqual(s.rowsWritten, 3 + 1)
    }

    // MARK: bad input

    func testMissingColumnIsATypedError() throws {
        let meta = cxr.appendingPathComponent("mimic-cxr-2.0.0-metadata.csv")
        try edit(meta, "ViewPosition", "View")
        XCTAssertThrowsError(try convert()) { XCTAssertEqual($0 as? DataError, .missingField(file: meta.path, field: "column ViewPosition")) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
    }

    func testMissingECGFolderIsATypedError() throws {
        try FileManager.default.removeItem(at: ecg)
        XCTAssertThrowsError(try convert()) { XCTAssertEqual($0 as? DataError, .missingFile(ecg.path)) }
    }

    func testMalformedCSVRowIsATypedError() throws {
        let rl = ecg.appendingPathComponent("record_list.csv")
        try edit(rl, "2180-05-06 09:30:00,", "\"2180-05-06 09:30:00,")
        XCTAssertThrowsError(try convert()) { error in
            guard case DataError.malformed(let f, _, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(f, rl.path)
        }
    }

    func testUnreadableImageIsSkipped() throws {
        let image = cxr.appendingPathComponent(MIMICLayout.imagePath(subject: "10001122", study: "58411313", dicom: Self.d5))
        try Data("not a jpeg".utf8).write(to: image)
        let s = try convert()
        XCTAssertEqual(s.skipped.map(\.record), ["mimic-\(Self.d5)-48446569"])
        XCTAssertEqual(s.skipped.first?.reason, "unreadable X-ray image")
        XCTAssertTrue(s.skipped[0].detail.contains(image.lastPathComponent), s.skipped[0].detail)
    }

    func testTruncatedECGIsSkippedForEveryPairUsingIt() throws {
        let dat = ecg.appendingPathComponent("files/p1000/p10000032/s40689238/40689238.dat")
        try Data(try Data(contentsOf: dat).prefix(1001)).write(to: dat)
        let s = try convert()
        XCTAssertEqual(Set(s.skipped.map(\.record)), ["mimic-\(Self.d1)-40689238", "mimic-\(Self.d3)-40689238"])
        XCTAssertEqual(s.skipCounts.first?.count, 2)
        XCTAssertTrue(s.skipped[0].detail.contains("40689238.dat"), s.skipped[0].detail)
    }

    func testNonUTF8ReportIsSkipped() throws {
        let url = cxr.appendingPathComponent("files/p10/p10000032/s53189527.txt")
        try Data([0x46, 0x49, 0xFF, 0xFE, 0x0A]).write(to: url)
        let s = try convert()
        XCTAssertEqual(s.skipped.map(\.record), ["mimic-\(Self.d3)-40689238"])
        XCTAssertTrue(s.skipped[0].detail.contains("s53189527.txt") && s.skipped[0].detail.contains("UTF-8"), s.skipped[0].detail)
    }

    func testMalformedLabelIsSkipped() throws {
        try edit(cxr.appendingPathComponent("mimic-cxr-2.0.0-chexpert.csv"), "10001122,58411313,,1.0", "10001122,58411313,,yes")
        let s = try convert()
        XCTAssertEqual(s.skipped.map(\.record), [Self.d5])
        XCTAssertEqual(s.skipped.first?.reason, "malformed CheXpert label")
    }

    func testLimitCapsPairs() throws {
        let s = try MIMICConverter.convert(cxrRoot: cxr, ecgRoot: ecg, out: out, options: ConvertOptions(limit: 2, xraySize: 64))
        XCTAssertEqual(s.written.filter { $0.file.hasPrefix("pretrain") }.reduce(0) { $0 + $1.rows }, 2)
    }
}
