// DataRequirements — what each table and figure reads from the dataset folder: per split file,
// the root datasets (X-rays, ECGs, reports) and the label sets it needs, read off the code that
// makes it (Tables/*.swift, Figures/*.swift), and what it reads in those label sets (`LabelRead`,
// LabelContentCheck.swift: the classes it selects, valid label values, rows left with a usable
// label, the classes that need a positive and a negative row), checked by the evaluation's own
// code on the labels alone. The one list behind three things: `more data check FOLDER` (its
// "tables and figures" section and `--for`), the check `more table` and `more figure` make
// before they load the model (a missing file or label set, an unknown class or a class without
// a positive row is the error the evaluation would raise after minutes — for table-ablation and
// the probe tables after pre-training their ablation runs — raised at once), and the splits a
// figure's provenance names.
//
// Deliberately not here: what the evaluation tolerates or meets only with the model (a class
// with one label value in a test split's AUROC, a non-finite embedding), the values of X-rays
// and ECGs (`data check` validates them per file). Optional inputs are not listed either:
// figure2's X-ray–text-only column (dropped without pretrain_train.h5/pretrain_val.h5), the
// attention figures' mimic4, ptbxl_super and regions_* (without them a finding is drawn but not
// scored; when present, their content is checked).

import Foundation
import Datasets
import Eval

/// What one table or figure needs from one split file of the dataset folder.
struct SplitRequirement: Equatable, Sendable {
    /// The split: `<folder>/<split>.h5`.
    var split: String
    /// Root datasets, as `DatasetSchema` names them ("/xray", "/report_ecg").
    var fields: [String]
    /// Label sets under `/labels`.
    var labelSets: [String]
    /// Needed to pre-train the ablation runs (the probe tables' bi-modal row of a tri-modal
    /// checkpoint, table-ablation), not by the evaluation itself: `more table` checks these
    /// where it resolves the runs (AblationRuns.swift), and a finished run needs no
    /// pretrain_val.h5.
    var forAblationRuns = false

    var file: String { split + ".h5" }
}

/// One split file as a requirement check sees it: its datasets, or why it cannot be used.
enum SplitContents: Equatable, Sendable {
    /// The file's datasets by full name ("/ecg", "/labels/mimic4") and its rows (nil when
    /// `/ids` is unusable).
    case present(rows: Int?, fields: Set<String>)
    /// The file is there but cannot be used ("cannot be opened", "invalid: see its problems above").
    case unusable(String)

    /// The contents a `ValidationReport` describes; an invalid file is `.unusable` when
    /// `invalidIsUnusable` (`data check`; the table commands look at the structure only).
    init(_ report: ValidationReport, invalidIsUnusable: Bool) {
        if invalidIsUnusable && !report.isValid {
            self = .unusable("invalid (its problems are listed above)")
        } else {
            self = .present(rows: report.n, fields: Set(report.fields.map(\.name)))
        }
    }
}

/// One thing a table or figure needs that a folder lacks.
struct MissingData: Equatable, Sendable {
    enum Problem: Equatable, Sendable {
        /// No such file in the folder.
        case file
        /// The file cannot be used; the reason.
        case unusable(String)
        /// The file has no rows.
        case noRows
        /// A root dataset ("/ecg") is missing.
        case field(String)
        /// A label set is missing; the label sets the file has.
        case labelSet(String, available: [String])
        /// A label set's content is not what a use needs: the evaluation's error (an unknown
        /// class, an invalid value, no usable row, a class without a positive row).
        case labels(EvalError)
    }
    var split: String
    var problem: Problem
    var forAblationRuns = false

    /// "edema_test.h5: no label set 'edema_severity'", "chexpert5x200.h5: missing".
    var text: String { "\(split).h5: " + problemText }

    var problemText: String {
        switch problem {
        case .file: return "missing"
        case .unusable(let reason): return reason
        case .noRows: return "no rows"
        case .field(let f): return "no '\(DataRequirements.modalityName(f))'"
        case .labelSet(let s, _): return "no label set '\(s)'"
        case .labels(let e):
            let text = e.description, prefix = (e.file ?? "") + ": "
            return text.hasPrefix(prefix) ? String(text.dropFirst(prefix.count)) : text
        }
    }

