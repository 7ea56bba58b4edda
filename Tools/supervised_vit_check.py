#!/usr/bin/env python3
"""How fast can the tiny X-ray ViT learn the synthetic findings when it is *told* the labels?

A PyTorch twin of the `tiny` X-ray tower (64x64, patch 8, width 128, depth 4, 4 heads, pre-norm,
qkv without bias, CLS pooling) with a linear head, trained from scratch with binary
cross-entropy on the four MIMIC labels of `pretrain_train` (uncertain -1 labels masked), batch 32,
AdamW (weight decay 0.1), no augmentation; validation AUROC per label on `pretrain_val` every 40
steps. This is an upper bound for what contrastive pre-training of the same tower can reach in
the same number of steps (PAPER.md section 5.1). Needs torch, h5py, scikit-learn.

`--cnn` trains a plain 4-stage CNN instead (3x3 conv, BatchNorm, ReLU, 2x2 max-pool; channels
32-64-128-128, global mean, linear head; AdamW weight decay 0.01): how fast the findings can be
learnt by an encoder with a convolutional prior.

`--per-image` standardises each image by its own mean and standard deviation instead of the
authors' fixed Normalize(0.499, 0.293) (it removes the phantom's brightness and contrast
variation). `--pos-std S` initialises the ViT's position embeddings with standard deviation S
instead of timm's 0.02 (a diagnostic of the pre-norm LayerNorm discarding each patch's
intensity, PAPER.md section 5.1 item 8). Each evaluation also prints the training AUROC on the first 600 training rows, to
tell underfitting from overfitting. `--dim`, `--depth` and `--heads` size the ViT; the image
size is the cohort's (224 for one made with `more data synth --xray-size 224`; PAPER.md section
5.1 item 2 has the sweep).

    python3 Tools/supervised_vit_check.py DATA_DIR [--lr 5e-4] [--epochs 3] [--patch 8] [--clahe] [--per-image] [--cnn] [--pos-std 0.02]
                                          [--dim 128] [--depth 4] [--heads 4]
"""
import argparse, time
import h5py, numpy as np, torch, torch.nn as nn
from sklearn.metrics import roc_auc_score

from tiny_xray_encoders import ViT, cnn

ap = argparse.ArgumentParser()
ap.add_argument("data"); ap.add_argument("--lr", type=float, default=5e-4)
ap.add_argument("--epochs", type=int, default=3); ap.add_argument("--patch", type=int, default=8)
ap.add_argument("--clahe", action="store_true", help="equalize_adapthist each image first (scikit-image)")
ap.add_argument("--per-image", action="store_true", help="standardise each image by its own mean and std")
ap.add_argument("--cnn", action="store_true", help="a 4-stage CNN instead of the ViT")
ap.add_argument("--pos-std", type=float, default=0.02, help="initial standard deviation of the ViT's position embeddings")
ap.add_argument("--dim", type=int, default=128, help="ViT width"); ap.add_argument("--depth", type=int, default=4, help="ViT blocks")
ap.add_argument("--heads", type=int, default=4, help="attention heads")
args = ap.parse_args()
torch.manual_seed(0); torch.set_num_threads(1)


def load(split):
    with h5py.File(f"{args.data}/{split}.h5", "r") as f:
        x, y = f["/xray"][...], f["/labels/mimic4"][...]
    if args.clahe:
        from skimage.exposure import equalize_adapthist
        x = np.stack([equalize_adapthist(im / max(im.max(), 1e-6)) for im in x])
    x = torch.tensor(x).float()
    if args.per_image:
        x = (x - x.mean(dim=(1, 2), keepdim=True)) / (x.std(dim=(1, 2), keepdim=True) + 1e-6)
    else:
        x = (x - 0.499) / 0.293
    return x, torch.tensor(y).float()


xtr, ytr = load("pretrain_train"); xva, yva = load("pretrain_val")
image = xtr.shape[-1]
if args.cnn and image != 64:
    raise SystemExit(f"--cnn is built for 64x64 images; {args.data}/pretrain_train.h5 holds {image}x{image}")
model = cnn(outputs=4) if args.cnn else ViT(patch=args.patch, outputs=4, pos_std=args.pos_std, d=args.dim, depth=args.depth,
                                            heads=args.heads, image=image)
opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01 if args.cnn else 0.1)
step, t0 = 0, time.time()
print("step  seconds  val AUROC: Atelectasis Cardiomegaly Edema Effusion  | train AUROC (600 rows)")


def aurocs(x, y):
    with torch.no_grad():
        o = model(x).numpy()
    y = y.numpy()
    return [roc_auc_score(y[y[:, j] >= 0, j], o[y[:, j] >= 0, j]) for j in range(4)]

for epoch in range(args.epochs):
    perm = torch.randperm(len(xtr))
    for b in range(len(xtr) // 32):
        i = perm[b * 32:(b + 1) * 32]
        y = ytr[i]
        per = nn.functional.binary_cross_entropy_with_logits(model(xtr[i]), y.clamp(min=0), reduction="none")
        loss = (per * (y >= 0).float()).mean()
        opt.zero_grad(); loss.backward(); opt.step(); step += 1
        if step % 40 == 0:
            model.eval()
            auc, auct = aurocs(xva, yva), aurocs(xtr[:600], ytr[:600])
            model.train()
            print(f"{step:4d} {time.time() - t0:7.0f}   " + "  ".join(f"{a:.3f}" for a in auc)
                  + "  | " + "  ".join(f"{a:.3f}" for a in auct), flush=True)
