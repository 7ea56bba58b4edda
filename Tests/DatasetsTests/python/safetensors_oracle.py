#!/usr/bin/env python3
"""Python `safetensors` side of SafetensorsPythonTests (needs safetensors and numpy).

    safetensors_oracle.py dump FILE OUTDIR   load a file written by MoRE.swift with
                                             safetensors.numpy; write each tensor as
                                             OUTDIR/<name>.f32 and shapes, dtypes and metadata
                                             as OUTDIR/summary.json
    safetensors_oracle.py write FILE         save F32, F16 and I64 tensors with metadata
"""
import json
import os
import sys

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file, save_file


def dump(path, outdir):
    tensors = load_file(path)
    with safe_open(path, "np") as f:
        metadata = f.metadata() or {}
    summary = {"metadata": metadata, "tensors": {}}
    for name, t in tensors.items():
        summary["tensors"][name] = {"shape": list(t.shape), "dtype": str(t.dtype)}
        with open(os.path.join(outdir, name + ".f32"), "wb") as out:
            out.write(t.astype("<f4").tobytes())
    with open(os.path.join(outdir, "summary.json"), "w") as out:
        json.dump(summary, out, sort_keys=True)


def write(path):
    save_file({
        "w32": (np.arange(12, dtype=np.float32) - 5.5).reshape(3, 4) / 3,
        "w16": np.array([[1.0, -2.5, 65504.0], [6e-8, 0.1, -0.0]], dtype=np.float16),
        "ids": np.array([[0, -7, 1 << 40]], dtype=np.int64),
    }, path, metadata={"format": "np", "who": "safetensors_oracle.py"})


if __name__ == "__main__":
    if sys.argv[1] == "dump":
        dump(sys.argv[2], sys.argv[3])
    else:
        write(sys.argv[2])
