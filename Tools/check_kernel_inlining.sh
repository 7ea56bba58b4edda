#!/usr/bin/env bash
# check_kernel_inlining.sh — fails when a compiled TensorCore object calls the standard library's
# SIMD loads and stores (UnsafeRawPointer.loadUnaligned, storeBytes) instead of inlining them.
#
# Why: the GEMM micro-kernels are plain Swift, and their speed depends on the optimiser inlining
# every vector load into the k loop. On 1 Dec 2026 a change to the kernels' epilogue (8f28bdd)
# made the AVX2 build's kernel function so large that the optimiser stopped inlining them: two
# calls, eight spills and eight reloads in every k step, the GEMM at 15 GFLOP/s instead of 80 and
# a training step 3.4× slower — with every test passing, since the bits were the same. The
# AVX-512 build, where it was measured, was not affected. Timed tests are not how this project
# guards speed (they flake); this structural check is exact: a release build of TensorCore calls
# no such function.
#
#   Tools/check_kernel_inlining.sh [BUILD_DIR]      # default .build/release (run after a build)
#
# Exit 0 when no object calls them (or when objdump is missing: says so), 1 otherwise, listing the
# objects and the number of calls.
set -euo pipefail
build="${1:-.build/release}"
objects=("$build"/TensorCore.build/*.o)
if ! command -v objdump >/dev/null 2>&1; then
  echo "check_kernel_inlining: objdump not found (binutils): kernel inlining not checked"
  exit 0
fi
if [ ! -e "${objects[0]}" ]; then
  echo "check_kernel_inlining: no TensorCore objects under $build (build first)" >&2
  exit 1
fi
# Mangled names: $sSv… / $sSV… are Unsafe(Mutable)RawPointer members; loadUnaligned and storeBytes
# appear in them verbatim.
bad=0
for o in "${objects[@]}"; do
  n=$(objdump -dr "$o" | grep -E 'R_X86_64_PLT32|R_AARCH64_CALL26' | grep -cE '\$sS[vV][0-9]+(loadUnaligned|storeBytes)' || true)
  if [ "$n" != "0" ]; then
    echo "check_kernel_inlining: $(basename "$o") calls loadUnaligned/storeBytes $n times instead of inlining them" >&2
    bad=1
  fi
done
if [ "$bad" = 1 ]; then
  echo "check_kernel_inlining: FAILED — a kernel grew too large for the optimiser to inline its SIMD loads; split it (see GEMMKernel.swift, gemmHalf6x16)" >&2
  exit 1
fi
echo "check_kernel_inlining: ok (${#objects[@]} TensorCore objects, every SIMD load and store inlined)"
