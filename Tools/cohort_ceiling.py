#!/usr/bin/env python3
"""How distinguishable are the patients of a split by their reports?

For a key (a canonical form of what a report states), the *oracle ceiling* of in-batch
text→image retrieval is the expected top-1 of a model that knows the key of every image exactly
and breaks ties at random: mean over random batches of B patients of 1/|patients in the batch
sharing the key|. Keys (independent of phrasing; negations and "normal" statements carry no
patient-specific content and are dropped; hedged and certain mentions count the same):
  radiology  the set of stated concepts (view, each device with its position, lung volumes,
             cardiomegaly/edema/effusion with severity and side, focal findings with lobe, ...)
  ecg        the set of machine statements with synonyms merged, with and without the
             "Vent. rate N BPM" measurement
  chexpert13 / ptbxl_super / conditions  the label rows, for comparison.

usage: python3 Tools/cohort_ceiling.py FILE.h5 [--batch 32] [--trials 300] [--max-length N]
needs numpy and h5py. Also reports the number of distinct keys and the largest key group.
--max-length N first encodes each report pair as the model sees it (the authors' prefixes, the
MiniLM tokenizer of .cache/models, longest-first truncation to N tokens) and computes the keys of
the whole sentences that survive (decoded lower-case text); it needs the `transformers` package.
"""
import argparse
import re
import sys

import numpy as np

SEVERITY = {"mild": "mild", "mildly": "mild", "minimal": "mild", "small": "small", "moderate": "moderate",
            "moderately": "moderate", "severe": "severe", "marked": "severe", "markedly": "severe", "large": "large",
            "borderline": "borderline", "possible": "borderline"}
SIDES = ["right", "left", "bilateral", "bibasilar", "both"]
LOBES = ["right upper lobe", "right middle lobe", "right lower lobe", "left upper lobe", "left lower lobe"]
NEGATIVE = re.compile(r"^(no |there is no )|no evidence|within normal|is normal|are normal|normal heart size|unremarkable"
                      r"|are sharp|lungs are clear|well expanded and clear|no acute|normal chest|comparison is made"
                      r"|osseous structures are intact|cardiopulmonary process")


def sentences(report):
    text = re.sub(r"(FINDINGS|IMPRESSION):", ". ", report)
    text = re.sub(r"(^|\s)\d+\.\s", " ", text)
    return [s.strip().lower() for s in re.split(r"\.\s+|\.$", text) if s.strip()]


def modifiers(s, words):
    return {w for w in words if re.search(r"\b" + re.escape(w) + r"\b", s)}


