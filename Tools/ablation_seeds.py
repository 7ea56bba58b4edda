#!/usr/bin/env python3
"""Which ablation effects survive another training seed?

Reads the `table-ablation.csv` of several training seeds (each made by `more table
table-ablation` on the runs of one seed, evaluated with the same table seed) and prints one
Markdown table per metric: a row per variant, a column per seed, each cell the estimate with
an arrow when it differs from the same seed's baseline by the table's own rule (each estimate
outside the other's 95 % interval; `TableAblation.Scored.differs`), and a last column that
says whether the variants' direction agrees across the seeds.

usage: python3 Tools/ablation_seeds.py LABEL=FILE.csv [LABEL=FILE.csv ...] [--metric NAME ...]

e.g.   python3 Tools/ablation_seeds.py "seed 42=Tables/table-ablation.csv" \\
           "seed 7=out/abl-s7/table-ablation.csv" "seed 1=out/abl-s1/table-ablation.csv"

NAME is a column header of the CSV (default: every column with an interval). Needs only the
standard library.
"""
import argparse
import csv
import re
import sys

CELL = re.compile(r"^\s*(-?[0-9.]+)\s*\[\s*(-?[0-9.]+),\s*(-?[0-9.]+)\s*\]\s*$")


def parse(cell):
    """(estimate, low, high) of "0.797 [0.757, 0.833]"; None for n/a and cells without interval."""
    m = CELL.match(cell)
    return tuple(float(g) for g in m.groups()) if m else None


def direction(value, base):
    """+1 / -1 when each estimate lies outside the other's interval, else 0 (as the table)."""
    (v, vl, vh), (b, bl, bh) = value, base
    if (v < bl or v > bh) and (b < vl or b > vh):
        return 1 if v > b else -1
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("runs", nargs="+", help="LABEL=path to a table-ablation.csv")
    ap.add_argument("--metric", action="append", help="a column header (repeatable)")
    a = ap.parse_args()
    tables = []
    for spec in a.runs:
        label, sep, path = spec.partition("=")
        if not sep:
            sys.exit(f"{spec}: expected LABEL=FILE.csv")
        try:
            with open(path, newline="", encoding="utf-8") as f:
                rows = list(csv.DictReader(f))
        except OSError as e:
            sys.exit(f"{path}: {e.strerror}")
        if not rows or "variant" not in rows[0]:
            sys.exit(f"{path}: not a table-ablation CSV (no 'variant' column)")
        tables.append((label, {r["variant"]: r for r in rows}, path))
    headers = list(next(iter(tables[0][1].values())).keys())
    metrics = a.metric or [h for h in headers if "[95 % CI]" in h]
    for m in metrics:
        for _, rows, path in tables:
            if m not in next(iter(rows.values())):
                sys.exit(f"{path}: no column '{m}'")
    variants = [v for v in tables[0][1] if v != "paper (MoRE)"]
    arrow = {1: " ↑", -1: " ↓", 0: ""}
    for m in metrics:
        print(f"\n{m}: estimate per training seed; ↑/↓ = differs from that seed's baseline\n")
        print("| variant | " + " | ".join(label for label, _, _ in tables) + " | direction |")
        print("|---" * (len(tables) + 2) + "|")
        for v in variants:
            cells, signs = [], []
            for label, rows, path in tables:
                base = parse(rows.get("MoRE (tri-modal)", {}).get(m, ""))
                value = parse(rows[v][m]) if v in rows else None
                if value is None:
                    cells.append(rows[v][m] if v in rows else "–")
                    continue
                s = direction(value, base) if base and v != "MoRE (tri-modal)" else 0
                signs.append(s)
                cells.append(f"{value[0]:.3f}{arrow[s]}")
            if v == "MoRE (tri-modal)" or not signs:
                verdict = "baseline" if v == "MoRE (tri-modal)" else "n/a"
            elif all(s == signs[0] for s in signs):
                verdict = {1: "above in every seed", -1: "below in every seed", 0: "no difference in any seed"}[signs[0]]
            elif 1 in signs and -1 in signs:
                verdict = "opposite signs"
            else:
                verdict = "differs in some seeds"
            print(f"| {v} | " + " | ".join(cells) + f" | {verdict} |")


if __name__ == "__main__":
    main()
