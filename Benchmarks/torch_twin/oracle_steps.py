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

The same loop is then run again in float64 (model, batches, optimiser state) from the same start:
`loss64` and `grad_norm64` [steps] are the reference the float32 losses and norms of *both*
implementations are measured against. AdamW turns float32 rounding in small gradient entries into
updates of about ±lr, so after a few steps two correct float32 implementations differ by more than
their rounding — and by how much depends on the host's kernels (PyTorch's step-3 norm moved by
3e-3 between an AVX2 and an AVX-512 host, Swift's did not move). The float64 run says how far
PyTorch's own float32 result is from exact, which is the scale Swift's difference is judged on.
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

    start = {name: value.detach().clone() for name, value in model.state_dict().items()}
    lrs = [float(x) for x in tensors["lr"]]
    losses, norms = train(model, batches, lrs, c)
    out = {"loss": np.array(losses, dtype=np.float32), "grad_norm": np.array(norms, dtype=np.float32)}
    for name, value in model.state_dict().items():
        array = value.detach().to(torch.float32).numpy()
        if name in names:
            out["param." + name] = array
        else:
            out["buffer." + name] = array.reshape(-1)

    # The float64 reference: the same start, batches and loop.
    exact = more_tiny.MoRE(c)
    exact.load_state_dict(start)
    exact.double()
    double = [{k: v.double() if v.is_floating_point() else v for k, v in b.items()} for b in batches]
    losses64, norms64 = train(exact, double, lrs, c)
    out["loss64"] = np.array(losses64, dtype=np.float64).astype(np.float32)
    out["grad_norm64"] = np.array(norms64, dtype=np.float64).astype(np.float32)
    safetensors_io.write(sys.argv[2], out, {"torch": torch.__version__})


def train(model, batches, lrs, c):
    """PyTorch's textbook loop over `batches` (one optimiser step each); (losses, norms before clipping)."""
    model.train()
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=lrs[0], betas=(0.9, 0.999), eps=1e-8,
                                  weight_decay=c["optim"]["weightDecay"])
    clip = c["optim"].get("gradClip")
    losses, norms = [], []
    for i, batch in enumerate(batches):
        loss = model.loss(batch)
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_([p for p in trainable if p.grad is not None],
                                              clip if clip is not None else float("inf"))
        for group in optimizer.param_groups:
            group["lr"] = lrs[i]
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        losses.append(float(loss))
        norms.append(float(norm))
    return losses, norms


if __name__ == "__main__":
    main()
