#!/usr/bin/env python3
"""Bad-input sweep: feed `more` corrupted dataset files and checkpoints and check each refusal.

Every variant below is one corruption of a real file: a dataset split of the cohort (`ptbxl_test.h5`
by default: ECGs, reports, a multi-column and a class-index label set) or a checkpoint. For each,
the sweep runs `more data check` (datasets) and `more embed` (both), and expects

  corrupt input  exit status 1..127 (a typed error, not a signal), an error line on stderr that
                 names the file, and no output file left behind;
  valid input    exit status 0 (the schema allows it: e.g. one row, a split without labels).

`more embed` refuses what the reader refuses (structure, NaN/Inf anywhere) and what the model
cannot take (an ECG length other than the config's); label values are not its business. Five of
the dataset variants also go through `more table table-zeroshot-ecg`, which must refuse label
values it cannot use and a missing label set.

It prints one line per (variant, command) and exits 1 when any line is wrong: a crash (status
>= 128, i.e. a signal such as SIGILL from a failed precondition), a corrupt input accepted, a
valid one refused, an error that does not name the file, or a half-written output.

usage: python3 Tools/bad_input_sweep.py --checkpoint out/runs/tiny-s42-n3000/best.safetensors
           [--more .build/release/more] [--data out/synthetic-s42-n3000] [--keep DIR]
needs numpy and h5py; runs from the repository root (the checkpoint's config names the text
model under .cache/). About two minutes: each `more embed` loads the model once.
"""
import argparse
import copy
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

import h5py
import numpy as np


# --- dataset variants: name -> (mutation of an h5py.File opened r+, expected valid?) ---------

def replace(f, key, data):
    """Replaces dataset `key` by `data`, keeping its attributes (e.g. `columns`)."""
    attrs = dict(f[key].attrs)
    del f[key]
    d = f.create_dataset(key, data=data)
    for k, v in attrs.items():
        d.attrs[k] = v


def edit(key, fn):
    return lambda f: replace(f, key, fn(f[key][...]))


def poke(key, index, value):
    def fn(x):
        x[index] = value
        return x
    return edit(key, fn)


def every_row(fn):
    def m(f):
        for key in ["ecg", "ids", "report_ecg", "labels/conditions", "labels/ptbxl_super", "labels/ptbxl_super_single"]:
            if key in f:
                replace(f, key, fn(f[key][...]))
    return m


def delete(key):
    def m(f):
        del f[key]
    return m


def set_attr(key, value):
    def m(f):
        if value is None:
            del f.attrs[key]
        else:
            f.attrs[key] = value
    return m


