"""Legibility of clean renders: Tesseract (Debian tesseract-ocr-rus, `-l rus+eng`: the pages
carry Latin e-mails and model names such as "Intel Core i5" that the Russian model alone cannot
read) reads the text regions of one clean page per (document type, layout); the character error
rate per document type (jiwer.cer) must be <= 3%.

Method: synth_render_tool writes clean pages and their regions. Text regions (not stamps,
signatures or logos; not covered by a stamp or signature; not overlapping another text region,
so each crop holds exactly its own text) are cropped with a 3 px margin and stacked into one
column per document type, one crop per line; Tesseract reads the column with --psm 6. The
reference is the regions' text, one line per crop. Both sides are normalised the same way:
whitespace collapsed; Latin letters that are drawn identically to Cyrillic ones (A/А, B/В, C/С,
E/Е, H/Н, K/К, M/М, O/О, P/Р, T/Т, X/Х, a/а, c/с, e/е, o/о, p/р, x/х, y/у) folded to Cyrillic,
and the low quote ‚ folded to a comma: no OCR engine can tell these apart from pixels. Digit
zero and letter О are NOT folded.
Usage: synth_ocr.py RENDER_TOOL
"""
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict

import jiwer
import numpy as np
from PIL import Image

GRAPHIC = {"stamp", "signature", "logo"}


def overlaps(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def text_regions(regions):
    marks = [r["bbox"] for r in regions if r["label"] in GRAPHIC]
    texts = [r for r in regions if r["label"] not in GRAPHIC and r["text"].strip()]
    # Same box twice (e.g. ИНН and КПП over one "ИНН/КПП" token): keep one.
    seen, unique = set(), []
    for r in texts:
        key = tuple(r["bbox"])
        if key not in seen:
            seen.add(key)
            unique.append(r)
    out = []
    for i, r in enumerate(unique):
        if any(overlaps(r["bbox"], m) for m in marks):
            continue
        if any(j != i and overlaps(r["bbox"], o["bbox"]) for j, o in enumerate(unique)):
            continue
        out.append(r)
    return out


HOMOGLYPHS = str.maketrans("ABCEHKMOPTXacepoxy\u201a", "АВСЕНКМОРТХасерохуу"[:18] + ",")


def normalise(s):
    return " ".join(s.split()).translate(HOMOGLYPHS)


def main() -> int:
    tool = sys.argv[1]
    work = tempfile.mkdtemp(prefix="synth_ocr_")
    subprocess.run([tool, "clean", work, "7"], check=True)
    by_type = defaultdict(list)  # type -> [(crop, text)]
    for name in sorted(os.listdir(work)):
        if not name.endswith(".json"):
            continue
        stem = name[:-5]
        doc_type = stem.rsplit("-", 1)[0]
        page = np.asarray(Image.open(os.path.join(work, stem + ".png")).convert("L"))
        with open(os.path.join(work, name), encoding="utf-8") as f:
            regions = json.load(f)
        for r in text_regions(regions):
            x1, y1, x2, y2 = r["bbox"]
            m = 3
            crop = page[max(0, y1 - m):min(page.shape[0], y2 + m), max(0, x1 - m):min(page.shape[1], x2 + m)]
            by_type[doc_type].append((crop, r["text"]))
    worst = 0.0
    failed = []
    print(f"{'type':<20} {'regions':>7} {'chars':>6} {'CER':>7}")
    for doc_type in sorted(by_type):
        items = by_type[doc_type]
        gap = 14
        width = max(c.shape[1] for c, _ in items) + 40
        height = sum(c.shape[0] + gap for c, _ in items) + 40
        column = np.full((height, width), 255, dtype=np.uint8)
        y = 20
        for crop, _ in items:
            column[y:y + crop.shape[0], 20:20 + crop.shape[1]] = crop
            y += crop.shape[0] + gap
        path = os.path.join(work, f"column-{doc_type}.png")
        Image.fromarray(column).save(path)
        ocr = subprocess.run(["tesseract", path, "-", "-l", "rus+eng", "--psm", "6"],
                             capture_output=True, text=True, check=True,
                             env=dict(os.environ, OMP_THREAD_LIMIT="1")).stdout
        ref = normalise(" ".join(t for _, t in items))
        hyp = normalise(ocr)
        cer = jiwer.cer(ref, hyp)
        worst = max(worst, cer)
        print(f"{doc_type:<20} {len(items):>7} {len(ref):>6} {100 * cer:>6.2f}%")
        if cer > 0.03:
            failed.append(doc_type)
            print("  ref:", ref[:300])
            print("  ocr:", hyp[:300])
    print(f"worst CER {100 * worst:.2f}% (limit 3%)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
