#!/usr/bin/env python3
"""Expected values for SafetensorsMiniLMTests, read with the reference `safetensors` package.

Usage (from the repository root, after `make fetch-model`):
    pip install safetensors numpy
    python3 Tests/DatasetsTests/python/make_minilm_safetensors_expected.py \
        .cache/models/all-MiniLM-L6-v2/model.safetensors > Tests/DatasetsTests/python/minilm_safetensors_expected.json

Floats are written with Python's repr of the float32 value widened to float64, which Swift's
`Float(String)` parses back to the identical float32. Sums are float64 over the float32 values.
Made with safetensors 0.8.0, numpy 2.x.
"""
import json
import sys

import numpy as np
import safetensors
from safetensors import safe_open

CHECKED = [
    "embeddings.word_embeddings.weight",
    "embeddings.position_embeddings.weight",
    "embeddings.position_ids",
    "encoder.layer.0.attention.self.query.weight",
    "encoder.layer.3.intermediate.dense.bias",
    "encoder.layer.5.output.LayerNorm.weight",
    "pooler.dense.weight",
]


def main(path):
    out = {"generator": "make_minilm_safetensors_expected.py", "safetensors_version": safetensors.__version__}
    with safe_open(path, "np") as f:
        names = sorted(f.keys())
        out["metadata"] = f.metadata()
        out["count"] = len(names)
        out["names"] = names
        out["shapes"] = {n: list(f.get_tensor(n).shape) for n in names}
        out["dtypes"] = {n: str(f.get_tensor(n).dtype) for n in names}
        out["parameters_total"] = int(sum(f.get_tensor(n).size for n in names))
        checked = {}
        for n in CHECKED:
            t = f.get_tensor(n)
            flat = t.reshape(-1)
            entry = {
                "first8": [float(v) if t.dtype != np.int64 else int(v) for v in flat[:8]],
                "last": float(flat[-1]) if t.dtype != np.int64 else int(flat[-1]),
                "middle_index": int(flat.size // 2),
                "middle": float(flat[flat.size // 2]) if t.dtype != np.int64 else int(flat[flat.size // 2]),
                "sum_f64": float(flat.astype(np.float64).sum()),
            }
            checked[n] = entry
        out["checked"] = checked
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
