// Everything the trainer, evaluator and exporter need around a VLM: the model built from the
// config (or restored from a checkpoint), its tokenizer, the chat/image settings that tie the two
// together (image token id, tokens per image, image size).
#pragma once

#include <memory>
#include <string>

#include "data/tokenizer/tokenizer.h"
#include "models/vlm.h"
#include "train/config/config.h"

namespace vlmforge {

struct ModelBundle {
  std::unique_ptr<VisionLanguageModel> model;
  std::shared_ptr<tokenizer::Tokenizer> tokenizer;
  std::string tokenizer_file;  // the file the tokenizer came from (copied into checkpoints)
  bool from_scratch_vision = false, from_scratch_llm = false;

  int64_t image_size() const { return model->vision.config.image_size; }
  int64_t image_tokens() const;  // tokens one image becomes in the LLM input
  LinearList llm_linears();      // the LLM's linears (LoRA targets), HF names
};

// Resolves the tokenizer file for `cfg` (data.tokenizer, else the LLM's / LLaVA folder's own),
// training a SentencePiece model on the training text when data.tokenizer_vocab > 0 and the file
// does not exist yet.
std::string resolve_tokenizer(const RootConfig& cfg);

// Builds the model of cfg.model, loads the tokenizer, checks they fit together (vocabulary,
// image token) and fills cfg.data.chat.image_token_id / image_tokens_per_image. Attaches LoRA
// (cfg.train.lora) when `with_lora`.
ModelBundle build_bundle(RootConfig& cfg, bool with_lora);

// The checkpoint's resolved config (config.yaml), with overrides applied.
RootConfig read_checkpoint_config(const std::string& ckpt_dir,
                                  const std::vector<std::string>& overrides = {});

// Restores a trained model from a checkpoint folder: config.yaml -> base model (+ LoRA when the
// checkpoint has adapters) -> model.safetensors on top. Refuses weights that do not fit.
ModelBundle load_checkpoint_bundle(const std::string& ckpt_dir, RootConfig* cfg_out = nullptr);

// Copies checkpoint tensors onto the model's parameters by HF name. Every checkpoint tensor must
// name a parameter of the same shape (else: Error naming it). Returns how many were loaded.
size_t load_weights_into(VisionLanguageModel& model, const std::string& safetensors_path);

}  // namespace vlmforge
