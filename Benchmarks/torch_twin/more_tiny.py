"""more_tiny.py — the PyTorch twin of MoRE.swift's model (the `tiny` config by default).

A plain, readable PyTorch implementation of exactly the network in Sources/MoRE and
Sources/NN, kept as the reference implementation and performance peer (like llm.c's
train_gpt2.py):

  z_x = g_x(ViT_x(x))   X-ray ViT: x standardised per image (tiny; `dataset`: (x − 0.499)/0.293),
                        gray → 3 channels, Conv2d patch embed,
                        CLS + pos_embed, pre-norm blocks (DropKey attention, GELU MLP), LN, CLS
  z_e = g_e(ViT_e(e))   ECG ViT: Conv1d(12→C,k5,s5) → ReLU → BN → Conv1d(C→D,k5) → ReLU → BN
  z_t = g_t(BERT(r))    all-MiniLM-L6-v2 (BERT, post-norm) with LoRA r16 α8 on query/value,
                        masked-mean pooling (or the authors' padded mean)
  g = Linear → BN → ReLU → Linear → BN (no biases)
  L = ½[CE(t→x) + CE(x→t)] + ½[CE(t→e) + CE(e→t)],  S = ẑ_a ẑ_bᵀ / τ  (τ from the config)

Parameter names and shapes are those of the Swift `Module.stateDict()` (timm names for the
ViTs, Hugging Face + PEFT names for the text tower, nn.Sequential indices for the heads), so
a Swift export loads with `load_state_dict` as is. The optimiser step is the Swift trainer's:
clip the global gradient norm, AdamW (β 0.9/0.999, ε 1e-8, decoupled decay), zero the grads.

Command line (the performance peer of `more bench train`):

    python3 Benchmarks/torch_twin/more_tiny.py --threads 1 --steps 5 [--clock cpu] [--batch FILE ...] [--config FILE.json]

prints `torch_step <threads> <median_ms> <peak_rss_mb>` as its last line: the median wall
(or process CPU) time of `--steps` training steps after one warm-up step, and the process's
peak RSS.
`--batch` is a safetensors file with `xray`, `ecg`, `text.ids`, `text.type_ids`,
`text.mask` (and the config JSON in its metadata) written by `more bench train`; with several
files (`more bench train --batches N`), step i uses file i mod N; without it a random batch of
the config's shapes is used. Weights are random (seeded) except the text
tower, loaded from `<textModel>/model.safetensors` when the config names a folder that exists.

The towers are in vit.py and text_encoder.py; the heads, the loss, loading and the step here.
Deliberately not here: data loading, schedules and checkpoints (the Swift trainer's job);
the gradient comparison itself (oracle.py).
"""

import argparse
import json
import os
import resource
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
from text_encoder import TextEncoder  # noqa: E402
from vit import ECGPatchEmbed, Holder, ImagePatchEmbed, VisionTransformer  # noqa: E402

# The `tiny` config as MoREConfig encodes it to JSON (Sources/MoRE/MoREConfig.swift); only the
# fields the model and the optimiser step read.
TINY = {
    "name": "tiny",
    "xray": {"dim": 128, "depth": 4, "heads": 4, "mlpRatio": 4, "qkvBias": False},
    "xrayImageSize": 64, "xrayPatch": 8, "xrayChannels": 3, "xrayMean": 0.499, "xrayStd": 0.293,
    "xrayNormalization": "perImage",
    "ecg": {"dim": 128, "depth": 4, "heads": 4, "mlpRatio": 4, "qkvBias": False},
    "ecgLeads": 12, "ecgLength": 1000, "ecgStemChannels": 64,
    "dropKey": {"kind": "constant", "from": 0.3, "to": 0.3},
    "text": {"family": "bert", "vocabSize": 30522, "hidden": 384, "layers": 6, "heads": 12, "intermediate": 1536,
             "maxPositions": 512, "typeVocab": 2, "layerNormEps": 1e-12, "padTokenId": 0,
             "hiddenDropout": 0.1, "attentionDropout": 0.1},
    "textModel": ".cache/models/all-MiniLM-L6-v2", "textMaxLength": 128, "textPooling": "maskedMean",
    "textTuning": "lora", "loraRank": 16, "loraAlpha": 8, "loraDropout": 0.1,
    "projectionDim": 128, "useXray": True, "useECG": True,
    "loss": {"temperature": 0.1, "learnableTemperature": False, "textXray": True, "textECG": True, "xrayECG": False},
    "optim": {"learningRate": 1e-3, "weightDecay": 0.1, "batchSize": 32, "gradClip": 1.0, "seed": 42},
}


def projection_head(in_dim, hidden, out_dim):
    """Linear → BN → ReLU → Linear → BN (indices 0, 1, 3, 4 as the authors' nn.Sequential)."""
    return nn.Sequential(nn.Linear(in_dim, hidden, bias=False), nn.BatchNorm1d(hidden), nn.ReLU(),
                         nn.Linear(hidden, out_dim, bias=False), nn.BatchNorm1d(out_dim))


