#!/usr/bin/env python3
"""Reference values for the Swift X-ray preprocessing (Tests/DatasetsTests/XrayPreprocessTests.swift).

The authors' chain (MoRE-reference §3.3), with Pillow and scikit-image:
    L   = Image.open(path).convert('L')                         # decode + Pillow luma
    r   = L.resize((size, size), Image.BICUBIC)                 # Pillow's default for mode L
    x   = np.asarray(r)
    eq  = skimage.exposure.equalize_adapthist(x / x.max())      # defaults: 1/8 kernel, 0.01, 256 bins
    out = (eq * 255).astype(np.uint8)                           # what `more xray preprocess` writes / 255

Usage:
    python3 make_xray_reference.py [--data ../../../../shared/data/kermany]   # writes the files below
    python3 make_xray_reference.py --live IMAGE SIZE                          # prints one JSON line

Outputs (next to this script; ~210 KB in total):
    manifest.json   versions, image list, per-image FNV-1a-64 of the decoded 'L' bytes, and for the
                    whole chain at size 224 (all 40 images): FNV-1a-64, sum and histogram summary
    resize64.u8     N_SUB x 64 x 64 uint8: Pillow bicubic 224 -> 64 of the first N_SUB images
    clahe64.u8      N_SUB x 64 x 64 uint8: the whole chain at size 64 for the same images
    chain224.u8     1 x 224 x 224 uint8: the whole chain at size 224 for the first image
    tiny_*.png      7 x 5 PNGs (RGB, RGBA, 8-bit gray) with their Pillow 'L' values in the manifest
"""
import argparse, glob, json, os, sys
import numpy as np
import PIL
from PIL import Image
import skimage
from skimage.exposure import equalize_adapthist

N_SUB = 20


def fnv1a64(b: bytes) -> int:
    h = 0xcbf29ce484222325
    for c in b:
        h ^= c
        h = (h * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def gray(path):
    return Image.open(path).convert('L')


def resized(path, size):
    return gray(path).resize((size, size), Image.BICUBIC)


def chain(path, size):
    x = np.asarray(resized(path, size))
    eq = equalize_adapthist(x / x.max())
    return (eq * 255).astype(np.uint8)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', default=os.path.join(here, '../../../../shared/data/kermany'))
    ap.add_argument('--live', nargs=2, metavar=('IMAGE', 'SIZE'))
    a = ap.parse_args()
    if a.live:
        path, size = a.live[0], int(a.live[1])
        out = {'gray': np.asarray(gray(path)).tobytes().hex(),
               'resized': np.asarray(resized(path, size)).tobytes().hex(),
               'chain': chain(path, size).tobytes().hex()}
        print(json.dumps(out))
        return
    root = os.path.abspath(a.data)
    images = sorted(os.path.relpath(p, root) for p in glob.glob(os.path.join(root, 'test/*/*.jpeg')))
    assert len(images) == 40, len(images)
    sub = images[:N_SUB // 2] + images[-N_SUB // 2:]          # 10 NORMAL + 10 PNEUMONIA (sorted)
    entries = []
    for rel in images:
        p = os.path.join(root, rel)
        g = np.asarray(gray(p))
        c = chain(p, 224)
        entries.append({'file': rel, 'width': g.shape[1], 'height': g.shape[0],
                        'gray_fnv1a64': str(fnv1a64(g.tobytes())), 'gray_sum': int(g.sum(dtype=np.int64)),
                        'chain224_fnv1a64': str(fnv1a64(c.tobytes())), 'chain224_sum': int(c.sum(dtype=np.int64)),
                        'chain224_min': int(c.min()), 'chain224_max': int(c.max()),
                        'chain224_hist16': np.bincount(c.ravel() // 16, minlength=16).tolist()})
    r64 = np.stack([np.asarray(resized(os.path.join(root, rel), 64)) for rel in sub])
    c64 = np.stack([chain(os.path.join(root, rel), 64) for rel in sub])
    c224 = chain(os.path.join(root, sub[0]), 224)[None]
    r64.tofile(os.path.join(here, 'resize64.u8'))
    c64.tofile(os.path.join(here, 'clahe64.u8'))
    c224.tofile(os.path.join(here, 'chain224.u8'))
    rng = np.random.default_rng(7)
    rgb = rng.integers(0, 256, size=(5, 7, 3), dtype=np.uint8)
    tiny = {'tiny_rgb.png': Image.fromarray(rgb, 'RGB'),
            'tiny_rgba.png': Image.fromarray(np.dstack([rgb, rng.integers(0, 256, size=(5, 7), dtype=np.uint8)]), 'RGBA'),
            'tiny_gray.png': Image.fromarray(rgb[:, :, 1], 'L')}
    png = {}
    for name, im in tiny.items():
        im.save(os.path.join(here, name))
        png[name] = np.asarray(Image.open(os.path.join(here, name)).convert('L')).ravel().tolist()
    manifest = {
        'description': 'X-ray preprocessing reference: Pillow convert(L) + resize(BICUBIC) + '
                       'skimage equalize_adapthist(x/x.max()) defaults + uint8(x*255)',
        'versions': {'python': sys.version.split()[0], 'numpy': np.__version__, 'pillow': PIL.__version__,
                     'scikit-image': skimage.__version__},
        'subset': sub, 'resize64': {'file': 'resize64.u8', 'shape': list(r64.shape)},
        'clahe64': {'file': 'clahe64.u8', 'shape': list(c64.shape)},
        'chain224': {'file': 'chain224.u8', 'shape': list(c224.shape), 'image': sub[0]},
        'png_gray_values': png,
        'images': entries,
    }
    with open(os.path.join(here, 'manifest.json'), 'w') as f:
        json.dump(manifest, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
