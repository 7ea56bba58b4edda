#!/usr/bin/env python3
"""Can *any* small image encoder align the synthetic X-rays with their reports in the budget?

Contrastive X-ray <-> text training in PyTorch with the text side made as easy as possible:
the frozen all-MiniLM-L6-v2 (masked mean over the joined radiology + cardiology report, max 128
tokens, computed once) feeds a trainable projection head; the image side is one of
  vit      the tiny X-ray ViT (64x64, patch 8, width 128, depth 4, 4 heads, CLS pooling),
  vitconv  the same ViT with a convolutional stem (Xiao et al. 2021: three 3x3 stride-2 convs
           with BatchNorm + ReLU, then 1x1 to width 128) instead of the 8x8 patch projection,
  cnn      a plain 4-stage CNN (3x3 conv, BN, ReLU, 2x2 max-pool; 32-64-128-128, global mean),
each with MoRE's projection head (Linear, BN, ReLU, Linear, BN to 128-d). Symmetric InfoNCE at
tau 0.07, batch 32, AdamW lr 1e-3 (wd 0.1), 20-step warm-up then cosine, clipping at 1, no
augmentation — the tiny recipe without its X-ray-irrelevant parts. Every epoch (81 steps) it
prints the training and held-out in-batch text->X-ray top-1 (pretrain_val, 6 batches of 32;
chance 1/32) and the held-out AUROC of a logistic-regression probe on the encoder features for
the four MIMIC labels (trained on 1,000 pretrain_train rows). PAPER.md section 5.1 has the
numbers. Needs torch, transformers, h5py, scikit-learn; the project itself never does.

`--per-image` standardises each X-ray by its own mean and deviation (as `tiny` does) instead of
the authors' fixed Normalize; `--pos-std S` initialises the ViT's position embeddings with
standard deviation S instead of 0.02 (PAPER.md section 5.1 item 8); `--pos sincos` uses a fixed 2-D
sine-cosine table instead (MAE's; as the Swift model's `"positions": "sincos"`) and `--pool mean` the
mean of the patch tokens instead of the CLS token (section 5.1 item 11).

`--text radiology` anchors the X-rays on the radiology report alone instead of the joined pair
(not MoRE; a diagnostic of how much the cardiology half and the phrasing dilute the anchor).

    python3 Tools/contrastive_xray_check.py DATA_DIR --encoder cnn [--epochs 3] [--lr 1e-3] [--tau 0.07] [--text radiology] [--per-image] [--pos-std 0.02] [--pos sincos] [--pool mean]
"""
import argparse, time
import h5py, numpy as np, torch, torch.nn as nn, torch.nn.functional as F
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from tiny_xray_encoders import ViT, cnn

ap = argparse.ArgumentParser()
ap.add_argument("data"); ap.add_argument("--encoder", choices=["vit", "vitconv", "cnn"], default="vit")
ap.add_argument("--epochs", type=int, default=3); ap.add_argument("--lr", type=float, default=1e-3)
ap.add_argument("--tau", type=float, default=0.07)
ap.add_argument("--model", default=".cache/models/all-MiniLM-L6-v2", help="folder of the sentence encoder")
ap.add_argument("--text", choices=["joined", "radiology"], default="joined",
                help="the anchor: the joined report pair (MoRE) or the radiology report alone (diagnostic)")
ap.add_argument("--per-image", action="store_true", help="standardise each X-ray by its own mean and deviation")
ap.add_argument("--pos-std", type=float, default=0.02, help="initial standard deviation of the ViT's position embeddings")
ap.add_argument("--pool", choices=["cls", "mean"], default="cls", help="ViT pooling: the CLS token (timm's and the authors') or the mean of the patch tokens")
ap.add_argument("--pos", choices=["learned", "sincos"], default="learned", help="ViT position embeddings: learned (timm) or fixed 2-D sine-cosine")
args = ap.parse_args()
torch.manual_seed(0); torch.set_num_threads(1)