# ---------------------------------------------------------------------------------------------
# MoRE
# ---------------------------------------------------------------------------------------------

class MoRE(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        xray_tokens = (c["xrayImageSize"] // c["xrayPatch"]) ** 2
        ecg_tokens = (c["ecgLength"] - 5) // 5 + 1 - 4
        self.xray_model = Holder()
        self.xray_model.vit_model = VisionTransformer(
            c["xray"], ImagePatchEmbed(c["xrayPatch"], c["xrayChannels"], c["xray"]["dim"]), xray_tokens, c["dropKey"])
        self.ecg_model = Holder()
        self.ecg_model.vit_model = VisionTransformer(
            c["ecg"], ECGPatchEmbed(c["ecgLeads"], c["ecgStemChannels"], c["ecg"]["dim"]), ecg_tokens, c["dropKey"])
        self.text_model = TextEncoder(c["text"], c["textPooling"])
        p = c["projectionDim"]
        self.projector_xray_text = projection_head(c["xray"]["dim"], c["xray"]["dim"], p)
        self.projector_ecg_text = projection_head(c["ecg"]["dim"], c["ecg"]["dim"], p)
        self.projector_text = projection_head(c["text"]["hidden"], c["text"]["hidden"], p)
        self.register_buffer("tau", torch.tensor(float(c["loss"]["temperature"])), persistent=False)
        tuning = c.get("textTuning", "lora")
        if tuning == "lora":
            self.text_model.apply_lora(c["loraRank"], c["loraAlpha"], c["loraDropout"])
        else:
            self.text_model.requires_grad_(tuning == "full")

    def embed_xray(self, images):                                    # [B, H, W] in [0, 1]
        if self.c.get("xrayNormalization", "dataset") == "perImage":   # XrayNormalization.swift
            flat = images.reshape(images.shape[0], -1)
            mu = flat.mean(dim=1).view(-1, 1, 1)
            sd = flat.std(dim=1, unbiased=False).clamp_min(1e-6).view(-1, 1, 1)
            x = (images - mu) / sd
        else:
            x = (images - self.c["xrayMean"]) / self.c["xrayStd"]
        return self.projector_xray_text(self.xray_model.vit_model(x))

    def embed_ecg(self, ecg):                                        # [B, 12, L]
        return self.projector_ecg_text(self.ecg_model.vit_model(ecg))

    def embed_text(self, ids, type_ids, mask):
        return self.projector_text(self.text_model(ids, type_ids, mask))

    def loss(self, batch):
        """L = Σ over active pairs of ½[CE(a→b) + CE(b→a)] on cosine similarities / τ."""
        lc = self.c["loss"]
        zt = self.embed_text(batch["ids"], batch["type_ids"], batch["mask"])
        zx = self.embed_xray(batch["xray"]) if self.c["useXray"] else None
        ze = self.embed_ecg(batch["ecg"]) if self.c["useECG"] else None
        terms = []
        if lc["textXray"] and zx is not None:
            terms.append(symmetric_infonce(zt, zx, self.tau))
        if lc["textECG"] and ze is not None:
            terms.append(symmetric_infonce(zt, ze, self.tau))
        if lc.get("xrayECG") and zx is not None and ze is not None:
            terms.append(symmetric_infonce(zx, ze, self.tau))
        return sum(terms[1:], terms[0])


def symmetric_infonce(za, zb, tau):
    """½[CE(ẑ_a ẑ_bᵀ/τ, diag) + CE(ẑ_b ẑ_aᵀ/τ, diag)]."""
    a, b = F.normalize(za, dim=-1), F.normalize(zb, dim=-1)
    target = torch.arange(za.shape[0])
    return 0.5 * (F.cross_entropy(a @ b.T / tau, target) + F.cross_entropy(b @ a.T / tau, target))


# ---------------------------------------------------------------------------------------------
# Loading, batches and the training step
# ---------------------------------------------------------------------------------------------

def load_text_weights(model, folder):
    """Loads a Hugging Face BERT checkpoint (`[bert.]embeddings.…`) into the text tower."""
    tensors, _ = safetensors_io.read(os.path.join(folder, "model.safetensors"))
    own = model.text_model.state_dict()
    loaded = 0
    for name, value in tensors.items():
        key = name[len("bert."):] if name.startswith("bert.") else name
        key = key.replace("roberta.", "", 1) if key.startswith("roberta.") else key
        for cand in (key, key.replace(".query.", ".query.base_layer.").replace(".value.", ".value.base_layer.")):
            if cand in own and tuple(own[cand].shape) == value.shape:
                own[cand].copy_(torch.from_numpy(value.astype(np.float32)))
                loaded += 1
                break
    return loaded


def batch_from_arrays(arrays):
    """The model's batch dict from `xray`, `ecg`, `text.ids`, `text.type_ids`, `text.mask` arrays."""
    as_long = lambda a: torch.from_numpy(np.asarray(a)).round().long()  # noqa: E731 (ids stored as F32)
    return {"xray": torch.from_numpy(np.asarray(arrays["xray"], dtype=np.float32)),
            "ecg": torch.from_numpy(np.asarray(arrays["ecg"], dtype=np.float32)),
            "ids": as_long(arrays["text.ids"]), "type_ids": as_long(arrays["text.type_ids"]),
            "mask": as_long(arrays["text.mask"])}


def random_batch(c, n, length, seed):
    """Images in [0, 1], ECGs ~ N(0, 0.3²), report pairs of random ids ([CLS] a [SEP] b [SEP], padded)."""
    g = torch.Generator().manual_seed(seed)
    h = c["xrayImageSize"]
    ids = torch.zeros(n, length, dtype=torch.long)
    types, mask = torch.zeros_like(ids), torch.zeros_like(ids)
    for i in range(n):
        used = length - int(torch.randint(0, max(1, length // 3), (1,), generator=g))
        ids[i, :used] = torch.randint(1000, c["text"]["vocabSize"], (used,), generator=g)
        ids[i, 0], ids[i, used - 1], ids[i, used // 2] = 101, 102, 102
        types[i, used // 2 + 1:used] = 1
        mask[i, :used] = 1
    return {"xray": torch.rand(n, h, h, generator=g), "ecg": 0.3 * torch.randn(n, c["ecgLeads"], c["ecgLength"], generator=g),
            "ids": ids, "type_ids": types, "mask": mask}


def train_step(model, optimizer, batch, clip):
    """Forward, backward, global-norm clipping, AdamW, zeroing (the Swift trainer's order)."""
    loss = model.loss(batch)
    loss.backward()
    params = [p for p in model.parameters() if p.grad is not None]
    torch.nn.utils.clip_grad_norm_(params, clip if clip is not None else float("inf"))
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    return loss.detach()


def peak_rss_mb():
    """This process's peak resident set in MB: VmHWM of /proc/self/status on Linux. Not ru_maxrss:
    Linux keeps that across execve, so a script started by `more bench train` would report the
    Swift process's RSS at the fork whenever that is the larger."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    ap = argparse.ArgumentParser(description="PyTorch twin of the MoRE training step (the peer of `more bench train`).")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--steps", type=int, default=5, help="timed steps after one warm-up step")
    ap.add_argument("--config", default="tiny", help="'tiny' or a JSON file in MoREConfig's encoding")
    ap.add_argument("--batch", nargs="+", help="safetensors file(s) of the batch (config JSON in the metadata) from "
                    "`more bench train`; with several, step i uses file i mod N (the warm-up the first)")
    ap.add_argument("--text-length", type=int, default=64, help="token length of the random batch (without --batch)")
    ap.add_argument("--clock", choices=["wall", "cpu"], default="wall",
                    help="wall time, or process CPU time of all threads (as `more bench train --clock cpu`)")
    args = ap.parse_args()
    if args.threads < 1 or args.steps < 1:
        sys.exit("more_tiny.py: --threads and --steps must be at least 1")
    torch.set_num_threads(args.threads)
    c = TINY
    if args.config != "tiny":
        with open(args.config) as f:
            c = json.load(f)
    arrays = []
    for path in args.batch or []:
        a, meta = safetensors_io.read(path)
        arrays.append(a)
        if "config" in meta:
            c = json.loads(meta["config"])
    torch.manual_seed(int(c["optim"]["seed"]))
    model = MoRE(c)
    folder = c.get("textModel") or ""
    if folder and not os.path.isabs(folder):
        folder = os.path.join(os.environ.get("MORE_ROOT", os.getcwd()), folder)
    if folder and os.path.exists(os.path.join(folder, "model.safetensors")):
        load_text_weights(model, folder)
    batches = [batch_from_arrays(a) for a in arrays] or \
        [random_batch(c, c["optim"]["batchSize"], args.text_length, int(c["optim"]["seed"]))]
    model.train()
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=c["optim"]["learningRate"], betas=(0.9, 0.999), eps=1e-8,
                                  weight_decay=c["optim"]["weightDecay"])
    clock = time.perf_counter if args.clock == "wall" else time.process_time
    times = []
    for i in range(args.steps + 1):
        t0 = clock()
        batch = batches[i % len(batches)]
        loss = train_step(model, optimizer, batch, c["optim"].get("gradClip"))
        dt = clock() - t0
        if not torch.isfinite(loss):
            sys.exit(f"more_tiny.py: the loss is not finite at step {i}")
        if i > 0:
            times.append(dt)
    rss = peak_rss_mb()
    print(f"# loss {float(loss):.4f}, batch {batch['ids'].shape[0]}, text length {batch['ids'].shape[1]}, "
          f"steps {[round(t * 1000, 1) for t in times]}")
    print(f"torch_step {args.threads} {statistics.median(times) * 1000:.1f} {rss:.0f}")


if __name__ == "__main__":
    main()
