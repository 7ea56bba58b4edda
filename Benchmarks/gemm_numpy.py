#!/usr/bin/env python3
"""numpy/OpenBLAS side of `more bench gemm`.

Times float32 matrix products with numpy (whatever BLAS numpy links, normally OpenBLAS) for
the cases given on the command line and prints one line per case:

    B M N K [T] gflops

A case ending in ",T" multiplies by a transposed B: B is stored N×K and used as its transpose
(a view, which numpy passes to BLAS as a transposed operand), as attention's Q·Kᵀ.

The thread count must be fixed through the environment *before* numpy is imported, so
`more bench gemm` starts this script once per thread count with OPENBLAS_NUM_THREADS,
OMP_NUM_THREADS and MKL_NUM_THREADS set. Timing: one warm-up call, then repeated calls
(at least 3, about `--seconds` in total); the best (shortest) time is reported, as on the
Swift side. `--clock cpu` uses the thread's CPU time (time.thread_time; meaningful with one
BLAS thread) instead of the wall clock (time.perf_counter). Exits with status 2 and a message on stderr when numpy is missing.

Usage: gemm_numpy.py [--seconds S] [--clock wall|cpu] B,M,N,K[,T] [B,M,N,K[,T] ...]   (B = batch, 1 for a plain GEMM)
"""
import sys
import time


def best_time(fn, seconds, now):
    fn()  # warm-up
    t0 = now()
    fn()
    first = now() - t0
    reps = max(3, min(200, int(seconds / max(first, 1e-9))))
    best = first
    for _ in range(reps):
        t0 = now()
        fn()
        best = min(best, now() - t0)
    return best


def main(argv):
    seconds = 0.3
    now = time.perf_counter
    cases = []
    i = 0
    while i < len(argv):
        if argv[i] == "--seconds":
            seconds = float(argv[i + 1])
            i += 2
            continue
        if argv[i] == "--clock":
            if argv[i + 1] not in ("wall", "cpu"):
                print(f"gemm_numpy.py: --clock must be wall or cpu, got '{argv[i + 1]}'", file=sys.stderr)
                return 1
            now = time.thread_time if argv[i + 1] == "cpu" else time.perf_counter
            i += 2
            continue
        fields = argv[i].split(",")
        transposed = fields[-1] == "T"
        try:
            b, m, n, k = (int(x) for x in (fields[:-1] if transposed else fields))
        except ValueError:
            print(f"gemm_numpy.py: bad case '{argv[i]}', expected B,M,N,K or B,M,N,K,T", file=sys.stderr)
            return 1
        cases.append((b, m, n, k, transposed))
        i += 1
    try:
        import numpy as np
    except ImportError:
        print("gemm_numpy.py: numpy is not installed", file=sys.stderr)
        return 2
    rng = np.random.default_rng(0)
    for b, m, n, k, transposed in cases:
        shape_a = (b, m, k) if b > 1 else (m, k)
        a = rng.standard_normal(shape_a, dtype=np.float32)
        if transposed:
            stored = rng.standard_normal((b, n, k) if b > 1 else (n, k), dtype=np.float32)
            w = np.swapaxes(stored, -1, -2)
        else:
            w = rng.standard_normal((b, k, n) if b > 1 else (k, n), dtype=np.float32)
        out = np.empty((b, m, n) if b > 1 else (m, n), dtype=np.float32)
        t = best_time(lambda: np.matmul(a, w, out=out), seconds, now)
        flag = " T" if transposed else ""
        print(f"{b} {m} {n} {k}{flag} {2.0 * b * m * n * k / t / 1e9:.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