def radiology_key(report):
    concepts = {}

    def add(concept, mods=()):
        concepts.setdefault(concept, set()).update(mods)

    for s in sentences(report):
        sev = {SEVERITY[w] for w in SEVERITY if re.search(r"\b" + w + r"\b", s)}
        side = modifiers(s, SIDES)
        lobe = {l for l in LOBES if l in s}
        if "portable" in s or re.search(r"\bap view\b", s):
            add("view", ["ap"]); continue
        if "pa and lateral" in s or "frontal and lateral" in s:
            add("view", ["pa"]); continue
        if "endotracheal" in s or "et tube" in s:
            add("ett", re.findall(r"\d+(?:\.\d+)?", s)); continue
        if re.search(r"enteric|nasogastric|orogastric", s):
            add("enteric"); continue
        if "central venous catheter" in s or "picc" in s:
            kind = "picc" if "picc" in s else "ij" if "jugular" in s else "subclavian"
            tip = [t for t in ["mid svc", "cavoatrial junction", "right atrium"] if t in s]
            add("line", [kind] + list(side - {"bilateral"}) + tip); continue
        if re.search(r"pacemaker|aicd|\bicd\b", s):
            add("pacer", ["icd" if "icd" in s else "dual" if "right atrium" in s else "single"]); continue
        if "sternotomy" in s:
            add("sternotomy"); continue
        if "lines and tubes" in s:
            continue
        if "low lung volumes" in s or "lung volumes are low" in s:
            add("volume", ["low"]); continue
        if re.search(r"hyperinflat|hyperexpanded|emphysema", s):
            add("volume", ["high"]); continue
        if "hemidiaphragm" in s:
            add("hemidiaphragm", side); continue
        if "aort" in s:
            if "tortuous" in s: add("aorta-tortuous")
            if "calcif" in s: add("aorta-calcified")
            continue
        if "granuloma" in s:
            add("granuloma", lobe); continue
        if "clips" in s:
            add("clips"); continue
        if "top normal" in s or "upper limits of normal" in s:
            add("heart-top-normal"); continue
        if NEGATIVE.search(s):
            continue
        if "mediastin" in s and ("widen" in s or "enlarged" in s):
            add("cardiomediastinum"); continue
        if "mediastin" in s and "widened" in s or "superior mediastinum" in s:
            add("mediastinum-wide"); continue
        if re.search(r"cardiomegaly|heart is .*enlarged|cardiac silhouette|heart size is .*enlarged", s):
            add("cardiomegaly", sev); continue
        if re.search(r"edema|congestion|congestive heart failure", s):
            add("edema", sev); continue
        if "effusion" in s or "blunting" in s:
            add("effusion", sev | side); continue
        if "nodul" in s:
            add("nodule", lobe); continue
        if lobe and re.search(r"consolidation|opaci|pneumonia|aspiration", s):
            add("focal", lobe); continue
        if "atelectasis" in s:
            add("atelectasis", side); continue
        if "pneumothorax" in s:
            add("pneumothorax", side); continue
        if "pleural thickening" in s:
            add("pleural-thickening", side); continue
        if "fracture" in s:
            add("fracture", side); continue
        add("other:" + s)
    return frozenset((c, frozenset(m)) for c, m in concepts.items())


ECG_SYNONYMS = [
    (r"^low (qrs voltages in limb leads|voltage qrs)$", "low-voltage"),
    (r"^(left ventricular hypertrophy with repolarization abnormality|lvh with secondary repolarization abnormality)$",
     "lvh-strain"),
    (r"^(\w+) (injury pattern|st elevation - consider acute infarct)$|^acute (\w+) infarct$|^consider (\w+) injury$",
     "stemi"),
    (r"^\*\* \*\* acute mi / stemi \*\* \*\*$", None),
    (r"^no further analysis", None),
    (r"^(st-t changes - possible ischemia|lateral st-t changes may be due to myocardial ischemia"
     r"|st depression - possible subendocardial injury)$", "ischemic-stt"),
    (r"^nonspecific (st-t wave changes|t wave abnormality)$", "nonspecific-stt"),
    (r"^(possible anterior infarct - age undetermined|poor r wave progression - consider anterior infarct)$",
     "possible-infarct-anterior"),
    (r"^atrial fibrillation with controlled ventricular response$", "atrial fibrillation"),
    (r"^(otherwise normal ecg|borderline ecg)$", "borderline ecg"),
    (r"^prolonged pr interval$", "avb1"),
]


def ecg_key(report, rate=True):
    out = set()
    for s in sentences(report):
        if s == "vent":  # "Vent. rate 72 BPM" splits at "Vent."
            continue
        m = re.match(r"^(?:vent\. )?rate (\d+) bpm$", s)
        if m:
            if rate:
                out.add("rate:" + m.group(1))
            continue
        if " with 1st degree a-v block" in s:
            out.add("avb1"); s = s.replace(" with 1st degree a-v block", "")
        for pattern, token in ECG_SYNONYMS:
            g = re.match(pattern, s)
            if g:
                if token == "stemi":
                    territory = [w for w in g.groups() if w][0]
                    token = "stemi:" + territory
                s = token
                break
        if s:
            out.add(s)
    return frozenset(out)


