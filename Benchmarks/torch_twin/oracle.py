"""oracle.py — one forward + backward of the PyTorch twin on weights and a batch exported by Swift.

    python3 Benchmarks/torch_twin/oracle.py IN.safetensors OUT.safetensors

IN (written by Tests/MoRETests/TorchOracleTests.swift) holds every parameter under its Swift
name (`param.<name>`), the batch (`batch.xray` [B,H,W], `batch.ecg` [B,12,L], `batch.text.ids`,
`batch.text.type_ids`, `batch.text.mask` [B,T], ids stored as exact float32), and metadata
`config` (MoREConfig as JSON, stochastic layers already at 0) and `trainable` (JSON list of the
Swift trainable parameter names).

OUT holds `loss` [1] and `grad.<name>` for every parameter that receives a gradient, in float32
(the oracle the test compares against), `buffer.<name>` for every buffer after the forward
(BatchNorm's running statistics, updated once in training mode; num_batches_tracked as float),
plus `loss64` and `grad64.<name>` from the same
computation in float64 (to tell which side a disagreement comes from), and metadata `trainable`
(the twin's own trainable set, so the freezing policy is checked too).

The model is in training mode (BatchNorm uses batch statistics) with DropKey, dropout and LoRA
dropout at the config's values — the test sets them to 0, so the computation is deterministic.
Exits non-zero with a message naming the tensor on any missing, unexpected or misshaped name.
"""

import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import more_tiny  # noqa: E402
import safetensors_io  # noqa: E402


def run(c, params, batch, dtype):
    """(loss, {name: grad}) of one forward + backward in `dtype`."""
    model = more_tiny.MoRE(c)
    own = dict(model.named_parameters())
    missing = sorted(set(own) - set(params))
    unexpected = sorted(set(params) - set(own))
    if missing or unexpected:
        raise SystemExit(f"oracle.py: parameter names differ from the twin: missing {missing[:5]}, unexpected {unexpected[:5]}")
    with torch.no_grad():
        for name, p in own.items():
            if tuple(p.shape) != params[name].shape:
                raise SystemExit(f"oracle.py: '{name}' is {list(params[name].shape)} in the export, {list(p.shape)} in the twin")
            p.copy_(torch.from_numpy(params[name]))
    model = model.to(dtype)
    model.train()
    b = dict(batch)
    b["xray"], b["ecg"] = b["xray"].to(dtype), b["ecg"].to(dtype)
    loss = model.loss(b)
    loss.backward()
    grads = {n: p.grad.detach().to(torch.float32).numpy() for n, p in model.named_parameters() if p.grad is not None}
    trainable = sorted(n for n, p in model.named_parameters() if p.requires_grad)
    names = dict(model.named_parameters())
    buffers = {n: b.detach().to(torch.float32).numpy().reshape(-1)     # persistent buffers: what a checkpoint holds
               for n, b in model.state_dict().items() if n not in names}
    return float(loss), grads, trainable, buffers


def main():
    if len(sys.argv) != 3:
        raise SystemExit("usage: oracle.py IN.safetensors OUT.safetensors")
    tensors, meta = safetensors_io.read(sys.argv[1])
    if "config" not in meta:
        raise SystemExit(f"oracle.py: {sys.argv[1]} has no 'config' metadata")
    c = json.loads(meta["config"])
    params = {k[len("param."):]: v for k, v in tensors.items() if k.startswith("param.")}
    batch = more_tiny.batch_from_arrays({k[len("batch."):]: v for k, v in tensors.items() if k.startswith("batch.")})
    torch.set_num_threads(1)
    loss32, g32, trainable, buffers = run(c, params, batch, torch.float32)
    loss64, g64, _, _ = run(c, params, batch, torch.float64)
    out = {"loss": np.array([loss32], dtype=np.float32), "loss64": np.array([loss64], dtype=np.float32)}
    out.update({"grad." + n: g for n, g in g32.items()})
    out.update({"buffer." + n: b.astype(np.float32) for n, b in buffers.items()})
    out.update({"grad64." + n: g for n, g in g64.items()})
    safetensors_io.write(sys.argv[2], out, {"trainable": json.dumps(trainable), "torch": torch.__version__})


if __name__ == "__main__":
    main()
