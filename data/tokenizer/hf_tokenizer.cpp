#include "data/tokenizer/hf_tokenizer.h"

#include <nlohmann/json.hpp>

#include <filesystem>

#include "data/tokenizer/json_fields.h"
#include "data/tokenizer/tokenizer_json_reader.h"
#include "data/tokenizer/utf8.h"
#include "models/core/fs.h"

namespace vlmforge::tokenizer {

namespace {

nlohmann::json parse_json_file(const std::string& path) {
  std::string text = read_file(path);
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(std::string("malformed JSON: ") + e.what(), path,
                "the file must be a Hugging Face tokenizer.json");
  }
}

// tokenizer_config.json stores roles as "eos_token": "<|im_end|>" or {"content": ...} or null.
std::string config_token(const nlohmann::json& cfg, const char* key) {
  auto it = cfg.find(key);
  if (it == cfg.end() || it->is_null()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_object() && it->contains("content") && (*it)["content"].is_string())
    return (*it)["content"].get<std::string>();
  return {};
}

}  // namespace

std::unique_ptr<HfTokenizer> HfTokenizer::from_file(const std::string& path) {
  TokenizerJson parts = read_tokenizer_json(read_file(path), path);
  std::filesystem::path cfg_path = std::filesystem::path(path).parent_path() / "tokenizer_config.json";
  nlohmann::json cfg;
  bool have_cfg = false;
  std::error_code ec;
  if (std::filesystem::exists(cfg_path, ec)) {
    cfg = parse_json_file(cfg_path.string());
    have_cfg = true;
  }
  return from_parts(std::move(parts), path, have_cfg ? &cfg : nullptr);
}

std::unique_ptr<HfTokenizer> HfTokenizer::from_json(const nlohmann::json& j,
                                                    const std::string& where,
                                                    const nlohmann::json* config) {
  return from_parts(split_tokenizer_json(j, where), where, config);
}

std::unique_ptr<HfTokenizer> HfTokenizer::from_parts(TokenizerJson parts,
                                                     const std::string& where,
                                                     const nlohmann::json* config) {
  const nlohmann::json& j = parts.doc;
  if (!j.is_object()) throw Error("tokenizer.json is not a JSON object", where);
  std::unique_ptr<HfTokenizer> t(new HfTokenizer());
  t->where_ = where;
  const auto& model = require_field(j, "model", where);
  // Files written by tokenizers < 0.10 have no "type"; they are all BPE when they have merges.
  std::string type = model.contains("type") ? field<std::string>(model, "type", where + ".model")
                     : parts.has_merges        ? "BPE"
                                               : "";
  if (type != "BPE")
    throw Error("unsupported model type \"" + type + "\"", where + ".model",
                "only BPE tokenizer.json files are supported; use the SentencePiece .model for "
                "Unigram tokenizers");
  if (!parts.has_vocab) throw Error("BPE model has no \"vocab\" object", where + ": model");
  if (!parts.has_merges) throw Error("BPE model has no \"merges\" array", where + ": model");
  t->model_ = std::make_unique<BpeModel>(model, std::move(parts.vocab), parts.merges, where);
  t->normalizer_ = make_normalizer(field_or<nlohmann::json>(j, "normalizer", nullptr, where),
                                   where + ": normalizer");
  t->pre_tokenizer_ = make_pre_tokenizer(
      field_or<nlohmann::json>(j, "pre_tokenizer", nullptr, where), where + ": pre_tokenizer");
  t->post_processor_ = make_post_processor(
      field_or<nlohmann::json>(j, "post_processor", nullptr, where), where + ": post_processor");
  t->decoder_ = make_decoder(field_or<nlohmann::json>(j, "decoder", nullptr, where),
                             where + ": decoder");
  const Normalizer* norm = t->normalizer_.get();
  t->added_.load(field_or<nlohmann::json>(j, "added_tokens", nullptr, where),
                 where + ": added_tokens", [norm](std::string& s) {
                   if (norm) norm->normalize(s);
                 });

  // ByteLevel last: let BPE read raw bytes (same ids, no re-encoding, cache keyed by bytes).
  if (auto* bl = dynamic_cast<ByteLevelPreTokenizer*>(last_pre_tokenizer(t->pre_tokenizer_.get()));
      bl && t->model_->can_take_byte_level_input()) {
    bl->set_map_bytes(false);
    t->model_->set_byte_level_input(true);
  }
  t->resolve_special_ids(config);
  return t;
}

