// swift-tools-version: 6.0
// MoRE.swift — a literate reproduction of "MoRE: Multi-Modal Contrastive Pre-training with
// Transformers on X-Rays, ECGs, and Diagnostic Report" (arXiv 2410.16239).
//
// Layering (dependencies point downward only; see PAPER.md and ../shared/DESIGN.md §3):
//
//   more (Reproduce/)  executable: CLI, one file per table and figure
//   Eval               zero-shot, linear probe, retrieval, metrics, t-SNE, explanations
//   MoRE               towers, heads, InfoNCE, trainer, configs, checkpoints
//   NN                 Module, Linear, LoRA, norms, attention with DropKey, blocks
//   Autodiff           tape, differentiable ops, gradient check
//   TensorCore         storage, GEMM, kernels, RNG, thread pool
//   Datasets           (beside the stack) HDF5, safetensors, tokenizers, WFDB, cohort
//   Plot               .dat + .gp files and gnuplot
//
// Library targets have no package dependencies. Release builds should enable the host's
// vector ISA: the Makefile passes `-Xcc -march=x86-64-v4 -Xswiftc -DMORE_AVX512` (AVX-512: the
// GEMM's zmm micro-kernel) or `-Xcc -march=x86-64-v3` (AVX2) after reading /proc/cpuinfo.
import PackageDescription

let v5: [SwiftSetting] = [.swiftLanguageMode(.v5)]

let package = Package(
    name: "MoRE",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "more", targets: ["more"]),
        .library(name: "TensorCore", targets: ["TensorCore"]),
        .library(name: "Autodiff", targets: ["Autodiff"]),
        .library(name: "NN", targets: ["NN"]),
        .library(name: "MoRE", targets: ["MoRE"]),
        .library(name: "Eval", targets: ["Eval"]),
        .library(name: "Datasets", targets: ["Datasets"]),
        .library(name: "Plot", targets: ["Plot"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "CHDF5", path: "Sources/CHDF5", pkgConfig: "hdf5",
                       providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CJPEG", path: "Sources/CJPEG", pkgConfig: "libjpeg",
                       providers: [.apt(["libjpeg62-turbo-dev"])]),
        .systemLibrary(name: "CPNG", path: "Sources/CPNG", pkgConfig: "libpng",
                       providers: [.apt(["libpng-dev"])]),

        .target(name: "TensorCore", swiftSettings: v5),
        .target(name: "Autodiff", dependencies: ["TensorCore"], swiftSettings: v5),
        .target(name: "NN", dependencies: ["Autodiff", "TensorCore"], swiftSettings: v5),
        .target(name: "Datasets", dependencies: ["TensorCore", "CHDF5", "CJPEG", "CPNG"], swiftSettings: v5),
        .target(name: "MoRE", dependencies: ["NN", "Autodiff", "TensorCore", "Datasets"], swiftSettings: v5),
        .target(name: "Eval", dependencies: ["MoRE", "NN", "Autodiff", "TensorCore", "Datasets"], swiftSettings: v5),
        .target(name: "Plot", swiftSettings: v5),
        .executableTarget(
            name: "more",
            dependencies: ["TensorCore", "Autodiff", "NN", "MoRE", "Eval", "Datasets", "Plot",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Reproduce", swiftSettings: v5),

        .target(name: "TestSupport", dependencies: ["TensorCore"], path: "Tests/TestSupport", swiftSettings: v5),
        .target(name: "MoRETestSupport", dependencies: ["MoRE", "NN", "Datasets"], path: "Tests/MoRETestSupport", swiftSettings: v5),
        .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore", "TestSupport"], swiftSettings: v5),
        .testTarget(name: "AutodiffTests", dependencies: ["TestSupport", "Autodiff", "TensorCore"], swiftSettings: v5),
        .testTarget(name: "NNTests", dependencies: ["TestSupport", "NN", "Autodiff", "TensorCore"], swiftSettings: v5),
        .testTarget(name: "DatasetsTests", dependencies: ["TestSupport", "Datasets", "TensorCore"], exclude: ["python"], swiftSettings: v5),
        .testTarget(name: "MoRETests", dependencies: ["TestSupport", "MoRETestSupport", "MoRE", "NN", "Autodiff", "TensorCore", "Datasets"], swiftSettings: v5),
        .testTarget(name: "EvalTests", dependencies: ["TestSupport", "MoRETestSupport", "Eval", "MoRE", "TensorCore", "Datasets"], swiftSettings: v5),
        .testTarget(name: "PlotTests", dependencies: ["TestSupport", "Plot"], swiftSettings: v5),
        .testTarget(name: "ReproduceTests", dependencies: ["TestSupport", "MoRETestSupport", "more"], swiftSettings: v5),
    ]
)
