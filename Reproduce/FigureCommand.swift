// more figure — regenerates one of the paper's figures into Figures/ (PNG + SVG, with the .gp
// script and .dat data beside them so `cd Figures && gnuplot NAME.gp` re-plots).

import ArgumentParser
import Foundation
import MoRE
import Datasets
import Eval
import Plot

struct FigureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "figure",
        abstract: "Regenerate one figure (PNG + SVG via gnuplot).",
        discussion: """
            Names: \(FigureCommand.names.joined(separator: ", ")).

            figure-attention-xray and figure-attention-ecg come from one explanation study: either name \
            writes both figures (and both explanation-scores JSON files).

            Pre-training: figure2 has an X-ray–text-only column; when that ablation run is missing from \
            --ablation-runs it is pre-trained first (on --data, --ablation-epochs epochs).
            """)

    static let names = ["figure-cohort", "figure2", "figure3", "figure4", "figure5", "figure-training", "figure-roc",
                        "figure-attention-xray", "figure-attention-ecg"]

    @Argument(help: "Figure name, e.g. figure2.")
    var name: String

    @Option(name: .long, help: "Output folder.")
    var out: String = "Figures"

    @Option(name: .long, help: "Dataset folder (every figure but figure-cohort).")
    var data: String?

    @Option(name: .long, help: "Pre-trained MoRE checkpoint, best.safetensors (every figure but figure-cohort).")
    var checkpoint: String?

    @Option(name: .long, help: "Seed (t-SNE, probes; figure-cohort: the patients drawn).")
    var seed: UInt64 = 42

    @OptionGroup var ablation: AblationOptions

    @OptionGroup var compute: ComputeOptions

    @Flag(name: .long, help: "No progress bars (stderr; a bar appears for an embedding pass that runs longer than 2 s).")
    var quiet = false

    func run() throws {
        let t0 = Date()
        try compute.apply()
        if !quiet { PassProgressBars.installForEvaluation() }
        guard FigureCommand.names.contains(name) else {
            throw ValidationError("unknown figure '\(name)'; use one of \(FigureCommand.names.joined(separator: ", "))")
        }
        let outDir = URL(fileURLWithPath: out)
        try requireWritableOutputFolder(outDir)      // created by the first figure's write, not before the inputs are read
        if name == "figure-cohort" {
            try refuseUnusedOptions(optionsGiven([("--data", data != nil), ("--checkpoint", checkpoint != nil)]) + ablation.given,
                                    job: name, reason: "it draws patients of the synthetic generator afresh with --seed, without data or checkpoint")
            try writeFigures([try cohortFigure(seed: seed)], outDir: outDir) { _ in
                cohortFigureProvenance(seed: seed, wallSeconds: Date().timeIntervalSince(t0))
            }
            print("wrote \(outDir.appendingPathComponent(name + ".png").path)")
            return
        }
        guard let data, let checkpoint else {
            throw ValidationError("\(name) needs --data DIR and --checkpoint FILE (or run `make \(name)`)")
        }
        let dataURL = URL(fileURLWithPath: data), ckURL = URL(fileURLWithPath: checkpoint)
        try DataRequirements.named(name)?.check(folder: dataURL)   // a missing file or label set before the model loads
        let ctx = try EvalContext(data: dataURL, checkpoint: ckURL, seed: seed, bootstrap: 1000)
        // figure2's X-ray–text-only column needs the ablation run trained on this dataset's
        // pre-training splits; a folder without them (a converted CheXpert set) gets no column.
        let pretrainSplits = ["pretrain_train", "pretrain_val"].map { dataURL.appendingPathComponent($0 + ".h5").path }
        if name == "figure2" {
            if pretrainSplits.allSatisfy(FileManager.default.fileExists) {
                ctx.ablation = try ablation.plan(checkpoint: ckURL, data: dataURL, info: ctx.checkpointInfo)
            } else {
                FileHandle.standardError.write(Data("figure2: no pretrain_train.h5/pretrain_val.h5 in \(data): no X-ray–text-only column\n".utf8))
            }
        }
        var figures: [Figure] = []
        var companions: [(String, Data)] = []     // files written with the figures
        switch name {
        case "figure2": figures = [try ctx.figureTSNE()]
        case "figure3", "figure4":
            guard let f = EvalContext.textToXrayFigures[name] else { throw ValidationError("unknown figure '\(name)'") }
            figures = [try ctx.figureTextToXray(name: name, query: f.query, findings: f.findings, figureNumber: f.number)]
        case "figure5": figures = [try ctx.figureXrayToECG()]
        case "figure-training": figures = [try ctx.figureTraining()]
        case "figure-attention-xray", "figure-attention-ecg":
            // One study makes both figures (so both get their provenance; `make` runs it once for
            // the pair); the random-init encoder is scored as a floor.
            let test = try ctx.split("pretrain_test")
            let (report, drawn) = try attentionFigures(model: ctx.model, split: test.split, file: test.file, tokenizer: ctx.tokenizer)
            figures = drawn
            let floor = try explanationStudy(model: ctx.randomModel, split: test.split, file: test.file, tokenizer: ctx.tokenizer,
                                             options: ExplanationStudyOptions()).report
            let enc = JSONEncoder(); enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            companions = [("explanation-scores.json", try enc.encode(report)), ("explanation-scores-random-init.json", try enc.encode(floor))]
            for f in report.findings { print(f.summary) }
        default: figures = [try ctx.figureROC()]
        }
        try writeFigures(figures, companions: companions, outDir: outDir) { figure in
            try ctx.figureProvenance(figure, wallSeconds: Date().timeIntervalSince(t0))
        }
        let made = figures.map(\.name)
        print("wrote " + made.map { outDir.appendingPathComponent($0 + ".png").path }.joined(separator: " and "))
        guard made.contains(name) else { throw ValidationError("\(name) was not drawn: the explanation study had no patient for it") }
    }
}
