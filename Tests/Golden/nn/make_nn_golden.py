"""Golden values for Tests/NNTests: what PyTorch's own optimiser, scheduler, gradient clipping,
BatchNorm1d and initialisers do, for the NN layer library's pieces that the gradient checks and
the whole-model oracle (Tests/MoRETests/TorchOracleTests.swift) do not reach: the optimiser
update, the learning-rate schedule, the clipping, BatchNorm's running statistics, LoRA's
forward with its PEFT scaling, and the truncated-normal initialiser of timm.

Every input is written into expected.json beside the outputs, so the Swift tests read both
and need no PyTorch. The values are small fixed arrays (a hash-free LCG below), not random
tensors, so the file stays reviewable.

Run:  pip install torch==2.13.0+cpu   (any recent CPU wheel gives the same values to float32)
      python3 make_nn_golden.py        (writes expected.json next to this file)
"""

import json
import math
from pathlib import Path

import torch

torch.set_default_dtype(torch.float32)


def lcg(n, seed, lo=-1.0, hi=1.0):
    """n floats in [lo, hi) from a 32-bit LCG, exactly representable in float32 after rounding."""
    out, s = [], seed
    for _ in range(n):
        s = (1103515245 * s + 12345) % (1 << 31)
        out.append(float(torch.tensor(lo + (hi - lo) * s / (1 << 31))))
    return out


def flat(t):
    return [float(v) for v in t.detach().reshape(-1)]


golden = {"torch": torch.__version__}

# --- AdamW: two parameters, three steps, a changing lr, one parameter without a gradient at step 2.
w0, b0 = lcg(12, 1), lcg(5, 2)
grads = [[lcg(12, 10 + s), lcg(5, 20 + s)] for s in range(3)]
lrs = [1e-3, 5e-4, 2e-3]
w = torch.nn.Parameter(torch.tensor(w0).reshape(3, 4))
b = torch.nn.Parameter(torch.tensor(b0))
opt = torch.optim.AdamW([w, b], lr=lrs[0], betas=(0.9, 0.999), eps=1e-8, weight_decay=0.1)
after = []
for s in range(3):
    for g in opt.param_groups:
        g["lr"] = lrs[s]
    w.grad = torch.tensor(grads[s][0]).reshape(3, 4)
    b.grad = None if s == 1 else torch.tensor(grads[s][1])
    opt.step()
    after.append({"weight": flat(w), "bias": flat(b)})
st_w, st_b = opt.state[w], opt.state[b]
golden["adamw"] = {
    "betas": [0.9, 0.999], "eps": 1e-8, "weight_decay": 0.1, "lrs": lrs,
    "weight0": w0, "bias0": b0, "weight_shape": [3, 4],
    "grads": [{"weight": g[0], "bias": None if s == 1 else g[1]} for s, g in enumerate(grads)],
    "after": after,
    "exp_avg": {"weight": flat(st_w["exp_avg"]), "bias": flat(st_b["exp_avg"])},
    "exp_avg_sq": {"weight": flat(st_w["exp_avg_sq"]), "bias": flat(st_b["exp_avg_sq"])},
    "steps": {"weight": int(st_w["step"]), "bias": int(st_b["step"])},
}

# --- CosineAnnealingWarmRestarts (T_mult = 1): the authors' setting, stepped per epoch, and at
# fractional epochs (scheduler.step(epoch)).
p = torch.nn.Parameter(torch.zeros(1))
o = torch.optim.SGD([p], lr=3e-5)
sched = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=10, eta_min=3e-6)
per_epoch = []
for e in range(25):
    per_epoch.append(o.param_groups[0]["lr"])
    o.step()
    sched.step()
fractional = {}
for t in [0.5, 3.25, 9.99, 10.0, 12.5, 23.75]:
    sched.step(t)
    fractional[repr(t)] = o.param_groups[0]["lr"]
golden["cosine_warm_restarts"] = {"base_lr": 3e-5, "min_lr": 3e-6, "period": 10,
                                  "per_epoch": per_epoch, "fractional": fractional}