    /// The typed error the evaluation raises for the same gap, naming the file in `folder` and
    /// what needs it: `TableError.missingSplit`/`.emptySplit`, `EvalError.missingModality`/
    /// `.missingLabels`, or the evaluation's own error about a label set's content.
    func error(folder: URL, neededBy name: String) -> Error {
        let path = folder.appendingPathComponent(split + ".h5").path
        switch problem {
        case .file: return TableError.missingSplit(file: path, split: split)
        case .noRows: return TableError.emptySplit(file: path, split: split)
        case .unusable(let reason): return DataError.unreadable(file: path, format: "HDF5", reason: reason)
        case .field(let f): return EvalError.missingModality(file: path, modality: DataRequirements.modalityName(f), protocolName: name)
        case .labelSet(let s, let available): return EvalError.missingLabels(file: path, labelSet: s, protocolName: name, available: available)
        case .labels(let e): return e
        }
    }
}

/// What a table or figure needs from the dataset folder.
///
///     let r = DataRequirements.named("table-edema-severity")!
///     try r.check(folder: data)      // throws EvalError.missingLabels naming edema_test.h5, …
struct DataRequirements: Sendable {
    /// The table or figure ("table-edema-severity", "figure2").
    var name: String
    var splits: [SplitRequirement]
    /// What it reads in the label sets of `splits` (LabelContentCheck.swift).
    var labels: [LabelRead] = []

    /// Every table and figure that reads split files, in `TableCommand.names` then
    /// `FigureCommand.names` order.
    static let all: [DataRequirements] = {
        let x = DatasetSchema.xray, e = DatasetSchema.ecg
        let pairs = [x, e, DatasetSchema.reportXray, DatasetSchema.reportECG]   // a paired split the text tower reads too
        func probe(_ p: EvalContext.ProbeSpec) -> [SplitRequirement] {
            [p.splits.0, p.splits.1, p.splits.2].map { SplitRequirement(split: $0, fields: [p.modality == .xray ? x : e], labelSets: [p.labelSet]) }
        }
        let (mimic4, edema, ptbxl) = (EvalContext.mimic4LabelSpec, EvalContext.edemaSeveritySpec, EvalContext.ptbxlProbeSpec)
        // pretrainingPairs (Pretrain.swift) reads all four from both; the run's data hash is pretrain_train.h5's.
        let ablationRuns = ["pretrain_train", "pretrain_val"].map { SplitRequirement(split: $0, fields: pairs, labelSets: [], forAblationRuns: true) }
        let chexpert = SplitRequirement(split: "chexpert5x200", fields: [x], labelSets: ["chexpert5_class"])   // ZeroShotTask.cheXpert
        let mimicTest = SplitRequirement(split: "mimic4label_test", fields: [x], labelSets: ["mimic4"])
        let retrieval = SplitRequirement(split: "pretrain_test", fields: pairs, labelSets: ["mimic4"])       // precision@K's labels
        let attention = [SplitRequirement(split: "pretrain_test", fields: [x, e], labelSets: [])]          // one study explains both towers
        return [
            DataRequirements(name: "table-zeroshot-cxr", splits: [chexpert], labels: [.zeroShotCXR]),
            DataRequirements(name: "table-zeroshot-ecg", splits: [SplitRequirement(split: "ptbxl_test", fields: [e], labelSets: ["ptbxl_super_single", "ptbxl_super"])],
                             labels: [.zeroShotECG]),
            DataRequirements(name: "table-retrieval", splits: [retrieval], labels: [.retrieval]),
            DataRequirements(name: "table-mimic-4label", splits: probe(mimic4) + ablationRuns, labels: [.probeTable(mimic4)]),
            DataRequirements(name: "table-edema-severity", splits: probe(edema) + ablationRuns, labels: [.probeTable(edema)]),
            DataRequirements(name: "table-ptbxl-probe", splits: probe(ptbxl) + ablationRuns, labels: [.probeTable(ptbxl)]),
            DataRequirements(name: "table-ablation", splits: probe(mimic4) + probe(ptbxl) + [chexpert, retrieval] + ablationRuns, labels: LabelRead.headline),
            DataRequirements(name: "figure2", splits: [chexpert, mimicTest], labels: LabelRead.tsne),
            DataRequirements(name: "figure3", splits: [mimicTest], labels: [.textToXray("figure3")]),
            DataRequirements(name: "figure4", splits: [mimicTest], labels: [.textToXray("figure4")]),
            DataRequirements(name: "figure5", splits: [SplitRequirement(split: "pretrain_test", fields: pairs, labelSets: [])]),
            DataRequirements(name: "figure-roc", splits: probe(EvalContext.rocProbe), labels: [.roc]),
            DataRequirements(name: "figure-attention-xray", splits: attention, labels: [.explanation]),
            DataRequirements(name: "figure-attention-ecg", splits: attention, labels: [.explanation]),
        ]
    }()

