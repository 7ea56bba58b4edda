#!/usr/bin/env python3
"""Learnability baseline of the synthetic cohort (PAPER.md, "Data").

L2-regularised logistic regression on raw, standardised pixels (4 MIMIC X-ray labels) and on
raw, standardised 12x1000 ECG samples (5 PTB-XL superclasses). Trained on pretrain_train, C
chosen by AUROC on pretrain_val, AUROC reported on pretrain_test + mimic4label_test (uncertain
-1 labels dropped per label). Reads the HDF5 files written by `more data synth --out DIR`.

    python3 Tools/synth_learnability.py DIR        # needs numpy, h5py, scikit-learn
"""
import sys
import h5py
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import StandardScaler

d = sys.argv[1]


def load(split, field):
    with h5py.File(f"{d}/{split}.h5", "r") as f:
        x = f[field][...]
        cols = [c.decode() if isinstance(c, bytes) else str(c) for c in f[field].attrs.get("columns", [])]
    return x.reshape(len(x), -1).astype(np.float64) if field in ("/xray", "/ecg") else x, cols


def run(feature, labels, Cs, tests=("pretrain_test", "mimic4label_test")):
    Xtr, _ = load("pretrain_train", feature); Xva, _ = load("pretrain_val", feature)
    Xte = np.concatenate([load(t, feature)[0] for t in tests])
    Ytr, names = load("pretrain_train", labels); Yva, _ = load("pretrain_val", labels)
    Yte = np.concatenate([load(t, labels)[0] for t in tests])
    sc = StandardScaler().fit(Xtr)
    Xtr, Xva, Xte = sc.transform(Xtr), sc.transform(Xva), sc.transform(Xte)
    for j, name in enumerate(names):
        ktr, kva, kte = Ytr[:, j] >= 0, Yva[:, j] >= 0, Yte[:, j] >= 0
        best = None
        for C in Cs:
            clf = LogisticRegression(C=C, max_iter=200).fit(Xtr[ktr], Ytr[ktr, j])
            a = roc_auc_score(Yva[kva, j], clf.decision_function(Xva[kva]))
            if best is None or a > best[0]:
                best = (a, C, clf)
        auc = roc_auc_score(Yte[kte, j], best[2].decision_function(Xte[kte]))
        print(f"  {name:18s} AUROC {auc:.3f}  (C={best[1]:g}; {int(Yte[kte, j].sum())} positives of {int(kte.sum())})", flush=True)


print("X-ray, raw pixels -> mimic4 labels", flush=True)
run("/xray", "/labels/mimic4", [1e-3, 1e-2, 1e-1])
print("ECG, raw 12x1000 samples -> ptbxl_super", flush=True)
run("/ecg", "/labels/ptbxl_super", [1e-4, 1e-3])
