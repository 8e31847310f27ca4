// The pipeline stages of a Hugging Face tokenizer.json other than the model: normalizers,
// pre-tokenizers, post-processors and decoders. Each make_* factory reads one JSON component
// and throws vlmforge::Error naming the component ("pre_tokenizer.pretokenizers[1]: unsupported
// pre-tokenizer type \"BertPreTokenizer\"") for anything it does not implement exactly, so an
// unsupported file fails loudly instead of tokenizing differently.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace vlmforge::tokenizer {

// --- normalizers ------------------------------------------------------------------------------
class Normalizer {
 public:
  virtual ~Normalizer() = default;
  virtual void normalize(std::string& text) const = 0;
};
std::unique_ptr<Normalizer> make_normalizer(const nlohmann::json& j, const std::string& where);

// --- pre-tokenizers ---------------------------------------------------------------------------
// Text split into pieces: spans [begin, end) over `text`. `at_input_start` is true when the
// segment begins at offset 0 of the encoded string (Metaspace's prepend_scheme "first").
struct PieceList {
  std::string text;
  std::vector<std::pair<uint32_t, uint32_t>> spans;
  bool at_input_start = true;
};

class PreTokenizer {
 public:
  virtual ~PreTokenizer() = default;
  virtual void apply(PieceList& pieces) const = 0;
};
std::unique_ptr<PreTokenizer> make_pre_tokenizer(const nlohmann::json& j,
                                                 const std::string& where);

// The ByteLevel pre-tokenizer; exposed so the tokenizer can let the BPE model consume raw bytes
// when ByteLevel is the last pre-tokenizer (map_bytes = false).
class ByteLevelPreTokenizer : public PreTokenizer {
 public:
  ByteLevelPreTokenizer(bool add_prefix_space, bool use_regex);
  void apply(PieceList& pieces) const override;
  void set_map_bytes(bool on) { map_bytes_ = on; }

 private:
  bool add_prefix_space_, use_regex_, map_bytes_ = true;
  std::unique_ptr<PreTokenizer> split_;
};

// The last stage of a (possibly Sequence) pre-tokenizer, or nullptr.
PreTokenizer* last_pre_tokenizer(PreTokenizer* p);

// --- post-processors --------------------------------------------------------------------------
class PostProcessor {
 public:
  virtual ~PostProcessor() = default;
  // Called only when special tokens are requested (add_special_tokens=True).
  virtual void process(std::vector<int32_t>& ids) const = 0;
  // The first special token added at the start (BOS-like), or -1.
  virtual int32_t leading_special_id() const { return -1; }
};
std::unique_ptr<PostProcessor> make_post_processor(const nlohmann::json& j,
                                                   const std::string& where);

// --- decoders ---------------------------------------------------------------------------------
class Decoder {
 public:
  virtual ~Decoder() = default;
  // Hugging Face's decode_chain: tokens in, tokens out; the final text is their concatenation.
  virtual void decode_chain(std::vector<std::string>& tokens) const = 0;
};
std::unique_ptr<Decoder> make_decoder(const nlohmann::json& j, const std::string& where);

}  // namespace vlmforge::tokenizer