DATASET_VARIANTS = {
    "ecg NaN":                   (poke("ecg", (3, 2, 10), np.nan), False),
    "ecg +Inf":                  (poke("ecg", (3, 2, 10), np.inf), False),
    "ecg float64":               (edit("ecg", lambda x: x.astype("f8")), False),
    "ecg int16":                 (edit("ecg", lambda x: (x * 1000).astype("i2")), False),
    "ecg 11 leads":              (edit("ecg", lambda x: x[:, :11]), False),
    "ecg rank 2":                (edit("ecg", lambda x: x.reshape(x.shape[0], -1)), False),
    "ecg 999 samples":           (edit("ecg", lambda x: x[:, :, :999]), True),   # schema: L free; embed refuses
    "ids one short":             (edit("ids", lambda x: x[:-1]), False),
    "ids missing":               (delete("ids"), False),
    "label NaN":                 (poke("labels/ptbxl_super", (0, 0), np.nan), False),
    "label value 2":             (poke("labels/ptbxl_super", (0, 0), 2), False),
    "label one row short":       (edit("labels/ptbxl_super", lambda x: x[:-1]), False),
    "label 4 of 5 columns":      (edit("labels/ptbxl_super", lambda x: x[:, :4]), False),
    "class index beyond classes": (set_attr("classes_ptbxl_super_single", "A,B"), False),
    "schema_version 99":         (set_attr("schema_version", "99"), False),
    "schema_version missing":    (set_attr("schema_version", None), False),
    "labels missing":            (delete("labels/ptbxl_super"), True),
    "report missing":            (delete("report_ecg"), True),
    "one row":                   (every_row(lambda x: x[:1]), True),
}
# Byte-level corruptions (not HDF5 any more).
FILE_VARIANTS = {
    "empty file":     lambda b: b"",
    "garbage bytes":  lambda b: bytes(np.random.default_rng(0).integers(0, 256, 5000, dtype=np.uint8)),
    "truncated half": lambda b: b[: len(b) // 2],
}
# Where `more embed` must decide otherwise than `more data check`: an ECG length the schema allows
# but the model does not take (refused), and label values, which the embedding does not use
# (evaluation refuses them: `label set 'ptbxl_super' has invalid value 2.0 at row 0`).
EMBED_REFUSES = {"ecg 999 samples"}
EMBED_ACCEPTS = {"label value 2", "class index beyond classes"}
# Variants also evaluated by `more table table-zeroshot-ecg` (when the corrupted split is
# ptbxl_test.h5, the set that table reads), and whether the table must be written: the label
# values and the missing label set it needs must be refused there; one row gives a table of n/a.
TABLE_VARIANTS = {"label value 2": False, "class index beyond classes": False, "labels missing": False,
                  "ecg NaN": False, "one row": True}


# --- checkpoint variants ------------------------------------------------------------------------

def checkpoint_variants(raw):
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    body = raw[8 + n:]
    names = [k for k in header if k != "__metadata__"]
    first = names[0]

    def rebuild(h, b=body):
        hb = json.dumps(h).encode()
        return struct.pack("<Q", len(hb)) + hb + b

    def with_header(fn):
        h = copy.deepcopy(header)
        fn(h)
        return rebuild(h)

    def with_config(fn):
        def f(h):
            c = json.loads(h["__metadata__"]["config"])
            fn(c)
            h["__metadata__"]["config"] = json.dumps(c)
        return with_header(f)

    nan_body = bytearray(body)
    off = header[first]["data_offsets"][0]
    nan_body[off:off + 4] = struct.pack("<f", float("nan"))
    two_d = next(k for k in names if len(header[k]["shape"]) == 2 and header[k]["shape"][0] != header[k]["shape"][1])

    def transpose(h):
        h[two_d]["shape"] = h[two_d]["shape"][::-1]

    def mismatch_rank(c):
        c["loraRank"] = c["loraRank"] // 2

    return {
        "empty file": b"",
        "truncated half": raw[: len(raw) // 2],
        "header length huge": struct.pack("<Q", 1 << 60) + raw[8:],
        "tensor missing": with_header(lambda h: h.pop(first)),
        "tensor transposed": with_header(transpose),
        "dtype F16": with_header(lambda h: h[first].__setitem__("dtype", "F16")),
        "offsets past end": with_header(lambda h: h[first].__setitem__("data_offsets", [0, len(body) + 100])),
        "metadata missing": with_header(lambda h: h.pop("__metadata__")),
        "config not JSON": with_header(lambda h: h["__metadata__"].__setitem__("config", "{bad")),
        "config unknown key": with_config(lambda c: c.__setitem__("bogusKey", 1)),
        "config another LoRA rank": with_config(mismatch_rank),
        "weight NaN": rebuild(header, bytes(nan_body)),
    }


# --- running ------------------------------------------------------------------------------------

def run(cmd, out_file, corrupt_file, expect_ok):
    """Runs `cmd`; returns (verdict, status, last error line). verdict is '' when as expected."""
    if os.path.exists(out_file):
        os.remove(out_file)
    p = subprocess.run(cmd, capture_output=True, text=True)
    err = [l for l in p.stderr.replace("\r", "\n").split("\n") if l.strip() and not l.lstrip().startswith("embed ")]
    line = err[-1].strip() if err else (p.stdout.strip().split("\n")[-1] if p.stdout.strip() else "")
    if p.returncode >= 128 or p.returncode < 0:
        return "CRASH", p.returncode, line
    if expect_ok:
        return ("" if p.returncode == 0 else "REFUSED a valid input"), p.returncode, line
    if p.returncode == 0:
        return "ACCEPTED a corrupt input", 0, line
    problems = []
    if corrupt_file not in p.stderr and corrupt_file not in p.stdout:
        problems.append("error does not name the file")
    if os.path.exists(out_file):
        problems.append("output left behind")
    return "; ".join(problems), p.returncode, line


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--more", default=".build/release/more")
    ap.add_argument("--data", default="out/synthetic-s42-n3000")
    ap.add_argument("--split", default="ptbxl_test.h5", help="the dataset file to corrupt (needs /ecg)")
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--keep", help="write the variants here and keep them (default: a temporary folder)")
    args = ap.parse_args()
    for path in [args.more, os.path.join(args.data, args.split), args.checkpoint]:
        if not os.path.exists(path):
            sys.exit(f"bad_input_sweep: {path}: no such file")
    work = args.keep or tempfile.mkdtemp(prefix="bad-input-")
    os.makedirs(work, exist_ok=True)
    source = os.path.join(args.data, args.split)
    good_ck = args.checkpoint
    embed = lambda ck, data, out: [args.more, "embed", "--checkpoint", ck, "--data", data, "--modality", "ecg",
                                   "--out", out, "--quiet", "--threads", "1"]
    failures, lines = 0, 0

    def report(variant, command, verdict, status, line):
        nonlocal failures, lines
        lines += 1
        failures += bool(verdict)
        mark = "FAIL " + verdict if verdict else "ok"
        print(f"{variant:36} {command:11} status {status:>3}  {mark:8}  {line[:150]}")

    raw_h5 = open(source, "rb").read()
    for i, (name, (mutate, valid)) in enumerate(list(DATASET_VARIANTS.items()) + [(k, (v, False)) for k, v in FILE_VARIANTS.items()]):
        path = os.path.join(work, f"d{i:02d}.h5")
        if name in FILE_VARIANTS:
            open(path, "wb").write(mutate(raw_h5))
        else:
            shutil.copyfile(source, path)
            with h5py.File(path, "r+") as f:
                mutate(f)
        out = os.path.join(work, f"d{i:02d}.f32")
        report(name, "data check", *run([args.more, "data", "check", path], out, path, valid))
        embed_valid = (valid or name in EMBED_ACCEPTS) and name not in EMBED_REFUSES
        report(name, "embed", *run(embed(good_ck, path, out), out, path, embed_valid))
        if name in TABLE_VARIANTS and args.split == "ptbxl_test.h5":
            folder = os.path.join(work, f"d{i:02d}-data")
            shutil.rmtree(folder, ignore_errors=True)     # a --keep folder from an earlier sweep
            os.makedirs(folder)
            for f in os.listdir(args.data):
                if f.endswith(".h5") and f != args.split:
                    os.symlink(os.path.abspath(os.path.join(args.data, f)), os.path.join(folder, f))
            os.link(path, os.path.join(folder, args.split))
            tables = os.path.join(work, f"d{i:02d}-tables")
            report(name, "table", *run([args.more, "table", "table-zeroshot-ecg", "--data", folder, "--checkpoint", good_ck,
                                        "--out", tables, "--bootstrap", "100", "--threads", "1"],
                                       os.path.join(tables, "table-zeroshot-ecg.md"), os.path.join(folder, args.split),
                                       TABLE_VARIANTS[name]))
    for i, (name, data) in enumerate(checkpoint_variants(open(good_ck, "rb").read()).items()):
        path = os.path.join(work, f"c{i:02d}.safetensors")
        open(path, "wb").write(data)
        out = os.path.join(work, f"c{i:02d}.f32")
        report("checkpoint: " + name, "embed", *run(embed(path, source, out), out, path, False))
    # Paths of the wrong kind: a dataset folder where a split file is asked, a split file where
    # the dataset folder is asked, a folder without splits.
    empty = os.path.join(work, "empty-folder")
    os.makedirs(empty, exist_ok=True)
    out = os.path.join(work, "paths.f32")
    report("path: folder as --data file", "embed", *run(embed(good_ck, args.data, out), out, args.data, False))
    report("path: split file as --data", "table", *run([args.more, "table", "table-zeroshot-ecg", "--data", source,
                                                        "--checkpoint", good_ck, "--out", os.path.join(work, "p-tables")],
                                                       os.path.join(work, "p-tables", "table-zeroshot-ecg.md"), source, False))
    report("path: split file as --data", "pretrain", *run([args.more, "pretrain", "--config", "tiny", "--data", source,
                                                           "--out", os.path.join(work, "p-run")],
                                                          os.path.join(work, "p-run", "best.safetensors"), source, False))
    report("path: folder without splits", "data check", *run([args.more, "data", "check", empty], out, empty, False))
    missing = os.path.join(work, "no-such-folder")
    report("path: missing --data folder", "table", *run([args.more, "table", "table-zeroshot-ecg", "--data", missing,
                                                         "--checkpoint", good_ck, "--out", os.path.join(work, "m-tables")],
                                                        os.path.join(work, "m-tables", "table-zeroshot-ecg.md"), missing, False))
    # An output that is an input: the input must survive, the error name it.
    ck_copy = os.path.join(work, "self.safetensors")
    shutil.copyfile(good_ck, ck_copy)
    before = open(ck_copy, "rb").read()
    verdict, status, line = run([args.more, "embed", "--checkpoint", ck_copy, "--prompts", "ptbxl", "--out", ck_copy,
                                 "--quiet", "--threads", "1"], os.path.join(work, "none.f32"), ck_copy, False)
    if open(ck_copy, "rb").read() != before:
        verdict = (verdict + "; " if verdict else "") + "input overwritten"
    report("path: --out is the checkpoint", "embed", verdict, status, line)
    print(f"{lines} cases, {failures} wrong")
    if not args.keep:
        shutil.rmtree(work)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
