#!/usr/bin/env python3
"""What does the X-ray side of the aligned space encode, and why does zero-shot fail? (PAPER.md 5.1)

Embeds, with `more embed` (projected, 128-d), the X-rays and the report pairs of
DIR/pretrain_test.h5, the report pairs of DIR/pretrain_train.h5 and the X-rays of
DIR/chexpert5x200.h5, then prints:

1. Pair similarity by attribute. For every (report i, X-ray j) pair of pretrain_test, the cosine of
   their embeddings; per attribute, the AUROC of that cosine for pairs that share the attribute
   (both have it; for the view: same view) against pairs where only one has it. 0.5: the aligned
   space ignores the attribute. Attributes: CheXpert-13 labels and what the radiology report
   states besides findings (view, lung volumes, devices, aorta), read from its text. The first
   line is the same AUROC for the true pairs against all others.
2. Zero-shot, 4 classes, the authors' scoring (cosine, max over a class's prompts, z-score per
   class over the images, AUROC), with two kinds of class text: the authors' prompts (`more embed
   --prompts chexpert4`, the 5 per class of the zero-shot table) and report prototypes (the
   normalised mean of the projected embeddings of the pretrain_train reports labelled positive,
   CheXpert-13). On chexpert5x200 (one finding per image, as the table), on pretrain_test
   (multi-label: the findings co-occur as in training, and most patients have none) and on the
   pretrain_test patients with exactly one of the five findings (chexpert5x200's selection).

    python3 Tools/alignment_diagnostics.py --checkpoint CKPT --data DIR [--more .build/release/more]

Needs numpy, h5py, scikit-learn; MORE_ROOT for `more embed` outside the repository.
"""
import argparse, os, re, subprocess, sys, tempfile
import h5py, numpy as np
from sklearn.metrics import roc_auc_score

ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
ap.add_argument("--checkpoint", required=True)
ap.add_argument("--data", required=True)
ap.add_argument("--more", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".build", "release", "more"))
a = ap.parse_args()
tmp = tempfile.mkdtemp(prefix="align-")


def embed(split, modality):
    out = os.path.join(tmp, f"{split}-{modality}.f32")
    r = subprocess.run([a.more, "embed", "--checkpoint", a.checkpoint, "--data", os.path.join(a.data, split + ".h5"),
                        "--modality", modality, "--out", out], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"more embed failed for {split} {modality}:\n{r.stderr}")
    e = np.fromfile(out, dtype="<f4").reshape(-1, 128)
    return e / np.linalg.norm(e, axis=1, keepdims=True)


def strings(f, key):
    return [s.decode() if isinstance(s, bytes) else s for s in f[key][...]]


def columns(d):
    return [c.decode() if isinstance(c, bytes) else c for c in d.attrs["columns"]]


def pair_auroc(S, pos, neg):
    return roc_auc_score(np.r_[np.ones(pos.sum()), np.zeros(neg.sum())], np.r_[S[pos], S[neg]])


X, T = embed("pretrain_test", "xray"), embed("pretrain_test", "text")
pf = os.path.join(tmp, "prompts.f32")
r = subprocess.run([a.more, "embed", "--checkpoint", a.checkpoint, "--prompts", "chexpert4", "--out", pf], capture_output=True, text=True)
if r.returncode != 0:
    sys.exit(f"more embed --prompts failed:\n{r.stderr}")
P = np.fromfile(pf, dtype="<f4").reshape(-1, 128); P /= np.linalg.norm(P, axis=1, keepdims=True)
prompt_class = np.array(__import__("json").load(open(pf + ".json"))["class_of_row"])
Ttrain, Xcx = embed("pretrain_train", "text"), embed("chexpert5x200", "xray")
test, train, cx = (h5py.File(os.path.join(a.data, s + ".h5"), "r") for s in ("pretrain_test", "pretrain_train", "chexpert5x200"))

