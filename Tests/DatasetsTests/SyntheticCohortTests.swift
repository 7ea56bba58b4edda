// SyntheticCohortTests — determinism, shapes, ranges, disjoint splits and the selection rules of
// the downstream sets (Sources/Datasets/Synthetic/SyntheticCohort.swift, CohortLabels.swift).

import XCTest
import TensorCore
import TestSupport
@testable import Datasets

final class SyntheticCohortTests: XCTestCase {
    /// A small cohort: 40 pre-training patients, every set scaled down with it.
    static let small: SyntheticCohortConfig = {
        var c = SyntheticCohortConfig().scaled(pretrain: 40)
        c.rawECG = .all
        return c
    }()

    func split(_ name: String, _ c: SyntheticCohortConfig = small) throws -> DatasetSplit {
        let spec = try XCTUnwrap(SyntheticCohort.plan(c).first { $0.name == name })
        return SyntheticCohort.generate(spec, config: c)
    }

    func assertIdentical(_ a: DatasetSplit, _ b: DatasetSplit, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.ids, b.ids, file: file, line: line)
        XCTAssertEqual(a.reportXray, b.reportXray, file: file, line: line)
        XCTAssertEqual(a.reportECG, b.reportECG, file: file, line: line)
        XCTAssertEqual(a.attributes, b.attributes, file: file, line: line)
        XCTAssertEqual(a.labelNames, b.labelNames, file: file, line: line)
        for (x, y) in [(a.xray, b.xray), (a.ecg, b.ecg), (a.ecgRaw, b.ecgRaw)] {
            XCTAssertEqual(x == nil, y == nil, file: file, line: line)
            if let x, let y { XCTAssertTrue(x.bitwiseEqual(y), file: file, line: line) }
        }
        XCTAssertEqual(Set(a.labels.keys), Set(b.labels.keys), file: file, line: line)
        for (k, t) in a.labels { XCTAssertTrue(t.bitwiseEqual(b.labels[k]!), "labels/\(k)", file: file, line: line) }
    }

    func testSameSeedIsBitwiseIdenticalForAnyThreadCount() throws {
        let saved = ThreadPool.shared.threadCount
        defer { ThreadPool.shared.setThreadCount(saved) }
        ThreadPool.shared.setThreadCount(1)
        let one = try split("pretrain_train")
        ThreadPool.shared.setThreadCount(3)
        let three = try split("pretrain_train")
        let again = try split("pretrain_train")
        assertIdentical(one, three)
        assertIdentical(three, again)
    }

    func testDifferentSeedGivesDifferentData() throws {
        var other = Self.small
        other.seed = 7
        let a = try split("pretrain_val"), b = try split("pretrain_val", other)
        XCTAssertEqual(a.ids, b.ids)  // ids are positions, not content
        XCTAssertFalse(a.xray!.bitwiseEqual(b.xray!))
        XCTAssertFalse(a.ecg!.bitwiseEqual(b.ecg!))
        XCTAssertNotEqual(a.reportXray, b.reportXray)
        XCTAssertEqual(b.attributes["seed"], "7")
    }

    func testShapesRangesAndSchema() throws {
        let s = try split("pretrain_test")
        let n = s.count
        XCTAssertEqual(s.xray?.shape, [n, 64, 64])
        XCTAssertEqual(s.ecg?.shape, [n, 12, 1000])
        XCTAssertEqual(s.ecgRaw?.shape, [n, 12, 5000])
        XCTAssertEqual(s.reportXray.count, n)
        XCTAssertEqual(s.reportECG.count, n)
        let x = s.xray!.scalars
        XCTAssertLessThanOrEqual(x.max()!, 1); XCTAssertGreaterThanOrEqual(x.min()!, 0)
        XCTAssertTrue(s.ecg!.scalars.allSatisfy { $0.isFinite && abs($0) < 10 })
        XCTAssertEqual(s.labels["chexpert13"]?.shape, [n, 13])
        XCTAssertEqual(s.labels["mimic4"]?.shape, [n, 4])
        XCTAssertEqual(s.labels["ptbxl_super"]?.shape, [n, 5])
        XCTAssertEqual(s.labels["regions_heart"]?.shape, [n, 4])
        XCTAssertEqual(s.labels["support_devices"]?.shape, [n, 1])
        XCTAssertEqual(s.labels["conditions"]?.shape, [n, CohortLabels.conditionNames.count])
        XCTAssertEqual(s.attributes["generator_version"], SyntheticCohort.version)
        XCTAssertEqual(s.labelNames["chexpert13"], CohortLabels.chexpert13Names)
        XCTAssertEqual(s.labelNames["ptbxl_super"], ["NORM", "MI", "STTC", "HYP", "CD"])
        XCTAssertEqual(s.attributes["ecg_lead_order"], "I,II,III,aVR,aVL,aVF,V1,V2,V3,V4,V5,V6")
        XCTAssertTrue(Set(s.labels["chexpert13"]!.scalars).isSubset(of: [-1, 0, 1]))
        let heart = s.labels["regions_heart"]!.scalars
        XCTAssertTrue(heart.allSatisfy { $0 >= 0 && $0 <= 1 }, "every patient has a heart box inside the image")
        let check = s.schemaCheck(file: "pretrain_test.h5")
        XCTAssertTrue(check.problems.isEmpty, "\(check.problems)")
        XCTAssertTrue(check.warnings.isEmpty, "\(check.warnings)")
    }

    /// Every file `more data synth` writes passes `more data check` (its validator), the box sets
    /// regions_* included (BoxLabels.swift), here for the smallest cohort the command allows.
    func testEveryWrittenSplitPassesTheValidator() throws {
        let dir = try Fixtures.tempDirectory("synth-valid")
        defer { try? FileManager.default.removeItem(at: dir) }
        let c = SyntheticCohortConfig().scaled(pretrain: 10)
        for spec in SyntheticCohort.plan(c) {
            let url = dir.appendingPathComponent(spec.name + ".h5")
            try writeHDF5(SyntheticCohort.generate(spec, config: c), to: url)
            let report = try validateDataset(url)
            XCTAssertTrue(report.isValid, report.text)
        }
    }

    func testSplitsAreDisjointAndSized() {
        let plan = SyntheticCohort.plan(SyntheticCohortConfig())
        XCTAssertEqual(plan.count, 13)
        let ranges = plan.map { $0.firstID..<($0.firstID + $0.count) }
        for i in ranges.indices { for j in ranges.indices where i < j { XCTAssertFalse(ranges[i].overlaps(ranges[j])) } }
        XCTAssertEqual(plan.filter { $0.kind == .pretrain }.map(\.count).reduce(0, +), 3000)
        XCTAssertEqual(plan.first { $0.kind == .chexpert5x200 }?.count, 500)
        let scaled = SyntheticCohort.plan(SyntheticCohortConfig().scaled(pretrain: 300))
        XCTAssertEqual(scaled.filter { $0.kind == .pretrain }.map(\.count).reduce(0, +), 300)
    }

    func testDownstreamSetsFollowTheirSelectionRules() throws {
        let m4 = try split("mimic4label_train")
        XCTAssertFalse(m4.labels["chexpert13"]!.scalars.contains(-1), "the 4-label probe set drops uncertain rows")

        let cx = try split("chexpert5x200")
        XCTAssertNil(cx.ecg)
        let classes = cx.labels["chexpert5_class"]!.scalars.map { Int($0) }
        XCTAssertEqual(Set(classes), [0, 1, 2, 3, 4])
        let l = cx.labels["chexpert13"]!.scalars
        for (i, k) in classes.enumerated() {
            let five = [0, 1, 2, 3, 9].map { l[i * 13 + $0] }
            XCTAssertEqual(five.filter { $0 != 0 }.count, 1, "row \(i): exactly one of the five findings")
            XCTAssertEqual(five[k], 1, "row \(i): the class label is the positive one")
        }

        let pt = try split("ptbxl_train")
        XCTAssertNil(pt.xray)
        XCTAssertEqual(pt.reportXray, [])
        let single = pt.labels["ptbxl_super_single"]!.scalars
        XCTAssertTrue(single.allSatisfy { $0 >= 0 && $0 < 5 }, "every PTB-XL row has a superclass")

        var ed = Self.small
        ed.edema = SplitSizes(train: 80, val: 2, test: 2)
        let edema = try split("edema_train", ed)
        XCTAssertEqual(Set(edema.labels["edema_severity"]!.scalars), [0, 1, 2, 3])
    }

    func testPTBXLSingleLabelUsesTheAuthorsPriority() {
        XCTAssertEqual(CohortLabels.ptbxlSingle([1, 0, 0, 0, 0]), 0)
        XCTAssertEqual(CohortLabels.ptbxlSingle([0, 1, 1, 1, 1]), 2, "STTC before MI")
        XCTAssertEqual(CohortLabels.ptbxlSingle([0, 1, 0, 1, 1]), 1, "MI before HYP")
        XCTAssertEqual(CohortLabels.ptbxlSingle([0, 0, 0, 1, 1]), 3, "HYP before CD")
        XCTAssertEqual(CohortLabels.ptbxlSingle([0, 0, 0, 0, 0]), -1)
    }

    func testGalleryHasOneTypicalPatientPerCondition() {
        var c = SyntheticCohortConfig()
        c.rawECG = .none
        let g = SyntheticCohort.gallery(c)
        XCTAssertEqual(g.count, SyntheticCohort.galleryConditions.count)
        XCTAssertEqual(g.ids.first, "gallery-Healthy")
        let cond = g.labels["conditions"]!.scalars, names = CohortLabels.conditionNames
        for (row, name) in SyntheticCohort.galleryConditions.enumerated() {
            let col = names.firstIndex(of: name)!
            XCTAssertEqual(cond[row * names.count + col], 1, "gallery row \(name) has its condition")
        }
        XCTAssertTrue(g.reportECG[6].contains("Atrial fibrillation") || g.reportECG[6].contains("Sinus arrhythmia"))
    }
}
