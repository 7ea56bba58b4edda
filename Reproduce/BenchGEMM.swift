// more bench gemm — GFLOP/s of the pure-Swift GEMM beside numpy/OpenBLAS, measured in the
// same run, for 1 and 2 threads.
//
// Cases (M×N×K): 64³, 256³, 512³, 1024³, 4096×256×768 and a batch of 32 × (197×768×768)
// (`--quick`: 64³, 256³, 512³ and the 4096×256×768 product). Each side is timed the same way:
// one warm-up call, then repeated calls for about `--seconds` (at least 3); the best
// (shortest) time is reported, which is the least disturbed by other processes on a shared
// machine. `--clock cpu` times with the calling thread's CPU clock instead of the wall clock
// (both sides; 1 thread only): on a busy shared machine it removes the time the process
// spent descheduled. numpy runs in `Benchmarks/gemm_numpy.py`, started once per thread count with
// OPENBLAS_NUM_THREADS / OMP_NUM_THREADS / MKL_NUM_THREADS set; without python3 or numpy its
// column reads `n/a`.
//
// OpenBLAS chooses its kernels from the CPU it recognises, or from OPENBLAS_CORETYPE when that is
// set — and the sandbox this project ran in on 1 Dec 2026 set it to Haswell in every process's
// environment. On the Zen 5 host that halves OpenBLAS (Haswell's AVX2 kernels: 245–257 GFLOP/s
// on 2 threads, its AVX-512 SkylakeX kernels: 400–480), which would flatter the Swift column
// twofold. So the inherited variable is not passed on: the script runs with the core OpenBLAS
// detects and, on a host with AVX-512 where it detects another, again with
// OPENBLAS_CORETYPE=SkylakeX, and the numpy column is the faster of the two for each case. The
// header names the cores; `--openblas-core` chooses them (`auto` = detected). Output, one line
// per case (a batched case prints its M as `BxM`):
//
//     gemm M N K threads swift_gflops openblas_gflops ratio
//
// `--case` times given shapes instead, e.g. the attention products of the ECG tower, one per
// head and sample: `--case 128x197,197,32,T` (Q·Kᵀ, printed with a ᵀ after K) and
// `--case 128x197,32,197` (P·V).
//
// This command measures only; it asserts nothing (the GEMM's correctness is in GEMMTests).

import ArgumentParser
import Foundation
import TensorCore

