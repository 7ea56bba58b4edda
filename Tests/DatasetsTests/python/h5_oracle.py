#!/usr/bin/env python3
"""h5py side of HDF5PythonTests (needs h5py and numpy; the test skips without them).

    h5_oracle.py dump FILE OUTDIR   read a file written by MoRE.swift; write every float32
                                    dataset as OUTDIR/<path with / -> __>.f32 (raw little-endian)
                                    and everything else (shapes, dtypes, chunks, strings,
                                    attributes, label columns) as OUTDIR/summary.json
    h5_oracle.py write FILE         write a small schema-conforming file the way a Python user
                                    would (h5py defaults: fixed-length byte-string ids, an
                                    integer seed attribute), for the Swift reader
"""
import json
import os
import sys

import h5py
import numpy as np


def text(v):
    return v.decode("utf-8") if isinstance(v, bytes) else str(v)


def dump(path, outdir):
    summary = {"datasets": {}, "attributes": {}}
    with h5py.File(path, "r") as f:
        for k, v in f.attrs.items():
            summary["attributes"][k] = text(v)

        def visit(name, obj):
            if not isinstance(obj, h5py.Dataset):
                return
            entry = {"shape": list(obj.shape), "dtype": str(obj.dtype), "chunks": list(obj.chunks or [])}
            if obj.dtype.kind == "f":
                data = obj[...].astype("<f4")
                with open(os.path.join(outdir, "/".join([name]).replace("/", "__") + ".f32"), "wb") as out:
                    out.write(data.tobytes())
            else:
                entry["strings"] = [text(s) for s in obj.asstr()[...]] if obj.shape[0] else []
            if "columns" in obj.attrs:
                entry["columns"] = [text(c) for c in obj.attrs["columns"]]
            summary["datasets"]["/" + name] = entry

        f.visititems(visit)
    with open(os.path.join(outdir, "summary.json"), "w") as out:
        json.dump(summary, out, ensure_ascii=False, sort_keys=True)


def write(path):
    n = 4
    with h5py.File(path, "w") as f:
        f.create_dataset("ids", data=np.array([b"p-%d" % i for i in range(n)]))           # fixed-length bytes
        f.create_dataset("xray", data=(np.arange(n * 6, dtype=np.float32) / 32).reshape(n, 2, 3), chunks=(1, 2, 3))
        f.create_dataset("report_ecg", data=["Sinus rhythm. ø %d" % i for i in range(n)],
                         dtype=h5py.string_dtype())
        lab = f.create_group("labels").create_dataset("super", data=np.eye(n, 2, dtype=np.float32))
        lab.attrs["columns"] = ["NORM", "MI"]
        f.attrs["schema_version"] = "1"
        f.attrs["split"] = "py"
        f.attrs["seed"] = np.int64(42)
        f.attrs["source"] = "h5py"


if __name__ == "__main__":
    if sys.argv[1] == "dump":
        dump(sys.argv[2], sys.argv[3])
    else:
        write(sys.argv[2])
