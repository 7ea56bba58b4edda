#!/usr/bin/env python3
"""numpy/OpenBLAS side of `more bench gemm`.

Times float32 matrix products with numpy (whatever BLAS numpy links, normally OpenBLAS) for
the cases given on the command line and prints one line per case:

    B M N K gflops

The thread count must be fixed through the environment *before* numpy is imported, so
`more bench gemm` starts this script once per thread count with OPENBLAS_NUM_THREADS,
OMP_NUM_THREADS and MKL_NUM_THREADS set. Timing: one warm-up call, then repeated calls
(at least 3, about `--seconds` in total); the best (shortest) time is reported, as on the
Swift side. `--clock cpu` uses the thread's CPU time (time.thread_time; meaningful with one
BLAS thread) instead of the wall clock (time.perf_counter). Exits with status 2 and a message on stderr when numpy is missing.

Usage: gemm_numpy.py [--seconds S] [--clock wall|cpu] B,M,N,K [B,M,N,K ...]   (B = batch, 1 for a plain GEMM)
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
        try:
            b, m, n, k = (int(x) for x in argv[i].split(","))
        except ValueError:
            print(f"gemm_numpy.py: bad case '{argv[i]}', expected B,M,N,K", file=sys.stderr)
            return 1
        cases.append((b, m, n, k))
        i += 1
    try:
        import numpy as np
    except ImportError:
        print("gemm_numpy.py: numpy is not installed", file=sys.stderr)
        return 2
    rng = np.random.default_rng(0)
    for b, m, n, k in cases:
        shape_a = (b, m, k) if b > 1 else (m, k)
        shape_b = (b, k, n) if b > 1 else (k, n)
        a = rng.standard_normal(shape_a, dtype=np.float32)
        w = rng.standard_normal(shape_b, dtype=np.float32)
        out = np.empty((b, m, n) if b > 1 else (m, n), dtype=np.float32)
        t = best_time(lambda: np.matmul(a, w, out=out), seconds, now)
        print(f"{b} {m} {n} {k} {2.0 * b * m * n * k / t / 1e9:.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
