#!/usr/bin/env python3
"""Writes the "Contents" list of PAPER.md from its `##` and `###` headings.

Usage: python3 Tools/paper_contents.py [PAPER.md]

The list sits between the lines `<!-- contents -->` and `<!-- /contents -->` (added after the
introduction on the first run). Each entry links to GitHub's anchor for its heading: lower case,
every character that is not a letter, digit, space, '-' or '_' dropped, spaces turned into
'-', and '-1', '-2', ... appended to a repeated anchor. `DocsTests.testContentsListsEveryHeading`
fails when the list and the headings disagree; run this tool after adding or renaming a section.
"""
import re
import sys

START, END = "<!-- contents -->", "<!-- /contents -->"


def anchor(title, seen):
    a = "".join(c for c in title.lower() if c.isalnum() or c in " -_").replace(" ", "-")
    n = seen.get(a, 0)
    seen[a] = n + 1
    return a if n == 0 else f"{a}-{n}"


def contents(text):
    seen, lines, fenced = {}, [], False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        m = None if fenced else re.match(r"^(#{1,6}) (.*)$", line)
        if not m:
            continue
        a = anchor(m.group(2).strip(), seen)
        level = len(m.group(1))
        if level in (2, 3):
            lines.append(("  " if level == 3 else "") + f"- [{m.group(2).strip()}](#{a})")
    return "\n".join(lines)


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "PAPER.md"
    text = open(path, encoding="utf-8").read()
    if START not in text:
        first = text.index("\n## ")          # before the first section
        text = text[:first] + f"\n{START}\n{END}\n" + text[first:]
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    body = f"{START}\n**Contents**\n\n{contents(head + tail)}\n{END}"
    open(path, "w", encoding="utf-8").write(head + body + tail)


if __name__ == "__main__":
    main()
