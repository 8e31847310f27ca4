"""`vlmforge tokenize` against Hugging Face `tokenizers`: the first 2,000 newline-free corpus
lines through the CLI (ids, --add-special ids, --decode text) must equal the library's output.
Needs the tokenizer_ref fixture (tokenizer_reference.py) and the built vlmforge binary."""
import json
import os
import subprocess
import sys

from tokenizers import Tokenizer


def run(exe, args, lines):
    p = subprocess.run([exe, "tokenize", *args], input="".join(l + "\n" for l in lines),
                       capture_output=True, text=True, encoding="utf-8")
    if p.returncode != 0:
        sys.exit(f"vlmforge tokenize {' '.join(args)} failed: {p.stderr.strip()}")
    return p.stdout.split("\n")[:-1]


def main():
    exe = os.environ.get("VLMFORGE_EXE", "vlmforge")
    root = os.path.join(os.environ.get("VLMFORGE_FIXTURES", "fixtures"), "tokenizers")
    if not os.path.exists(exe):
        sys.exit(f"{exe} is not built (cmake --build <build> --target vlmforge)")
    with open(os.path.join(root, "corpus.jsonl"), encoding="utf-8") as f:
        corpus = [json.loads(l) for l in f]
    lines = [s for s in corpus if "\n" not in s][:2000]
    failures = 0
    for name in ("qwen3", "llama2"):
        path = os.path.join(root, name, "tokenizer.json")
        hf = Tokenizer.from_file(path)
        for special in (False, True):
            args = ["--tokenizer", path] + (["--add-special"] if special else [])
            got = [json.loads(l) for l in run(exe, args, lines)]
            want = [e.ids for e in hf.encode_batch(lines, add_special_tokens=special)]
            bad = sum(g != w for g, w in zip(got, want)) + abs(len(got) - len(want))
            print(f"{name} add_special={special}: {len(lines)} lines, {bad} differ")
            failures += bad
        ids = [e.ids for e in hf.encode_batch(lines, add_special_tokens=False)]
        texts = [t for t in hf.decode_batch(ids, skip_special_tokens=False)]
        keep = [i for i, t in enumerate(texts) if "\n" not in t]
        got = run(exe, ["--tokenizer", path, "--decode"], [json.dumps(ids[i]) for i in keep])
        bad = sum(got[k] != texts[i] for k, i in enumerate(keep)) + abs(len(got) - len(keep))
        print(f"{name} --decode: {len(keep)} lines, {bad} differ")
        failures += bad
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
