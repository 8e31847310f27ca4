// Configuration of the data pipeline (root key `data`): where samples come from, how text is
// tokenized and templated, and how the loader batches them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "data/chat/chat_template.h"

namespace vlmforge {

struct DataConfig {
  std::string train = "";           // dataset folder (data.jsonl / train.jsonl / shards) or file
  std::string val = "";             // validation set; empty = none
  std::string format = "auto";      // auto | jsonl | llava | wds
  std::string tokenizer = "";       // tokenizer.json or SentencePiece .model
  int64_t tokenizer_vocab = 0;      // > 0 and `tokenizer` missing: train a SentencePiece BPE
  chat::ChatConfig chat;            // template, system prompt, image placeholder
  int64_t max_length = 1024;        // text tokens + image tokens per sample
  std::string overlong = "truncate";  // truncate | skip: policy for samples over max_length
  bool packing = false;             // pack several samples into one sequence
  int num_workers = 2;              // decode/preprocess threads
  int prefetch = 4;                 // batches prepared ahead
  bool shuffle = true;

  template <class V>
  void visit(V& v) {
    v("train", train, "training set: a dataset folder, a data.jsonl, a LLaVA .json or a .tar shard pattern");
    v("val", val, "validation set (same forms as train); empty disables validation");
    v("format", format, "auto | jsonl | llava | wds");
    v("tokenizer", tokenizer, "tokenizer.json or SentencePiece .model; empty = the LLM's own");
    v("tokenizer_vocab", tokenizer_vocab,
      "if > 0 and `tokenizer` does not exist yet: train a SentencePiece BPE of this size on the "
      "training text and save it there (from-scratch tiny models)");
    v("chat", chat, "chat template; image_token_id / image_tokens_per_image: -1/0 = from the model");
    v("max_length", max_length, "maximum tokens per sample, image tokens included");
    v("overlong", overlong, "truncate | skip: what to do with longer samples (counted in logs)");
    v("packing", packing, "pack several samples into one sequence");
    v("num_workers", num_workers, "loader threads (decode, resize, tokenize)");
    v("prefetch", prefetch, "batches prepared ahead of the training step");
    v("shuffle", shuffle, "reshuffle every epoch from (seed, epoch)");
  }
};

}  // namespace vlmforge
