// more figure — regenerates one of the paper's figures into Figures/ (PNG + SVG, with the .gp
// script and .dat data beside them so `cd Figures && gnuplot NAME.gp` re-plots).

import ArgumentParser
import Foundation
import MoRE
import Eval

struct FigureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "figure",
        abstract: "Regenerate one figure (PNG + SVG via gnuplot).",
        discussion: "Names: \(FigureCommand.names.joined(separator: ", ")).")

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

    @Option(name: .long, help: "Seed (t-SNE, probes).")
    var seed: UInt64 = 42

    @OptionGroup var ablation: AblationOptions

    @OptionGroup var compute: ComputeOptions

    func run() throws {
        let t0 = Date()
        try compute.apply()
        guard FigureCommand.names.contains(name) else {
            throw ValidationError("unknown figure '\(name)'; use one of \(FigureCommand.names.joined(separator: ", "))")
        }
        let outDir = URL(fileURLWithPath: out)
        try requireWritableFolder(outDir)
        try FileManager.default.createDirectory(at: outDir, withIntermediateDirectories: true)
        if name == "figure-cohort" {
            print("wrote \(try makeCohortFigure(seed: seed, outDir: outDir).path)")
            return
        }
        guard let data, let checkpoint else {
            throw ValidationError("\(name) needs --data DIR and --checkpoint FILE (or run `make \(name)`)")
        }
        let dataURL = URL(fileURLWithPath: data), ckURL = URL(fileURLWithPath: checkpoint)
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
        let url: URL
        var made = [name]     // the figures this command drew
        switch name {
        case "figure2": url = try ctx.figureTSNE(outDir: outDir)
        case "figure3": url = try ctx.figureTextToXray(name: "figure3", query: "Cardiomegaly is severe", findings: ["Cardiomegaly"], figureNumber: 3, outDir: outDir)
        case "figure4": url = try ctx.figureTextToXray(name: "figure4", query: "There is presence of Edema and Effusion", findings: ["Edema", "Pleural Effusion"], figureNumber: 4, outDir: outDir)
        case "figure5": url = try ctx.figureXrayToECG(outDir: outDir)
        case "figure-training": url = try ctx.figureTraining(outDir: outDir)
        case "figure-attention-xray", "figure-attention-ecg":
            // One study makes both figures (so both get their provenance; `make` runs it once for
            // the pair); the random-init encoder is scored as a floor.
            let test = try ctx.split("pretrain_test")
            let (report, drawn) = try makeAttentionFigures(model: ctx.model, split: test.split, tokenizer: ctx.tokenizer, outDir: outDir)
            made = drawn
            let floor = try explanationStudy(model: ctx.randomModel, split: test.split, tokenizer: ctx.tokenizer,
                                             options: ExplanationStudyOptions()).report
            let enc = JSONEncoder(); enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            try atomicWrite(try enc.encode(floor), to: outDir.appendingPathComponent("explanation-scores-random-init.json"))
            for f in report.findings { print(f.summary) }
            url = outDir.appendingPathComponent(name + ".png")
        default: url = try ctx.figureROC(outDir: outDir)
        }
        for figure in made {
            try ctx.writeFigureProvenance(figure, outDir: outDir, wallSeconds: Date().timeIntervalSince(t0))
        }
        print("wrote " + made.map { $0 == name ? url.path : outDir.appendingPathComponent($0 + ".png").path }.joined(separator: " and "))
        guard made.contains(name) else { throw ValidationError("\(name) was not drawn: the explanation study had no patient for it") }
    }
}
