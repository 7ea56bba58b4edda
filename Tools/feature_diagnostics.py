#!/usr/bin/env python3
"""Are a tower's features informative? (PAPER.md section 5.1)

Reads the pre-projection features written by `more embed --features` for a train and a test
file of the same label set, and prints: the share of variance in the first principal
components, the largest |correlation| of a feature with the mean image intensity (X-ray only),
and the test AUROC of an L2 logistic regression (C = 0.1) per label.

    more embed --checkpoint CKPT --data DIR/mimic4label_train.h5 --modality xray --features --out tr.f32
    more embed --checkpoint CKPT --data DIR/mimic4label_test.h5  --modality xray --features --out te.f32
    python3 Tools/feature_diagnostics.py DIR/mimic4label_train.h5 tr.f32 DIR/mimic4label_test.h5 te.f32 [labels=/labels/mimic4]
"""
import json, os, sys
import h5py, numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import StandardScaler

htr, ftr, hte, fte = sys.argv[1:5]
labels = sys.argv[5] if len(sys.argv) > 5 else "/labels/mimic4"
with h5py.File(htr, "r") as f:
    ytr = f[labels][...]; img = f["/xray"][...] if "/xray" in f else None
with h5py.File(hte, "r") as f:
    yte = f[labels][...]
a = np.fromfile(ftr, dtype=np.float32).reshape(len(ytr), -1)
b = np.fromfile(fte, dtype=np.float32).reshape(len(yte), -1)
s = np.linalg.svd(a - a.mean(0), compute_uv=False) ** 2
print(f"features {a.shape[1]}-d; variance share of PC1..PC3: " + ", ".join(f"{v:.3f}" for v in s[:3] / s.sum()))
modality = json.load(open(ftr + ".json")).get("modality", "") if os.path.exists(ftr + ".json") else ""
if img is not None and modality == "xray":
    m = img.reshape(len(img), -1).mean(1)
    c = [abs(np.corrcoef(a[:, j], m)[0, 1]) for j in range(a.shape[1]) if a[:, j].std() > 0]
    print(f"max |corr(feature, mean intensity)| {max(c):.3f}, median {np.median(c):.3f}")
sc = StandardScaler().fit(a)
for j in range(ytr.shape[1]):
    ktr, kte = ytr[:, j] >= 0, yte[:, j] >= 0
    clf = LogisticRegression(C=0.1, max_iter=1000).fit(sc.transform(a[ktr]), ytr[ktr, j])
    print(f"label {j}: test AUROC {roc_auc_score(yte[kte, j], clf.decision_function(sc.transform(b[kte]))):.3f}")
