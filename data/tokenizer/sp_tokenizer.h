// SentencePiece .model files through libsentencepiece behind the Tokenizer interface, and
// training a SentencePiece BPE model on a text file (used by the from-scratch tiny recipes).
//
// Differences from HfTokenizer that follow SentencePiece itself: special-token strings in the
// text are plain text unless the model declares them as user-defined symbols (train with
// `user_defined_symbols` to make "<image>" or "<|im_start|>" atomic); add_special prepends BOS
// (and appends EOS only when `add_eos` was requested at load), as Llama's tokenizer does.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "data/tokenizer/tokenizer.h"

namespace sentencepiece {
class SentencePieceProcessor;
}

namespace vlmforge::tokenizer {

class SentencePieceTokenizer : public Tokenizer {
 public:
  static std::unique_ptr<SentencePieceTokenizer> from_file(const std::string& path,
                                                           bool add_eos = false);
  ~SentencePieceTokenizer() override;

  std::vector<int32_t> encode(std::string_view text, bool add_special = false) const override;
  std::string decode(const std::vector<int32_t>& ids, bool skip_special = false) const override;
  int32_t token_to_id(std::string_view token) const override;
  std::string id_to_token(int32_t id) const override;
  size_t vocab_size() const override;
  const SpecialTokenIds& special_ids() const override { return special_ids_; }
  bool is_special(int32_t id) const override;

 private:
  SentencePieceTokenizer() = default;
  std::unique_ptr<sentencepiece::SentencePieceProcessor> sp_;
  std::string path_;
  bool add_eos_ = false;
  SpecialTokenIds special_ids_;
};

struct SentencePieceTrainOptions {
  int vocab_size = 4000;
  std::string model_type = "bpe";             // bpe | unigram | char | word
  double character_coverage = 0.9995;          // share of characters kept; rest -> byte fallback
  bool byte_fallback = true;                   // unknown characters become <0xAB> pieces
  std::vector<std::string> user_defined_symbols;  // always atomic, e.g. "<image>"
  int num_threads = 1;
  // Sentences used for training (0 = all). Below this size training is deterministic.
  uint64_t input_sentence_size = 2000000;
};

// Trains on `text_file` (one sentence per line) and writes `out_prefix`.model and .vocab.
// Throws vlmforge::Error with SentencePiece's message on failure. Returns the .model path.
std::string train_sentencepiece(const std::string& text_file, const std::string& out_prefix,
                                const SentencePieceTrainOptions& options = {});

}  // namespace vlmforge::tokenizer