# --- clip_grad_norm_: above the limit (scaled) and below it (unchanged).
clip = []
for max_norm, scale in [(1.0, 1.0), (10.0, 0.5)]:
    ga, gb = [scale * v for v in lcg(6, 31)], [scale * v for v in lcg(4, 32)]
    pa = torch.nn.Parameter(torch.zeros(2, 3)); pa.grad = torch.tensor(ga).reshape(2, 3)
    pb = torch.nn.Parameter(torch.zeros(4)); pb.grad = torch.tensor(gb)
    norm = torch.nn.utils.clip_grad_norm_([pa, pb], max_norm)
    clip.append({"max_norm": max_norm, "a": ga, "b": gb, "norm": float(norm),
                 "a_after": flat(pa.grad), "b_after": flat(pb.grad)})
golden["clip_grad_norm"] = clip

# --- BatchNorm1d: two training batches (running statistics, momentum 0.1, unbiased running
# variance), then evaluation with the running statistics; [N, C] and [N, C, L] inputs.
bn_cases = []
for shape, seed in [([4, 3], 40), ([3, 2, 5], 50)]:
    c = shape[1]
    n = math.prod(shape)
    bn = torch.nn.BatchNorm1d(c, momentum=0.1, eps=1e-5)
    with torch.no_grad():
        bn.weight.copy_(torch.tensor(lcg(c, seed, 0.5, 1.5)))
        bn.bias.copy_(torch.tensor(lcg(c, seed + 1)))
    xs = [lcg(n, seed + 2 + k, -2.0, 3.0) for k in range(3)]
    bn.train()
    y1 = bn(torch.tensor(xs[0]).reshape(shape))
    y2 = bn(torch.tensor(xs[1]).reshape(shape))
    rm, rv = flat(bn.running_mean), flat(bn.running_var)
    bn.eval()
    y3 = bn(torch.tensor(xs[2]).reshape(shape))
    bn_cases.append({"shape": shape, "weight": flat(bn.weight), "bias": flat(bn.bias), "x": xs,
                     "train_y1": flat(y1), "train_y2": flat(y2), "running_mean": rm, "running_var": rv,
                     "num_batches_tracked": int(bn.num_batches_tracked), "eval_y3": flat(y3)})
golden["batchnorm1d"] = bn_cases

# --- LoRA forward (eval, no dropout): y = x W0^T + b + (alpha / r) x A^T B^T, as PEFT's Linear.
r, alpha, fin, fout = 2, 8.0, 5, 4
lw, lb = lcg(fout * fin, 60), lcg(fout, 61)
la, lbb = lcg(r * fin, 62), lcg(fout * r, 63)
x = lcg(3 * fin, 64, -2.0, 2.0)
base = torch.nn.Linear(fin, fout)
A = torch.nn.Linear(fin, r, bias=False)
B = torch.nn.Linear(r, fout, bias=False)
with torch.no_grad():
    base.weight.copy_(torch.tensor(lw).reshape(fout, fin)); base.bias.copy_(torch.tensor(lb))
    A.weight.copy_(torch.tensor(la).reshape(r, fin)); B.weight.copy_(torch.tensor(lbb).reshape(fout, r))
    xt = torch.tensor(x).reshape(3, fin)
    y = base(xt) + (alpha / r) * B(A(xt))
golden["lora"] = {"rank": r, "alpha": alpha, "in": fin, "out": fout, "base_weight": lw, "base_bias": lb,
                  "lora_A": la, "lora_B": lbb, "x": x, "y": flat(y)}

# --- Initialisers. timm's trunc_normal_(t, std=.02) is torch.nn.init.trunc_normal_ with the
# default bounds a=-2, b=2 *in the units of the values*, i.e. +-100 standard deviations: in
# effect an untruncated N(0, 0.02^2). With std 1 the same bounds cut at +-2 sigma.
torch.manual_seed(0)
t = torch.empty(1_000_000)
torch.nn.init.trunc_normal_(t, std=0.02)
t1 = torch.empty(1_000_000)
torch.nn.init.trunc_normal_(t1, std=1.0)
k = torch.empty(400, 64)
torch.nn.init.kaiming_uniform_(k, a=math.sqrt(5))    # nn.Linear's default, PEFT's lora_A
golden["init"] = {
    "trunc_normal_std002": {"std": float(t.std()), "max_abs": float(t.abs().max())},
    "trunc_normal_std1": {"std": float(t1.std()), "max_abs": float(t1.abs().max())},
    "kaiming_uniform_a_sqrt5_fan_in_64": {"max_abs": float(k.abs().max()), "bound": 1 / math.sqrt(64),
                                          "std": float(k.std())},
}

out = Path(__file__).with_name("expected.json")
out.write_text(json.dumps(golden, indent=1) + "\n")
print(f"wrote {out}")
