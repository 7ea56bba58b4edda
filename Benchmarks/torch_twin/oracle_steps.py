"""oracle_steps.py — several training steps of the PyTorch twin, from the weights and batches the
Swift trainer started from: the plain PyTorch loop the trainer must equal.

    python3 Benchmarks/torch_twin/oracle_steps.py IN.safetensors OUT.safetensors

IN (written by Tests/MoRETests/TorchOracleTests.swift) holds every parameter and buffer before
training under its Swift name (`param.<name>`, `buffer.<name>`), the batch of each optimiser step
(`batch<i>.xray`, `batch<i>.ecg`, `batch<i>.text.ids|type_ids|mask`), `lr` [steps] (the learning
rate the Swift trainer's schedule gave each step) and metadata `config` (MoREConfig as JSON,
stochastic layers at 0) and `steps`.

Each step is PyTorch's textbook loop: loss = model.loss(batch); loss.backward();
torch.nn.utils.clip_grad_norm_(trainable, gradClip); the learning rate set; torch.optim.AdamW
(betas 0.9 / 0.999, eps 1e-8, the config's weight decay, on every trainable parameter);
zero_grad. OUT holds `loss` [steps], `grad_norm` [steps] (the norm before clipping, as
clip_grad_norm_ returns it), `param.<name>` after the last step and `buffer.<name>` (BatchNorm's
running statistics after the steps' forwards), all float32.
"""

import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import more_tiny  # noqa: E402
import safetensors_io  # noqa: E402


def main():
    if len(sys.argv) != 3:
        raise SystemExit("usage: oracle_steps.py IN.safetensors OUT.safetensors")
    tensors, meta = safetensors_io.read(sys.argv[1])
    for key in ("config", "steps"):
        if key not in meta:
            raise SystemExit(f"oracle_steps.py: {sys.argv[1]} has no '{key}' metadata")
    c, steps = json.loads(meta["config"]), int(meta["steps"])
    torch.set_num_threads(1)
    model = more_tiny.MoRE(c)
    state = model.state_dict()
    names = dict(model.named_parameters())
    given = {k.split(".", 1)[1]: v for k, v in tensors.items() if k.startswith(("param.", "buffer."))}
    missing = sorted(n for n in state if n not in given and n in names)
    if missing:
        raise SystemExit(f"oracle_steps.py: parameters missing from the export: {missing[:5]}")
    with torch.no_grad():
        for name, value in given.items():
            if name not in state:
                raise SystemExit(f"oracle_steps.py: '{name}' is not a parameter or buffer of the twin")
            target = state[name]
            if target.numel() != value.size:
                raise SystemExit(f"oracle_steps.py: '{name}' has {value.size} values in the export, {target.numel()} in the twin")
            target.copy_(torch.from_numpy(np.ascontiguousarray(value)).reshape(target.shape).to(target.dtype))
    batches = []
    for i in range(steps):
        prefix = f"batch{i}."
        arrays = {k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix)}
        if not arrays:
            raise SystemExit(f"oracle_steps.py: no tensors for step {i} ('{prefix}*')")
        batches.append(more_tiny.batch_from_arrays(arrays))
    if "lr" not in tensors or tensors["lr"].size != steps:
        raise SystemExit(f"oracle_steps.py: 'lr' must hold {steps} learning rates")

    model.train()
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=float(tensors["lr"][0]), betas=(0.9, 0.999), eps=1e-8,
                                  weight_decay=c["optim"]["weightDecay"])
    clip = c["optim"].get("gradClip")
    losses, norms = [], []
    for i, batch in enumerate(batches):
        loss = model.loss(batch)
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_([p for p in trainable if p.grad is not None],
                                              clip if clip is not None else float("inf"))
        for group in optimizer.param_groups:
            group["lr"] = float(tensors["lr"][i])
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        losses.append(float(loss))
        norms.append(float(norm))

    out = {"loss": np.array(losses, dtype=np.float32), "grad_norm": np.array(norms, dtype=np.float32)}
    for name, value in model.state_dict().items():
        array = value.detach().to(torch.float32).numpy()
        if name in names:
            out["param." + name] = array
        else:
            out["buffer." + name] = array.reshape(-1)
    safetensors_io.write(sys.argv[2], out, {"torch": torch.__version__})


if __name__ == "__main__":
    main()
