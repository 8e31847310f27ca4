// Configuration of the data pipeline (root key `data`): where samples come from, how text is
// tokenized and templated, and how the loader batches them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vlmforge {

struct DataConfig {
  std::string train = "";           // dataset folder (data.jsonl / train.jsonl / shards) or file
  std::string val = "";             // validation set; empty = none
  std::string format = "auto";      // auto | jsonl | llava | wds
  std::string tokenizer = "";       // tokenizer.json or SentencePiece .model
  std::string chat_template = "chatml";  // chatml | phi | llama3 | plain
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
    v("chat_template", chat_template, "chatml | phi | llama3 | plain");
    v("max_length", max_length, "maximum tokens per sample, image tokens included");
    v("overlong", overlong, "truncate | skip: what to do with longer samples (counted in logs)");
    v("packing", packing, "pack several samples into one sequence");
    v("num_workers", num_workers, "loader threads (decode, resize, tokenize)");
    v("prefetch", prefetch, "batches prepared ahead of the training step");
    v("shuffle", shuffle, "reshuffle every epoch from (seed, epoch)");
  }
};

}  // namespace vlmforge
