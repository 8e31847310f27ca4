"""Seeded tokenizer test corpus: Russian, English, digits and numbers with spaces/commas,
punctuation, whitespace runs, tabs, newlines, emoji, unusual-but-valid UTF-8 and special-token
strings. Written as JSON lines (one JSON string per line) so samples may contain newlines.

    python make_tokenizer_corpus.py OUT.jsonl [--lines 20000] [--seed 13]
"""
import argparse
import json
import random

RU = ("счёт фактура договор поставки товаров оплата сумма итого НДС рублей копеек "
      "Общество с ограниченной ответственностью Ромашка Москва улица Ленина дом корпус "
      "квартира паспорт серия номер выдан отделением УФМС России по городу Санкт-Петербургу "
      "банк получателя БИК корреспондентский счёт расчётный подпись печать директор "
      "главный бухгалтер Иванов Иван Иванович Петрова Анна Сергеевна ёлка ЁЖИК щётка "
      "съешь же ещё этих мягких французских булок да выпей чаю Въезд ИНН КПП ОГРН "
      "документ подтверждает что работы выполнены в полном объёме претензий не имеют").split()
EN = ("invoice total amount due payment the quick brown fox jumps over lazy dog "
      "Hello World tokenizer don't can't it's we're they've I'm you'll he'd "
      "Company Ltd Street Apartment Passport issued by department HTTPS www example com "
      "JSON API GPU CPU OpenAI Qwen Llama camelCase snake_case kebab-case").split()
PUNCT = list(".,;:!?-—–«»\"'()[]{}<>/\\|@#$%^&*_+=~`…№§°")
SPACES = [" ", "  ", "   ", "    ", "\t", "\t\t", " \t ", "\n", "\n\n", "\r\n", " \n ",
          "\u00a0", "\u2009", "\u202f", "\u3000", "\u2028", "\u0085", "\u200b", "\u180e",
          "\x0b", "\x0c", "        "]
EMOJI = ["😀", "👍", "👍🏽", "👨‍👩‍👧", "🇷🇺", "❤️", "🤖", "🎉🎉", "✅", "🔥", "🙂🙃", "🧾", "🪙"]
UNUSUAL = [
    "и\u0306", "е\u0308", "e\u0301", "A\u030a", "\u212b", "\u2126", "ﬁ", "Ⅻ", "²", "½", "１２３",
    "ｱｲｳ", "\ufeff", "\u200d", "\u200e", "\u202e", "\ue000", "\ufdd0", "\uffff", "\U0010ffff",
    "\U0001d518\U0001d52b\U0001d526", "한국어", "\u1100\u1161\u11a8", "中文字符", "日本語のテキスト",
    "العربية", "עברית", "हिन्दी", "ελληνικά", "Ωμέγα", "ß", "İstanbul", "ǅ", "\x01", "\x7f",
    "\u0301", "\u00ad", "ℌ", "㎏", "〜", "￥", "ﾟ", "\u2060", "\U0001f3fb", "\u0300\u0301\u0302",
]
SPECIAL = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<s>", "</s>", "<unk>", "<think>",
           "</think>", "<|endofprompt|>", "<tool_call>", "<|im_start", "<s", "< s>", "<|im_end|>\n",
           "<|vision_start|>", "<image>", "<|fim_prefix|>"]
CODE = ["def f(x):\n    return x ** 2\n", "for (int i = 0; i < n; ++i) {\n\tsum += a[i];\n}",
        "{\"key\": [1, 2, 3], \"ключ\": null}", "SELECT * FROM t WHERE id='42';",
        "https://example.com/path?q=тест&x=1#frag", "user@example.ru", "C:\\Windows\\System32",
        "'s 'S 'RE 'll 'VE 'd 'm", "x=1;y=2", "--flag=value", "a_b-c.d/e"]


def number(rng):
    kind = rng.randrange(9)
    if kind == 0:
        return str(rng.randrange(10 ** rng.randrange(1, 15)))
    if kind == 1:  # Russian money: spaces as thousands separator, comma decimals
        return f"{rng.randrange(10 ** 7):,}".replace(",", " ") + f",{rng.randrange(100):02d}"
    if kind == 2:
        return f"{rng.randrange(10 ** 9):,}.{rng.randrange(100):02d}"
    if kind == 3:
        return f"{rng.randrange(1, 29):02d}.{rng.randrange(1, 13):02d}.{rng.randrange(1990, 2030)}"
    if kind == 4:
        return "+7 (" + str(rng.randrange(900, 999)) + ") " + str(rng.randrange(100, 999)) + "-" + \
            str(rng.randrange(10, 99)) + "-" + str(rng.randrange(10, 99))
    if kind == 5:
        return "".join(rng.choice("0123456789") for _ in range(rng.randrange(10, 25)))
    if kind == 6:
        return f"{rng.random() * 1000:.{rng.randrange(1, 6)}f}"
    if kind == 7:
        return "-" + str(rng.randrange(1000)) + "%"
    return " ".join(str(rng.randrange(1000)) for _ in range(rng.randrange(2, 6)))


def fragment(rng):
    kind = rng.choices(range(9), weights=[30, 20, 12, 8, 8, 5, 7, 5, 5])[0]
    if kind == 0:
        words = [rng.choice(RU) for _ in range(rng.randrange(1, 10))]
        if rng.random() < 0.3:
            words = [w.upper() if rng.random() < 0.3 else w.capitalize() for w in words]
        return " ".join(words)
    if kind == 1:
        return " ".join(rng.choice(EN) for _ in range(rng.randrange(1, 10)))
    if kind == 2:
        return number(rng)
    if kind == 3:
        return "".join(rng.choice(PUNCT) for _ in range(rng.randrange(1, 5)))
    if kind == 4:
        return rng.choice(SPACES)
    if kind == 5:
        return "".join(rng.choice(EMOJI) for _ in range(rng.randrange(1, 4)))
    if kind == 6:
        return rng.choice(UNUSUAL) + (rng.choice(RU) if rng.random() < 0.5 else "")
    if kind == 7:
        return rng.choice(SPECIAL)
    return rng.choice(CODE)


def sample(rng):
    n = rng.choices([1, 2, 4, 8, 16, 40], weights=[5, 10, 25, 30, 20, 10])[0]
    parts = []
    for _ in range(n):
        parts.append(fragment(rng))
        parts.append(rng.choice([" ", " ", " ", "", ", ", ". ", rng.choice(SPACES)]))
    text = "".join(parts)
    if rng.random() < 0.1:
        text = rng.choice(SPACES) + text
    return text


def make_corpus(lines, seed):
    rng = random.Random(seed)
    return [sample(rng) for _ in range(lines)]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("out")
    ap.add_argument("--lines", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=13)
    a = ap.parse_args()
    with open(a.out, "w", encoding="utf-8") as f:
        for s in make_corpus(a.lines, a.seed):
            f.write(json.dumps(s, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
