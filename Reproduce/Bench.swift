// more bench — performance benchmarks (GEMM against OpenBLAS; the training step against PyTorch).

import ArgumentParser

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks: GEMM against numpy/OpenBLAS, a training step against PyTorch.",
        subcommands: [BenchGEMM.self, BenchTrain.self])
}
