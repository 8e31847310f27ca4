// The tokenizer interface every consumer (datasets, chat templates, CLI, generation) codes
// against, and the loader that picks the implementation from the file:
//   *.json  -> Hugging Face tokenizer.json (HfTokenizer, data/tokenizer/hf_tokenizer.h)
//   *.model -> SentencePiece model (SentencePieceTokenizer, data/tokenizer/sp_tokenizer.h)
// Ids are int32_t as in the models' embedding tables. Text is UTF-8; invalid input is an Error.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace vlmforge::tokenizer {

// Ids of the roles special tokens play; -1 when the tokenizer has none.
struct SpecialTokenIds {
  int32_t bos = -1;
  int32_t eos = -1;
  int32_t pad = -1;
  int32_t unk = -1;
};

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;

  // Text -> ids. Special-token strings in the text ("<|im_start|>") always become their ids;
  // `add_special` additionally applies the post-processor (BOS/EOS insertion), as Hugging Face's
  // add_special_tokens=True. Thread-safe.
  virtual std::vector<int32_t> encode(std::string_view text, bool add_special = false) const = 0;

  // Ids -> text; `skip_special` drops special tokens. Throws on ids outside the vocabulary.
  virtual std::string decode(const std::vector<int32_t>& ids, bool skip_special = false) const = 0;

  // -1 when `token` is not in the vocabulary (added tokens included).
  virtual int32_t token_to_id(std::string_view token) const = 0;
  // Throws vlmforge::Error when `id` is out of range.
  virtual std::string id_to_token(int32_t id) const = 0;

  // Number of ids (model vocabulary plus added tokens): every id is < vocab_size().
  virtual size_t vocab_size() const = 0;

  virtual const SpecialTokenIds& special_ids() const = 0;
  virtual bool is_special(int32_t id) const = 0;
};

// Loads a tokenizer.json or a SentencePiece .model (by content, not only extension). A directory
// is searched for tokenizer.json, then tokenizer.model.
std::unique_ptr<Tokenizer> load_tokenizer(const std::string& path);

}  // namespace vlmforge::tokenizer
