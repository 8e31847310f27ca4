"""vlmforge metrics vs independent published implementations on 1,000 random pairs.

Generates seeded prediction/gold pairs (Russian and Latin words, names, numbers, requisites;
corrupted by typos, adjacent swaps, truncations, case changes, whitespace noise, ё/е swaps and
empties), runs the vlmforge tool given as argv[1] on them and compares:
  ANLS        vs anls.anls_score(pred, golds)                          |diff| <= 1e-9
  Levenshtein vs rapidfuzz.distance.Levenshtein.distance(pred, gold0)   exact
  CER / WER   vs jiwer.cer / jiwer.wer on whitespace-collapsed text     |diff| <= 1e-9
  lower-case  vs Python str.lower() on every printable code point of Basic Latin, Latin-1,
              Latin Extended-A, Greek and Cyrillic (+ Supplement) whose lower-case is one code
              point (the simple mapping; U+0130 'İ' is the one exception by design).
Empty references are checked against vlmforge's convention (jiwer returns the insertion count).
"""
import json
import os
import random
import subprocess
import sys
import tempfile

import anls
import jiwer
from rapidfuzz.distance import Levenshtein

TOOL = sys.argv[1]
N_PAIRS = 1000
TOL = 1e-9

WORDS = [
    "Москва", "ООО", "«Ромашка»", "ИНН", "7707083893", "КПП", "773601001", "Иванов", "Иван",
    "Иванович", "Ёлкин", "Пётр", "Семёнова", "счёт-фактура", "акт", "накладная", "доверенность",
    "итого", "НДС", "20%", "15 300,50", "руб.", "коп.", "01.02.2024", "г.", "ул.", "Ленина", "д.",
    "БИК", "044525225", "р/с", "40702810400000012345", "ПАО", "Сбербанк", "шт.", "кг", "сумма",
    "прописью", "пятнадцать", "тысяч", "триста", "рублей", "Invoice", "Total", "LLC", "Acme",
    "nr.", "—", "-", "№", "12", "3", "да", "нет", "не", "указано", "Щука", "ЪЫЬ", "эхо", "Юг",
]
ALPHABET = ("абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,-«»\"'—№%")
SPACES = [" ", "  ", "\t", "\u00a0", "\u202f", "\n"]


def phrase(rng):
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4)))


def corrupt(rng, s):
    ops = rng.randint(0, 3)
    for _ in range(ops):
        op = rng.choice(["typo", "swap", "truncate", "case", "space", "yo", "insert", "delete"])
        chars = list(s)
        if op == "typo" and chars:
            chars[rng.randrange(len(chars))] = rng.choice(ALPHABET)
        elif op == "swap" and len(chars) > 1:
            i = rng.randrange(len(chars) - 1)
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        elif op == "truncate" and chars:
            chars = chars[: rng.randrange(len(chars) + 1)]
        elif op == "case":
            chars = list(rng.choice([s.upper(), s.lower(), s.swapcase(), s.title()]))
        elif op == "space":
            chars.insert(rng.randrange(len(chars) + 1), rng.choice(SPACES))
        elif op == "yo":
            chars = list(s.replace("ё", "е").replace("Ё", "Е") if rng.random() < 0.5 else s.replace("е", "ё"))
        elif op == "insert":
            chars.insert(rng.randrange(len(chars) + 1), rng.choice(ALPHABET))
        elif op == "delete" and chars:
            del chars[rng.randrange(len(chars))]
        s = "".join(chars)
    return s


def make_pairs(rng):
    pairs = []
    for i in range(N_PAIRS):
        gold = phrase(rng)
        golds = [gold] + [corrupt(rng, gold) for _ in range(rng.randint(0, 2))]
        pred = corrupt(rng, gold) if rng.random() < 0.85 else phrase(rng)
        if i % 50 == 0:
            pred = ""
        if i % 97 == 0:
            golds[0] = ""
        if i % 131 == 0:
            pred = rng.choice(SPACES) + pred + rng.choice(SPACES)
        pairs.append({"pred": pred, "golds": golds})
    pairs.append({"pred": "", "golds": [""]})
    return pairs