void HfTokenizer::resolve_special_ids(const nlohmann::json* config) {
  auto id_of = [&](const std::string& tok) { return tok.empty() ? -1 : token_to_id(tok); };
  if (config) {
    special_ids_.bos = id_of(config_token(*config, "bos_token"));
    special_ids_.eos = id_of(config_token(*config, "eos_token"));
    special_ids_.pad = id_of(config_token(*config, "pad_token"));
    special_ids_.unk = id_of(config_token(*config, "unk_token"));
  }
  if (special_ids_.bos < 0 && post_processor_) special_ids_.bos = post_processor_->leading_special_id();
  if (special_ids_.unk < 0) special_ids_.unk = model_->unk_id();
  if (special_ids_.eos < 0) {
    for (const char* cand : {"</s>", "<|endoftext|>", "<|end_of_text|>", "<|im_end|>", "<eos>"}) {
      const AddedToken* t = added_.find(cand);
      if (t && t->special) {
        special_ids_.eos = t->id;
        break;
      }
    }
  }
}

std::vector<int32_t> HfTokenizer::encode(std::string_view text, bool add_special) const {
  require_utf8(text, where_ + ": encode");
  std::vector<int32_t> ids;
  ids.reserve(text.size() / 3 + 4);
  if (added_.raw_matcher().empty()) {
    encode_segment(text, true, ids);
  } else {
    thread_local std::vector<Segment> segments;
    segments.clear();
    added_.raw_matcher().split(text, segments);
    for (const Segment& s : segments) {
      if (s.id >= 0)
        ids.push_back(s.id);
      else
        encode_segment(text.substr(s.begin, s.end - s.begin), s.begin == 0, ids);
    }
  }
  if (add_special && post_processor_) post_processor_->process(ids);
  return ids;
}

void HfTokenizer::encode_segment(std::string_view text, bool at_input_start,
                                 std::vector<int32_t>& ids) const {
  std::string normalized(text);
  if (normalizer_) normalizer_->normalize(normalized);
  if (added_.normalized_matcher().empty()) {
    encode_normalized(normalized, at_input_start, ids);
    return;
  }
  std::vector<Segment> segments;
  added_.normalized_matcher().split(normalized, segments);
  for (const Segment& s : segments) {
    if (s.id >= 0) {
      ids.push_back(s.id);
    } else {
      std::string part = normalized.substr(s.begin, s.end - s.begin);
      encode_normalized(part, at_input_start && s.begin == 0, ids);
    }
  }
}

void HfTokenizer::encode_normalized(std::string& text, bool at_input_start,
                                    std::vector<int32_t>& ids) const {
  if (text.empty()) return;
  thread_local PieceList pieces;
  pieces.text.swap(text);
  pieces.spans.assign(1, {0u, static_cast<uint32_t>(pieces.text.size())});
  pieces.at_input_start = at_input_start;
  if (pre_tokenizer_) pre_tokenizer_->apply(pieces);
  const std::string_view all(pieces.text);
  for (const auto& [b, e] : pieces.spans) model_->tokenize(all.substr(b, e - b), ids);
}

std::string HfTokenizer::decode(const std::vector<int32_t>& ids, bool skip_special) const {
  std::vector<std::string> tokens;
  tokens.reserve(ids.size());
  for (int32_t id : ids) {
    if (const AddedToken* a = added_.find(id)) {
      if (skip_special && a->special) continue;
      tokens.push_back(a->content);
      continue;
    }
    const std::string* t = model_->id_to_token(id);
    if (!t)
      throw Error("token id " + std::to_string(id) + " is outside the vocabulary (size " +
                      std::to_string(vocab_size()) + ")",
                  where_ + ": decode");
    tokens.push_back(*t);
  }
  if (!decoder_) {
    // Hugging Face joins tokens with spaces when the file has no decoder.
    std::string out;
    for (size_t i = 0; i < tokens.size(); ++i) out += (i ? " " : "") + tokens[i];
    return out;
  }
  decoder_->decode_chain(tokens);
  std::string out;
  for (const auto& t : tokens) out += t;
  return out;
}

int32_t HfTokenizer::token_to_id(std::string_view token) const {
  if (const AddedToken* a = added_.find(token)) return a->id;
  return model_->token_to_id(token);
}

std::string HfTokenizer::id_to_token(int32_t id) const {
  if (const AddedToken* a = added_.find(id)) return a->content;
  if (const std::string* t = model_->id_to_token(id)) return *t;
  throw Error("token id " + std::to_string(id) + " is outside the vocabulary", where_);
}

size_t HfTokenizer::vocab_size() const {
  return std::max(model_->size(), static_cast<size_t>(added_.max_id() + 1));
}

bool HfTokenizer::is_special(int32_t id) const {
  const AddedToken* a = added_.find(id);
  return a && a->special;
}

}  // namespace vlmforge::tokenizer
