// A Hugging Face tokenizer.json: added tokens, normalizer, pre-tokenizer, BPE model,
// post-processor and decoder, producing the same ids and text as the `tokenizers` library for
// the components it supports (anything else is rejected at load time, naming the component).
//
// encode: split out added tokens on the raw text -> per remaining segment: normalize, split out
// normalized added tokens, pre-tokenize, BPE each piece -> post-process when add_special.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <memory>
#include <string>

#include "data/tokenizer/added_vocabulary.h"
#include "data/tokenizer/bpe_model.h"
#include "data/tokenizer/hf_components.h"
#include "data/tokenizer/tokenizer.h"

namespace vlmforge::tokenizer {

struct TokenizerJson;

class HfTokenizer : public Tokenizer {
 public:
  // Reads `path`; special-token roles come from a tokenizer_config.json beside it when present.
  static std::unique_ptr<HfTokenizer> from_file(const std::string& path);
  // `where` names the source in errors; `config` is a parsed tokenizer_config.json or null.
  static std::unique_ptr<HfTokenizer> from_json(const nlohmann::json& j, const std::string& where,
                                                const nlohmann::json* config = nullptr);

  std::vector<int32_t> encode(std::string_view text, bool add_special = false) const override;
  std::string decode(const std::vector<int32_t>& ids, bool skip_special = false) const override;
  int32_t token_to_id(std::string_view token) const override;
  std::string id_to_token(int32_t id) const override;
  size_t vocab_size() const override;
  const SpecialTokenIds& special_ids() const override { return special_ids_; }
  bool is_special(int32_t id) const override;

 private:
  HfTokenizer() = default;
  static std::unique_ptr<HfTokenizer> from_parts(TokenizerJson parts,
                                                 const std::string& where,
                                                 const nlohmann::json* config);
  void encode_segment(std::string_view text, bool at_input_start,
                      std::vector<int32_t>& ids) const;
  void encode_normalized(std::string& text, bool at_input_start, std::vector<int32_t>& ids) const;
  void resolve_special_ids(const nlohmann::json* config);

  std::string where_;
  AddedVocabulary added_;
  std::unique_ptr<Normalizer> normalizer_;
  std::unique_ptr<PreTokenizer> pre_tokenizer_;
  std::unique_ptr<BpeModel> model_;
  std::unique_ptr<PostProcessor> post_processor_;
  std::unique_ptr<Decoder> decoder_;
  SpecialTokenIds special_ids_;
};

}  // namespace vlmforge::tokenizer
