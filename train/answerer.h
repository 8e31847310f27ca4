// Answers questions about images with a trained VLM: chat template with a generation prompt,
// left-padded batch, KV-cached greedy (or sampled) decoding until EOS / the template's end token.
// Used by `vlmforge eval`, `vlmforge predict` and periodic evaluation.
#pragma once

#include <string>
#include <vector>

#include "data/dataset/dataset.h"
#include "data/image/processor.h"
#include "eval/questions.h"
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

// A dataset's samples and their records, as evaluation needs them (questions refer to samples
// by index; records carry the question types and boxes).
struct EvalSet {
  std::vector<data::Sample> samples;
  std::vector<data::DatasetRecord> records;
};
EvalSet load_eval_set(const data::Dataset& dataset);

// The batch callback eval::evaluate_questions() calls: each question's image from `samples`.
eval::AnswerBatchFn answer_fn(VlmAnswerer& answerer, const std::vector<data::Sample>& samples);

}  // namespace vlmforge