    /// The tables and figures that read no split file: the static tables, the cohort figure
    /// (drawn by the generator) and the training curves (from the run's logs).
    static let needNoSplit = ["table-params", "table-hparams", "figure-cohort", "figure-training"]

    static func named(_ name: String) -> DataRequirements? { all.first { $0.name == name } }

    /// "xray" for "/xray": how `EvalError.missingModality` names a root dataset.
    static func modalityName(_ field: String) -> String { field.hasPrefix("/") ? String(field.dropFirst()) : field }

    /// The distinct splits the evaluation reads (not the ablation runs'), in order: what a
    /// figure's provenance lists.
    var evaluatedSplits: [String] {
        var out: [String] = []
        for s in splits where !s.forAblationRuns && !out.contains(s.split) { out.append(s.split) }
        return out
    }

    /// Everything `folder` (split name → contents; a split that is not a key is missing) lacks,
    /// in the order of `splits`, each split's gaps once. With `ablationRuns` false the
    /// ablation runs' splits are left out.
    func missing(in folder: [String: SplitContents], ablationRuns: Bool = true) -> [MissingData] {
        var out: [MissingData] = []
        for r in splits where ablationRuns || !r.forAblationRuns {
            func add(_ p: MissingData.Problem) {
                let m = MissingData(split: r.split, problem: p, forAblationRuns: r.forAblationRuns)
                if !out.contains(where: { $0.split == m.split && $0.problem == m.problem }) { out.append(m) }
            }
            guard let contents = folder[r.split] else { add(.file); continue }
            switch contents {
            case .unusable(let reason): add(.unusable(reason))
            case .present(let rows, let fields):
                if rows == 0 { add(.noRows); continue }
                for f in r.fields where !fields.contains(f) { add(.field(f)) }
                let prefix = DatasetSchema.labels + "/"
                let available = fields.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }.sorted()
                for s in r.labelSets where !available.contains(s) { add(.labelSet(s, available: available)) }
            }
        }
        return out
    }

    /// The structure of the split files this needs in `folder` (`validateDataset` without the
    /// values: metadata only, milliseconds per file). A file that cannot be opened throws its
    /// `DataError`, as reading it would.
    func contents(of folder: URL, ablationRuns: Bool = false) throws -> [String: SplitContents] {
        var out: [String: SplitContents] = [:]
        for r in splits where (ablationRuns || !r.forAblationRuns) && out[r.split] == nil {
            let url = folder.appendingPathComponent(r.file)
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            out[r.split] = SplitContents(try validateDataset(url, checkValues: false), invalidIsUnusable: false)
        }
        return out
    }

    /// Throws the first gap of `folder` as the evaluation's own typed error (`MissingData.error`),
    /// without the ablation runs' splits: first what the files lack, then what their label sets
    /// hold (`labelGaps`: `EvalError.unknownClass`, `.invalidLabel`, `.noUsableRows`, …); a
    /// folder that is not there is the `DataError` of `requireDatasetFolder`. `more table` and
    /// `more figure` call it before loading the model.
    func check(folder: URL) throws {
        try requireDatasetFolder(folder)
        let structural = missing(in: try contents(of: folder), ablationRuns: false)
        if let first = structural.first ?? labelGaps(LabelCache(folder: folder), structural: structural).first {
            throw first.error(folder: folder, neededBy: name)
        }
    }

    /// Short lines for a report: one per file with gaps ("ptbxl_test.h5: no 'ecg', no label set
    /// 'ptbxl_super'"), the missing files together ("ptbxl_train.h5, ptbxl_val.h5: missing");
    /// the ablation runs' gaps marked "(to pre-train the ablation runs)".
    static func lines(_ missing: [MissingData]) -> [String] {
        var out: [String] = []
        for ablation in [false, true] {
            let part = missing.filter { $0.forAblationRuns == ablation }
            let suffix = ablation ? " (to pre-train the ablation runs)" : ""
            let absent = part.filter { $0.problem == .file }.map { $0.split + ".h5" }
            if !absent.isEmpty { out.append(absent.joined(separator: ", ") + ": missing" + suffix) }
            var files: [String] = []
            for m in part where m.problem != .file && !files.contains(m.split) { files.append(m.split) }
            for f in files {
                out.append("\(f).h5: " + part.filter { $0.split == f }.map(\.problemText).joined(separator: ", ") + suffix)
            }
        }
        return out
    }
}
