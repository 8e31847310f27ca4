// The tiny from-scratch VLM the trainer tests train on the fixture train_data (48 synthetic
// documents): 64-px images in 16 tokens, 2+2 layers, a 400-piece SentencePiece tokenizer trained
// once per test binary and shared by every run.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "train/config/config.h"
#include "train/model_setup.h"
#include "train/trainer.h"

namespace vlmforge::test {

inline std::string fixtures() {
  const char* f = std::getenv("VLMFORGE_FIXTURES");
  return f ? f : "fixtures";
}

// A fresh folder <tmp>/<prefix>_<pid>/<name>.
inline std::filesystem::path scratch(const std::string& prefix, const std::string& name) {
  namespace fs = std::filesystem;
  fs::path d = fs::temp_directory_path() / (prefix + "_" + std::to_string(::getpid())) / name;
  fs::remove_all(d);
  fs::create_directories(d.parent_path());
  return d;
}

// Trains vision, projector and LLM at lr 3e-3, batch 2; `extra` overrides come last.
inline RootConfig tiny_train_config(const std::filesystem::path& out,
                                    const std::vector<std::string>& extra = {}) {
  static std::string tokenizer;
  std::vector<std::string> o = {
      "model.vision.hidden_size=32", "model.vision.intermediate_size=64",
      "model.vision.num_hidden_layers=2", "model.vision.num_attention_heads=2",
      "model.vision.image_size=64", "model.vision.patch_size=16",
      "model.llm.vocab_size=512", "model.llm.hidden_size=64", "model.llm.intermediate_size=128",
      "model.llm.num_hidden_layers=2", "model.llm.num_attention_heads=4",
      "model.llm.num_key_value_heads=2", "model.vision_feature_layer=-1",
      "data.chat.template=phi", "data.max_length=192", "data.num_workers=2",
      "train.batch_size=2", "train.log_every=1", "train.max_grad_norm=1.0",
      "train.stages.0.trainable=[vision, projector, llm]",
      "train.stages.0.lr={vision: 3e-3, projector: 3e-3, llm: 3e-3}"};
  o.insert(o.end(), extra.begin(), extra.end());
  RootConfig c = config::load_root("", o);
  c.data.train = fixtures() + "/train_data";
  c.train.output_dir = out.string();
  if (tokenizer.empty()) {
    c.data.tokenizer = (out.parent_path() / "tok" / "tokenizer.model").string();
    c.data.tokenizer_vocab = 400;
    tokenizer = resolve_tokenizer(c);
  }
  c.data.tokenizer = tokenizer;
  c.data.tokenizer_vocab = 0;
  return c;
}

inline TrainOptions quiet() {
  TrainOptions o;
  o.quiet = true;
  return o;
}

}  // namespace vlmforge::test