def collapse(s):
    return " ".join(s.split())


def main():
    rng = random.Random(20261125)
    pairs = make_pairs(rng)
    # Case-map check rides along as extra predictions (their other metrics are not compared).
    # Blocks the case map covers: Basic Latin, Latin-1, Latin Extended-A, Greek, Cyrillic (+Suppl.).
    blocks = list(range(0x20, 0x180)) + list(range(0x370, 0x530))
    case_points = [chr(c) for c in blocks if len(chr(c).lower()) == 1 and c != 0x130 and chr(c).isprintable()]
    case_text = "".join(case_points)

    work = os.environ.get("VLMFORGE_BINARY_DIR", tempfile.gettempdir())
    path = os.path.join(work, "eval_metrics_pairs.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        for p in pairs + [{"pred": case_text, "golds": ["x"]}]:
            f.write(json.dumps(p, ensure_ascii=False) + "\n")
    run = subprocess.run([TOOL, path], capture_output=True, text=True, encoding="utf-8")
    if run.returncode != 0:
        print(run.stderr)
        return 1
    ours = [json.loads(line) for line in run.stdout.splitlines()]
    assert len(ours) == len(pairs) + 1, (len(ours), len(pairs))

    failures = []
    max_diff = {"anls": 0.0, "cer": 0.0, "wer": 0.0}
    counted = {"anls": 0, "lev": 0, "cer": 0, "wer": 0, "empty_ref": 0}
    for i, (p, o) in enumerate(zip(pairs, ours)):
        pred, golds = p["pred"], p["golds"]
        ref = anls.anls_score(pred, golds, threshold=0.5)
        max_diff["anls"] = max(max_diff["anls"], abs(ref - o["anls"]))
        counted["anls"] += 1
        if abs(ref - o["anls"]) > TOL:
            failures.append(f"pair {i}: anls ours {o['anls']} anls-pkg {ref} pred={pred!r} golds={golds!r}")
        lev = Levenshtein.distance(pred, golds[0])
        counted["lev"] += 1
        if lev != o["levenshtein"]:
            failures.append(f"pair {i}: levenshtein ours {o['levenshtein']} rapidfuzz {lev}")
        hyp, gold0 = collapse(pred), collapse(golds[0])
        if gold0:
            for name, fn in (("cer", jiwer.cer), ("wer", jiwer.wer)):
                r = fn(reference=gold0, hypothesis=hyp)
                counted[name] += 1
                max_diff[name] = max(max_diff[name], abs(r - o[name]))
                if abs(r - o[name]) > TOL:
                    failures.append(f"pair {i}: {name} ours {o[name]} jiwer {r} hyp={hyp!r} ref={gold0!r}")
        else:
            # vlmforge convention: empty reference -> 0 if the hypothesis is empty too, else 1
            # (jiwer returns the insertion count here).
            counted["empty_ref"] += 1
            expected = 0.0 if not hyp else 1.0
            if o["cer"] != expected or o["wer"] != expected:
                failures.append(f"pair {i}: empty reference gives cer {o['cer']} wer {o['wer']}, want {expected}")

    lower_ours = ours[-1]["lower"]
    lower_ref = case_text.lower()
    case_mismatch = [(hex(ord(a)), b, c) for a, b, c in zip(case_text, lower_ours, lower_ref) if b != c]
    if len(lower_ours) != len(lower_ref) or case_mismatch:
        failures.append(f"lower-case map differs from str.lower() at {case_mismatch[:10]}")

    print(f"pairs: {len(pairs)}; compared: {counted}")
    print(f"max |diff|: anls {max_diff['anls']:.3g}, cer {max_diff['cer']:.3g}, wer {max_diff['wer']:.3g}; "
          f"levenshtein exact on {counted['lev']}; lower-case map checked on {len(case_text)} code points")
    mean_anls = sum(o["anls"] for o in ours[:-1]) / len(pairs)
    print(f"mean ANLS of the random set: {mean_anls:.4f} (both sides)")
    if failures:
        print(f"{len(failures)} mismatches:")
        print("\n".join(failures[:30]))
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