struct BenchGEMM: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gemm",
        abstract: "GEMM GFLOP/s against numpy/OpenBLAS, 1 and 2 threads.")

    @Flag(name: .long, help: "Fewer and smaller cases: 64³, 256³, 512³ and 4096×256×768 (a quick check of a build).")
    var quick = false

    @Option(name: .long, help: "Comma-separated thread counts to measure.")
    var threads = "1,2"

    @Option(name: .long, help: "Approximate timing budget per case and side, in seconds.")
    var seconds = 0.4

    @Option(name: .long, help: "Clock: 'wall' (default) or 'cpu' (thread CPU time; 1 thread only, for a busy machine).")
    var clock = "wall"

    @Option(name: .long, help: "The numpy script (default: Benchmarks/gemm_numpy.py in the repository).")
    var numpyScript: String?

    @Option(name: .long, help: "Comma-separated OpenBLAS core types for the numpy column, 'auto' = the one OpenBLAS detects; the best per case is shown (default: auto, plus SkylakeX on an AVX-512 host).")
    var openblasCore: String?

    @Option(name: .long, parsing: .singleValue,
            help: "A case to time instead of the built-in ones, 'M,N,K' or 'BxM,N,K' (B products), with ',T' for a transposed B (K×N read as Nᵀ×K, as attention's Q·Kᵀ); repeatable.")
    var `case`: [String] = []

    /// One benchmark case: `batch` products of M×K by K×N (B given as N×K when `transB`).
    struct Case: Hashable {
        let batch: Int, m: Int, n: Int, k: Int
        var transB = false
        var flops: Double { 2 * Double(batch) * Double(m) * Double(n) * Double(k) }
        var label: String { "\(batch > 1 ? "\(batch)x" : "")\(m) \(n) \(k)\(transB ? "ᵀ" : "")" }
        /// The numpy script's spelling: B,M,N,K[,T].
        var argument: String { "\(batch),\(m),\(n),\(k)\(transB ? ",T" : "")" }

        /// Parses `--case`: "M,N,K", "BxM,N,K", each optionally followed by ",T".
        init(batch: Int, m: Int, n: Int, k: Int, transB: Bool = false) {
            self.batch = batch; self.m = m; self.n = n; self.k = k; self.transB = transB
        }
        init(parsing text: String) throws {
            var fields = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let transposed = fields.last == "T"
            if transposed { fields.removeLast() }
            let first = fields.first?.split(separator: "x").map(String.init) ?? []
            guard fields.count == 3, (1...2).contains(first.count),
                  let m = Int(first.last!), let n = Int(fields[1]), let k = Int(fields[2]),
                  let b = first.count == 2 ? Int(first[0]) : 1 else {
                throw ValidationError("--case: '\(text)' is not M,N,K or BxM,N,K with an optional ,T (e.g. --case 32x197,197,32,T)")
            }
            guard b >= 1, m >= 1, n >= 1, k >= 1 else {
                throw ValidationError("--case: '\(text)': every size must be at least 1")
            }
            // A, B and C in float32 (the numpy side holds the same).
            let bytes = 4 * Double(b) * (Double(m) * Double(k) + Double(k) * Double(n) + Double(m) * Double(n))
            let memory = Double(ProcessInfo.processInfo.physicalMemory)
            guard bytes <= memory / 4 else {
                throw ValidationError(String(format: "--case: '%@' needs %.1f GiB for its three matrices, more than a quarter of this machine's %.1f GiB",
                                             text, bytes / 1_073_741_824, memory / 1_073_741_824))
            }
            self.init(batch: b, m: m, n: n, k: k, transB: transposed)
        }
    }

    func run() throws {
        let counts = try threads.split(separator: ",", omittingEmptySubsequences: false).map { s -> Int in
            guard let t = Int(s.trimmingCharacters(in: .whitespaces)), t >= 1 else {
                throw ValidationError("--threads: '\(s)' is not a positive thread count (e.g. --threads 1,2)")
            }
            return t
        }
        guard seconds > 0 else { throw ValidationError("--seconds must be positive, got \(seconds)") }
        guard clock == "wall" || clock == "cpu" else { throw ValidationError("--clock must be 'wall' or 'cpu', got '\(clock)'") }
        guard clock == "wall" || counts == [1] else {
            throw ValidationError("--clock cpu measures one thread's CPU time: use it with --threads 1")
        }
        let cases: [Case] = !`case`.isEmpty ? try `case`.map(Case.init(parsing:)) : quick
            ? [Case(batch: 1, m: 64, n: 64, k: 64), Case(batch: 1, m: 256, n: 256, k: 256),
               Case(batch: 1, m: 512, n: 512, k: 512), Case(batch: 1, m: 4096, n: 256, k: 768)]
            : [Case(batch: 1, m: 64, n: 64, k: 64), Case(batch: 1, m: 256, n: 256, k: 256),
               Case(batch: 1, m: 512, n: 512, k: 512), Case(batch: 1, m: 1024, n: 1024, k: 1024),
               Case(batch: 1, m: 4096, n: 256, k: 768), Case(batch: 32, m: 197, n: 768, k: 768)]
        let cores = try openblasCores()
        if let given = numpyScript, !FileManager.default.fileExists(atPath: given) {
            throw ValidationError("--numpy-script \(given): no such file")
        }
        let script = numpyScript ?? defaultScript()
        let pool = ThreadPool.shared, saved = pool.threadCount
        defer { pool.setThreadCount(saved) }
        print("# gemm M N K threads swift_gflops openblas_gflops ratio   (best of repeated runs after a warm-up, \(clock) clock; BxM = batch of B; GEMM kernel: \(gemmKernelLayout))")
        var described = false
        for t in counts {
            var numpy: [Case: Double] = [:], names: [String] = [], used: Set<String> = []
            for core in cores {
                if let forced = core, used.contains(forced) { continue }   // OpenBLAS detected it already
                let (gflops, detected) = try numpyGFLOPs(script: script, threads: t, cases: cases, core: core)
                if gflops.isEmpty { break }   // no numpy (the reason is on stderr): no second try
                numpy.merge(gflops) { max($0, $1) }
                names.append(core.map { "\($0) (forced)" } ?? "\(detected ?? "unknown") (detected)")
                if let name = core ?? detected { used.insert(name) }
            }
            if !described, !numpy.isEmpty {
                let inherited = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"].flatMap { openblasCore == nil ? $0 : nil }.map {
                    " (OPENBLAS_CORETYPE=\($0) in this environment is not used; --openblas-core \($0) uses it)"
                } ?? ""
                print("# OpenBLAS core: \(names.joined(separator: ", "))\(names.count > 1 ? "; the openblas column is the faster per case" : "")\(inherited)")
                described = true
            }
            pool.setThreadCount(t)
            for c in cases {
                let swift = swiftGFLOPs(c)
                let reference = numpy[c]
                let refText = reference.map { String(format: "%.1f", $0) } ?? "n/a"
                let ratio = reference.map { String(format: "%.2f", swift / $0) } ?? "n/a"
                print("gemm \(c.label) \(t) \(String(format: "%.1f", swift)) \(refText) \(ratio)")
            }
        }
    }

    /// Times the Swift GEMM on random inputs; best GFLOP/s.
    func swiftGFLOPs(_ c: Case) -> Double {
        var rng = RNG(seed: 1, stream: RNG.stream("bench-gemm"))
        let a = Tensor(shape: [c.batch * c.m * c.k]) { p in for i in p.indices { p[i] = rng.normal() } }
        let b = Tensor(shape: [c.batch * c.k * c.n]) { p in for i in p.indices { p[i] = rng.normal() } }
        let out = Tensor(zeros: [c.batch * c.m * c.n])
        let call = {
            gemmBatched(transA: false, transB: c.transB, m: c.m, n: c.n, k: c.k, alpha: 1,
                        a: a.pointer, lda: c.k, strideA: c.m * c.k, b: b.pointer, ldb: c.transB ? c.k : c.n, strideB: c.k * c.n,
                        beta: 0, c: out.pointer, ldc: c.n, strideC: c.m * c.n, batch: c.batch)
        }
        return c.flops / bestTime(call) / 1e9
    }

    /// One warm-up, then at least 3 and about `seconds` worth of calls; the shortest time.
    func bestTime(_ body: () -> Void) -> Double {
        body()
        var best = Double.infinity, total = 0.0, reps = 0
        while reps < 3 || (total < seconds && reps < 500) {
            let t0 = now()
            body()
            let dt = now() - t0
            best = min(best, dt); total += dt; reps += 1
        }
        return best
    }

    /// Seconds on the chosen clock (wall: monotonic; cpu: this thread's CPU time).
    func now() -> Double {
        var t = timespec()
        clock_gettime(clock == "cpu" ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    /// The OpenBLAS core types to run the numpy script with (nil = the one OpenBLAS detects).
    func openblasCores() throws -> [String?] {
        guard let list = openblasCore else {
            let flags = cpuInfo()["flags"] ?? ""
            return flags.split(separator: " ").contains("avx512f") ? [nil, "SkylakeX"] : [nil]
        }
        let names = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !names.isEmpty, names.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber } }) else {
            throw ValidationError("--openblas-core: '\(list)' is not a list of core names (e.g. --openblas-core auto,SkylakeX)")
        }
        return names.map { $0 == "auto" ? nil : $0 }
    }

    /// Runs the numpy script with `threads` BLAS threads and OpenBLAS core type `core` (nil: the
    /// detected one); GFLOP/s per case (empty when python3 or numpy is unavailable; the reason goes
    /// to stderr) and the core OpenBLAS reports using (its `OPENBLAS_VERBOSE=2` line).
    /// - Throws: a usage error when OpenBLAS does not know the forced `core` ("Core not found"):
    ///   it would silently run its detected core under the forced name.
    func numpyGFLOPs(script: String, threads: Int, cases: [Case], core: String?) throws -> ([Case: Double], String?) {
        guard FileManager.default.fileExists(atPath: script) else {
            FileHandle.standardError.write(Data("bench gemm: \(script) not found; numpy column is n/a\n".utf8))
            return ([:], nil)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, "--seconds", String(seconds), "--clock", clock] + cases.map(\.argument)
        var env = ProcessInfo.processInfo.environment
        for key in ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"] { env[key] = String(threads) }
        env["OPENBLAS_VERBOSE"] = "2"
        env["OPENBLAS_CORETYPE"] = core
        process.environment = env
        // stderr goes to a file, not a second pipe: reading one pipe to its end while the script
        // fills the other would block both.
        let stdout = Pipe()
        let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("more-bench-gemm-\(UUID().uuidString).err")
        guard FileManager.default.createFile(atPath: errURL.path, contents: nil), let errFile = try? FileHandle(forWritingTo: errURL) else {
            FileHandle.standardError.write(Data("bench gemm: cannot create \(errURL.path); numpy column is n/a\n".utf8))
            return ([:], nil)
        }
        defer { try? errFile.close(); try? FileManager.default.removeItem(at: errURL) }
        process.standardOutput = stdout
        process.standardError = errFile
        do { try process.run() } catch {
            FileHandle.standardError.write(Data("bench gemm: cannot start python3 (\(error)); numpy column is n/a\n".utf8))
            return ([:], nil)
        }
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let messages = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        var detected: String?, unknownCore = false
        for line in messages.split(separator: "\n") {
            if line.hasPrefix("Core: ") { detected = String(line.dropFirst(6)) }
            else if line.hasPrefix("Core not found: ") { unknownCore = true }
            else { FileHandle.standardError.write(Data((line + "\n").utf8)) }
        }
        if let core, unknownCore {
            throw ValidationError("--openblas-core \(core): OpenBLAS does not know this core type (it would run \(detected ?? "its detected one") instead); "
                                  + "use auto or an OPENBLAS_CORETYPE name such as SkylakeX, Haswell or Zen")
        }
        guard process.terminationStatus == 0 else {
            FileHandle.standardError.write(Data("bench gemm: \(script) exited with status \(process.terminationStatus); numpy column is n/a\n".utf8))
            return ([:], detected)
        }
        var result: [Case: Double] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let f = line.split(separator: " ")
            guard f.count == 5 || (f.count == 6 && f[4] == "T"), let b = Int(f[0]), let m = Int(f[1]), let n = Int(f[2]),
                  let k = Int(f[3]), let g = Double(f[f.count - 1]) else { continue }
            result[Case(batch: b, m: m, n: n, k: k, transB: f.count == 6)] = g
        }
        return (result, detected)
    }

    /// `Benchmarks/gemm_numpy.py` under the current directory, else beside this source tree.
    func defaultScript() -> String {
        let local = "Benchmarks/gemm_numpy.py"
        if FileManager.default.fileExists(atPath: local) { return local }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(local).path
    }
}
