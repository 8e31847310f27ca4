"""Amounts in words: vlmforge's amount_in_words() against PyPI num2words (lang='ru',
to='currency', currency='RUB') on 10,000 random amounts spread over every magnitude from
kopecks to hundreds of billions, plus the hand-picked edge cases of the issue.

Deliberate differences: none. (num2words reads a Python int as kopecks, so amounts are passed as
Decimal rubles.) The document form "Одна тысяча рублей 00 копеек" used on rendered documents is
a different function (amount_in_words_document) and is checked by test_synth_values.
Usage: synth_amount_words.py TOOL  (TOOL reads kopecks per line, prints words per line)
"""
import random
import subprocess
import sys
from decimal import Decimal

from num2words import num2words


def main() -> int:
    tool = sys.argv[1]
    rng = random.Random(20241125)
    amounts = [0, 1, 2, 5, 11, 12, 21, 101, 100, 200, 500, 1100, 1200, 2100, 10100, 100000,
               200000, 500000, 100000000, 123456789, 2100000, 1114000000]
    while len(amounts) < 10000 + 22:
        digits = rng.randint(1, 14)  # up to 999 999 999 999,99 rubles
        amounts.append(rng.randint(0, 10 ** digits - 1))
    out = subprocess.run([tool], input="\n".join(map(str, amounts)) + "\n", text=True,
                         capture_output=True, check=True).stdout.splitlines()
    assert len(out) == len(amounts), (len(out), len(amounts))
    bad = 0
    for kop, got in zip(amounts, out):
        ref = num2words(Decimal(kop) / 100, lang="ru", to="currency", currency="RUB")
        if got != ref:
            bad += 1
            if bad <= 10:
                print(f"MISMATCH {kop} kopecks:\n  vlmforge:  {got}\n  num2words: {ref}")
    print(f"{len(amounts) - bad}/{len(amounts)} amounts equal to num2words")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