def text_features(reports):
    """Frozen MiniLM, masked mean over the tokens of (radiology, cardiology) pairs."""
    from transformers import AutoModel, AutoTokenizer
    tok, enc = AutoTokenizer.from_pretrained(args.model), AutoModel.from_pretrained(args.model).eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(reports), 64):
            a, b = zip(*reports[i:i + 64])
            pair = (list(a), list(b)) if args.text == "joined" else (list(a),)
            t = tok(*pair, padding=True, truncation=True, max_length=128, return_tensors="pt")
            h, m = enc(**t).last_hidden_state, t["attention_mask"][..., None].float()
            out.append((h * m).sum(1) / m.sum(1))
    return torch.cat(out)


def load(split):
    with h5py.File(f"{args.data}/{split}.h5", "r") as f:
        x = torch.tensor(f["/xray"][...]).float()
        reports = [(r.decode(), e.decode()) for r, e in zip(f["/report_xray"][...], f["/report_ecg"][...])]
        y = f["/labels/mimic4"][...]
    x = (x - x.mean(dim=(1, 2), keepdim=True)) / (x.std(dim=(1, 2), keepdim=True) + 1e-6) if args.per_image else (x - 0.499) / 0.293
    return x, text_features(reports), y


def head(d):
    return nn.Sequential(nn.Linear(d, 128, bias=False), nn.BatchNorm1d(128), nn.ReLU(),
                         nn.Linear(128, 128, bias=False), nn.BatchNorm1d(128))


xtr, ttr, ytr = load("pretrain_train")
xva, tva, yva = load("pretrain_val")
enc = {"vit": lambda: ViT(conv=False, pos_std=args.pos_std, pool=args.pool, pos=args.pos), "vitconv": lambda: ViT(conv=True), "cnn": cnn}[args.encoder]()
hx, ht = head(128), head(ttr.shape[1])
params = [*enc.parameters(), *hx.parameters(), *ht.parameters()]
opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.1)
per_epoch = len(xtr) // 32
total = args.epochs * per_epoch
sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1, (s + 1) / 20) * 0.5 * (1 + np.cos(np.pi * s / total)))


def infonce(a, b):
    a, b = F.normalize(a, dim=1), F.normalize(b, dim=1)
    logits, target = a @ b.T / args.tau, torch.arange(len(a))
    return 0.5 * (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target)), (logits.argmax(0) == target).float().mean().item()


def evaluate():
    for m in (enc, hx, ht): m.eval()
    with torch.no_grad():
        top1 = np.mean([infonce(hx(enc(xva[i:i + 32])), ht(tva[i:i + 32]))[1] for i in range(0, len(xva) - 31, 32)])
        ftr, fva = enc(xtr[:1000]).numpy(), enc(xva).numpy()
    for m in (enc, hx, ht): m.train()
    aucs = []
    for j in range(4):
        ok, okv = ytr[:1000, j] >= 0, yva[:, j] >= 0
        probe = LogisticRegression(max_iter=500).fit(ftr[ok], ytr[:1000][ok, j] > 0)
        aucs.append(roc_auc_score(yva[okv, j] > 0, probe.decision_function(fva[okv])))
    return top1, aucs


start, recent = time.time(), []
for epoch in range(args.epochs):
    order = torch.randperm(len(xtr))
    for b in range(per_epoch):
        i = order[b * 32:(b + 1) * 32]
        loss, acc = infonce(hx(enc(xtr[i])), ht(ttr[i]))
        recent = (recent + [acc])[-40:]
        opt.zero_grad(); loss.backward(); nn.utils.clip_grad_norm_(params, 1.0); opt.step(); sched.step()
    top1, aucs = evaluate()
    print(f"{args.encoder} epoch {epoch + 1} step {(epoch + 1) * per_epoch} {time.time() - start:.0f}s  train t->x top-1 {np.mean(recent):.3f}"
          f"  val t->x top-1 {top1:.3f}  probe AUROC (Atel, Cardio, Edema, Effusion) {' '.join(f'{a:.3f}' for a in aucs)}", flush=True)
