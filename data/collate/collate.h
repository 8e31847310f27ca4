// Samples -> TrainBatch: render each conversation with the chat template (ids + labels where
// only assistant answers are supervised; data/chat), apply the max-length policy, decode and
// preprocess images (data/image), then pad on the right or pack several samples per row.
// Runs inside the loader's worker threads: operator() is thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "data/chat/chat_template.h"
#include "data/collate/batch.h"
#include "data/dataset/dataset.h"
#include "data/image/processor.h"
#include "data/tokenizer/tokenizer.h"

namespace vlmforge::data {

struct CollateOptions {
  int64_t max_length = 1024;       // tokens per sample (per packed row), image tokens included
  std::string overlong = "truncate";  // truncate | skip
  bool packing = false;            // greedily fill rows of max_length with whole samples
  int32_t pad_id = -1;             // -1: the tokenizer's pad, else its eos, else 0
  int64_t pad_to_multiple_of = 1;  // round T up (e.g. 8 for tensor cores)
  int warn_limit = 5;              // overlong/skip warnings printed per collator, then only counted
};

// One sample after the chat template and the length policy.
struct EncodedSample {
  std::string id;
  std::vector<int32_t> ids;
  std::vector<int32_t> labels;
  bool truncated = false;
};

// Counters over the collator's lifetime (all threads).
struct CollateStats {
  int64_t samples = 0, truncated = 0, skipped = 0;
};

class Collator {
 public:
  Collator(std::shared_ptr<const tokenizer::Tokenizer> tok, chat::ChatConfig chat,
           image::ImageProcessorConfig image, CollateOptions opt);

  TrainBatch operator()(std::vector<Sample> samples) const;
  CollateStats stats() const;

  // Chat template + length policy for one sample; nullopt-like empty ids = skipped.
  // Errors (bad roles, image count mismatch) name the sample's source.
  EncodedSample encode(const Sample& s) const;

 private:
  void warn(const std::string& msg) const;

  std::shared_ptr<const tokenizer::Tokenizer> tok_;
  std::unique_ptr<chat::ChatTemplate> template_;
  chat::ChatConfig chat_;
  image::ImageProcessor image_;
  CollateOptions opt_;
  int32_t pad_id_ = 0;
  mutable std::atomic<int64_t> samples_{0}, truncated_{0}, skipped_{0}, warned_{0};
};

// Maps LLaVA/ShareGPT roles ("human", "gpt", "system"; also "user", "assistant") to chat roles.
std::vector<chat::Message> to_messages(const std::vector<Turn>& turns, const std::string& where);

// Pads (or packs) encoded samples into [B, T] tensors; pure, so the layout is testable alone.
// Image spans are found as runs of `image_token_id` of `tokens_per_image` tokens.
TrainBatch assemble_batch(const std::vector<EncodedSample>& samples, int32_t pad_id,
                          int64_t pad_to_multiple_of, bool packing, int64_t max_length,
                          int32_t image_token_id, int64_t tokens_per_image);

}  // namespace vlmforge::data
