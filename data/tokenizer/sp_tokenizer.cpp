#include "data/tokenizer/sp_tokenizer.h"

#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <unordered_map>

#include "data/tokenizer/utf8.h"
#include "models/core/error.h"

namespace vlmforge::tokenizer {

SentencePieceTokenizer::~SentencePieceTokenizer() = default;

std::unique_ptr<SentencePieceTokenizer> SentencePieceTokenizer::from_file(const std::string& path,
                                                                          bool add_eos) {
  std::unique_ptr<SentencePieceTokenizer> t(new SentencePieceTokenizer());
  t->sp_ = std::make_unique<sentencepiece::SentencePieceProcessor>();
  auto st = t->sp_->Load(path);
  if (!st.ok())
    throw Error("cannot load SentencePiece model: " + st.ToString(), path,
                "expected a SentencePiece .model (protobuf) file");
  t->path_ = path;
  t->add_eos_ = add_eos;
  t->special_ids_.bos = t->sp_->bos_id();
  t->special_ids_.eos = t->sp_->eos_id();
  t->special_ids_.pad = t->sp_->pad_id();
  t->special_ids_.unk = t->sp_->unk_id();
  return t;
}

std::vector<int32_t> SentencePieceTokenizer::encode(std::string_view text, bool add_special) const {
  require_utf8(text, path_ + ": encode");
  std::vector<int> ids;
  auto st = sp_->Encode(text, &ids);
  if (!st.ok()) throw Error("SentencePiece encode failed: " + st.ToString(), path_);
  std::vector<int32_t> out;
  out.reserve(ids.size() + 2);
  if (add_special && special_ids_.bos >= 0) out.push_back(special_ids_.bos);
  out.insert(out.end(), ids.begin(), ids.end());
  if (add_special && add_eos_ && special_ids_.eos >= 0) out.push_back(special_ids_.eos);
  return out;
}

std::string SentencePieceTokenizer::decode(const std::vector<int32_t>& ids,
                                           bool skip_special) const {
  const int n = sp_->GetPieceSize();
  // SentencePiece's Decode drops control tokens; to keep them (skip_special = false) the runs
  // between them are decoded separately and the control pieces inserted as text.
  std::string out;
  std::vector<int> run;
  auto flush = [&] {
    if (run.empty()) return;
    std::string piece;
    auto st = sp_->Decode(run, &piece);
    if (!st.ok()) throw Error("SentencePiece decode failed: " + st.ToString(), path_);
    out += piece;
    run.clear();
  };
  for (int32_t id : ids) {
    if (id < 0 || id >= n)
      throw Error("token id " + std::to_string(id) + " is outside the vocabulary (size " +
                      std::to_string(n) + ")",
                  path_ + ": decode");
    if (sp_->IsControl(id)) {
      flush();
      if (!skip_special) out += sp_->IdToPiece(id);
      continue;
    }
    run.push_back(id);
  }
  flush();
  return out;
}

int32_t SentencePieceTokenizer::token_to_id(std::string_view token) const {
  int id = sp_->PieceToId(token);
  // PieceToId answers unk_id for unknown pieces; only the unk piece itself maps there.
  if (id == sp_->unk_id() && token != sp_->IdToPiece(id)) return -1;
  return id;
}

std::string SentencePieceTokenizer::id_to_token(int32_t id) const {
  if (id < 0 || id >= sp_->GetPieceSize())
    throw Error("token id " + std::to_string(id) + " is outside the vocabulary", path_);
  return sp_->IdToPiece(id);
}

size_t SentencePieceTokenizer::vocab_size() const { return sp_->GetPieceSize(); }

bool SentencePieceTokenizer::is_special(int32_t id) const {
  return id >= 0 && id < sp_->GetPieceSize() && (sp_->IsControl(id) || sp_->IsUnknown(id));
}

std::string train_sentencepiece(const std::string& text_file, const std::string& out_prefix,
                                const SentencePieceTrainOptions& o) {
  std::unordered_map<std::string, std::string> args = {
      {"input", text_file},
      {"model_prefix", out_prefix},
      {"vocab_size", std::to_string(o.vocab_size)},
      {"model_type", o.model_type},
      {"character_coverage", std::to_string(o.character_coverage)},
      {"byte_fallback", o.byte_fallback ? "true" : "false"},
      {"num_threads", std::to_string(o.num_threads)},
      {"input_sentence_size", std::to_string(o.input_sentence_size)},
      {"shuffle_input_sentence", "true"},
      // Digits one by one and no whitespace-only pieces merged across words: predictable
      // tokenization of numbers in documents (sums, INN codes).
      {"split_digits", "true"},
      {"minloglevel", "2"},
  };
  if (!o.user_defined_symbols.empty()) {
    std::string joined;
    for (const auto& s : o.user_defined_symbols) joined += (joined.empty() ? "" : ",") + s;
    args["user_defined_symbols"] = joined;
  }
  auto st = sentencepiece::SentencePieceTrainer::Train(args);
  if (!st.ok())
    throw Error("SentencePiece training failed: " + st.ToString(), text_file,
                "check that the file is UTF-8 text and vocab_size is reachable");
  return out_prefix + ".model";
}

}  // namespace vlmforge::tokenizer