def ceiling(keys, batch=32, trials=300, seed=0):
    """Mean over random batches of the mean over rows of 1/|rows in the batch with the same key|."""
    ids = {}
    codes = np.array([ids.setdefault(k, len(ids)) for k in keys])
    rng = np.random.default_rng(seed)
    acc = []
    for _ in range(trials):
        k = codes[rng.choice(len(codes), batch, replace=False)]
        same = (k[:, None] == k[None, :]).sum(1)
        acc.append(np.mean(1.0 / same))
    counts = np.bincount(codes)
    return float(np.mean(acc)), len(ids), int(counts.max())


def truncated_pairs(rx, re_, max_length, model=".cache/models/all-MiniLM-L6-v2"):
    """The two reports as they survive the model's pair encoding at `max_length` tokens (decoded
    back to lower-case text), and the fraction of pairs that were cut."""
    from transformers import AutoTokenizer
    tok = AutoTokenizer.from_pretrained(model)
    enc = tok(["The report from Xray is: " + a for a in rx], ["The report from ECG is: " + b for b in re_],
              truncation="longest_first", max_length=max_length)
    def whole_sentences(text, was_cut):
        # A sentence cut in the middle would count as content of its own: keep whole ones.
        return text[: text.rfind(".") + 1] if was_cut else text

    out_x, out_e, cut = [], [], 0
    for ids, types, x, e in zip(enc["input_ids"], enc["token_type_ids"], rx, re_):
        a = [i for i, t in zip(ids, types) if t == 0][1:-1]     # without [CLS] and [SEP]
        b = [i for i, t in zip(ids, types) if t == 1][:-1]      # without the final [SEP]
        da, db = tok.decode(a), tok.decode(b)
        out_x.append(whole_sentences(da, len(a) < len(tok.tokenize("The report from Xray is: " + x))))
        out_e.append(whole_sentences(db, len(b) < len(tok.tokenize("The report from ECG is: " + e))))
        cut += len(ids) >= max_length
    return out_x, out_e, cut / max(len(rx), 1)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("file")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--trials", type=int, default=300)
    ap.add_argument("--show", type=int, default=0, help="print this many reports with their keys")
    ap.add_argument("--max-length", type=int, help="keys of what survives the pair encoding at this many tokens")
    a = ap.parse_args()
    import h5py
    with h5py.File(a.file, "r") as f:
        def strings(name):
            return [s.decode() if isinstance(s, bytes) else str(s) for s in f[name][...]] if name in f else None
        rx, re_ = strings("/report_xray"), strings("/report_ecg")
        labels = {n: f["/labels/" + n][...] for n in ["chexpert13", "ptbxl_super", "conditions"] if "labels/" + n in f}
    rows = []
    if a.max_length:
        rx, re_, cut = truncated_pairs(rx, re_, a.max_length)
        print(f"pair encoding at {a.max_length} tokens: {cut:.1%} of the pairs are truncated")
    if rx:
        rows.append(("radiology content", [radiology_key(r) for r in rx]))
        rows.append(("radiology exact text", rx))
    if re_:
        rows.append(("ECG content incl. rate", [ecg_key(r) for r in re_]))
        rows.append(("ECG content without rate", [ecg_key(r, rate=False) for r in re_]))
        rows.append(("ECG exact text", re_))
    for name, v in labels.items():
        rows.append((name + " label row", [tuple(r) for r in v]))
    n = len(rx or re_)
    print(f"{a.file}: {n} patients, batch {a.batch}, {a.trials} batches")
    print(f"{'key':28s} {'ceiling':>8s} {'distinct':>9s} {'largest group':>14s}")
    for name, keys in rows:
        c, d, m = ceiling(keys, a.batch, a.trials)
        print(f"{name:28s} {c:8.3f} {d:9d} {m:14d}")
    for i in range(a.show):
        if rx: print("X:", rx[i], "\n  ->", sorted((c, sorted(m)) for c, m in radiology_key(rx[i])))
        if re_: print("E:", re_[i], "\n  ->", sorted(ecg_key(re_[i])))


if __name__ == "__main__":
    sys.exit(main())
