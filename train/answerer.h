// Answers questions about images with a trained VLM: chat template with a generation prompt,
// left-padded batch, KV-cached greedy (or sampled) decoding until EOS / the template's end token.
// Used by `vlmforge eval`, `vlmforge predict` and periodic evaluation.
#pragma once

#include <string>
#include <vector>

#include "data/image/processor.h"
#include "models/generate.h"
#include "train/model_setup.h"

namespace vlmforge {

struct Question {
  std::string image_path;  // empty: no image (text-only question)
  std::string text;        // the question, without the image placeholder
};

class VlmAnswerer {
 public:
  VlmAnswerer(ModelBundle& bundle, const chat::ChatConfig& chat, int64_t max_new_tokens);
  std::vector<std::string> answer(const std::vector<Question>& batch);

 private:
  ModelBundle& bundle_;
  chat::ChatConfig chat_;
  image::ImageProcessor images_;
  GenerationConfig gen_;
};

}  // namespace vlmforge