# 1. Pair similarity by attribute.
S, N = T @ X.T, len(X)
off = ~np.eye(N, dtype=bool)
reps = strings(test, "report_xray")
has = lambda p: np.array([bool(re.search(p, r, re.I)) for r in reps])
attrs = {
    "view (PA / AP)": np.array([0 if re.search(r"\bPA\b|frontal and lateral", r) else 1 if re.search(r"\bAP\b", r) else 2 for r in reps]),
    "report: low lung volumes": has(r"low lung volumes|lung volumes are low"),
    "report: hyperinflation": has(r"hyperinflat|hyperexpanded"),
    "report: enteric tube": has(r"gastric tube|enteric tube"),
    "report: pacemaker": has(r"pacemaker"),
    "report: sternotomy wires": has(r"sternotomy"),
    "report: tortuous aorta / knob calcification": has(r"tortuous|aortic knob"),
}
L = test["labels/chexpert13"][...]
for k, c in enumerate(columns(test["labels/chexpert13"])):
    attrs["label: " + c] = L[:, k] > 0     # 1 positive; 0 and -1 (uncertain) not
print(f"1. pair similarity, pretrain_test ({N} patients): AUROC of cos(report, X-ray) for pairs sharing the attribute vs not")
print(f"   {pair_auroc(S, np.eye(N, dtype=bool), off):.3f}  the true pairs vs all others")
rows = []
for name, v in attrs.items():
    if v.dtype == bool:
        pos, neg = (v[:, None] & v[None, :]) & off, v[:, None] ^ v[None, :]
        share = v.mean()
    else:
        pos, neg = (v[:, None] == v[None, :]) & off, v[:, None] != v[None, :]
        share = np.bincount(v).max() / N
    if pos.sum() >= 20 and neg.sum() >= 20:
        rows.append((pair_auroc(S, pos, neg), name, share))
for auc, name, share in sorted(rows, reverse=True):
    print(f"   {auc:.3f}  {name}  (prevalence, or largest class, {share:.2f})")

# 2. Zero-shot with report prototypes.
four = ["Atelectasis", "Cardiomegaly", "Edema", "Pleural Effusion"]
ctr = columns(train["labels/chexpert13"]); Ltr = train["labels/chexpert13"][...]
proto = {}
for c in four:
    p = Ttrain[Ltr[:, ctr.index(c)] > 0].mean(0)
    proto[c] = p / np.linalg.norm(p)
names5 = cx.attrs["classes_chexpert5_class"]
names5 = (names5.decode() if isinstance(names5, bytes) else str(names5)).split(",")
y = cx["labels/chexpert5_class"][...].astype(int)
cte = columns(test["labels/chexpert13"])
z = lambda s: (s - s.mean()) / s.std()
score = {"prompts": lambda E, k: z((E @ P[prompt_class == k].T).max(1)), "report prototypes": lambda E, k: z(E @ proto[four[k]])}
print("2. zero-shot, authors' scoring (" + " / ".join(four) + ", macro AUROC)")
one = np.stack([L[:, cte.index(c)] > 0 for c in four + ["Consolidation"]], 1).sum(1) == 1
fmt = lambda v: " ".join(f"{x:.3f}" for x in v) + f"  macro {np.mean(v):.3f}"
for name, f in score.items():
    auc_cx = [roc_auc_score(y == names5.index(c), f(Xcx, k)) for k, c in enumerate(four)]
    auc_te = [roc_auc_score(L[:, cte.index(c)] > 0, f(X, k)) for k, c in enumerate(four)]
    auc_one = [roc_auc_score(L[one, cte.index(c)] > 0, f(X[one], k)) for k, c in enumerate(four)]
    print(f"   {name}: chexpert5x200 {fmt(auc_cx)}")
    print(f"   {' ' * len(name)}  pretrain_test, all {len(X)} {fmt(auc_te)}")
    print(f"   {' ' * len(name)}  pretrain_test, the {one.sum()} with exactly one of the 5 findings {fmt(auc_one)}")
