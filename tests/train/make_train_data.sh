#!/usr/bin/env bash
# Fixture for the trainer tests: a small synthetic document set (clean renders, 48 documents).
set -euo pipefail
out="$VLMFORGE_FIXTURES/train_data"
if [ -f "$out/train.jsonl" ] && [ -f "$out/.done" ]; then exit 0; fi
rm -rf "$out"
"$VLMFORGE_EXE" synth --config "$VLMFORGE_SOURCE_DIR/configs/synth/ru_docs.yaml" --out "$out" \
    --num 48 --seed 3 --workers 2 synth.degradation.enabled=false synth.questions_per_doc=3 \
    synth.image_width=620 synth.image_height=877
touch "$out/.done"
