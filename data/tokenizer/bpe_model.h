// The BPE model of a Hugging Face tokenizer.json ("model": {"type": "BPE", ...}): vocabulary,
// ranked merges, unknown-token handling, byte fallback (Llama-2's <0xAB> tokens), subword
// prefix/suffix and ignore_merges. Merging follows Hugging Face exactly: repeatedly apply the
// lowest-rank merge, leftmost first, via a min-heap over (rank, position) with stale entries
// skipped.
//
// Byte-level input mode: when the pipeline ends with a ByteLevel pre-tokenizer, words arrive as
// raw bytes and their initial symbols are the ids of the bytes' GPT-2 characters, so no
// byte -> character re-encoding is needed and the word cache is keyed on the raw bytes.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "data/tokenizer/word_cache.h"

namespace vlmforge::tokenizer {

class BpeModel {
 public:
  // `model` holds the options (unk_token, byte_fallback, ...); vocab and merges come separately
  // (see tokenizer_json_reader.h). `where` names the file for errors. Throws vlmforge::Error on
  // merges that use tokens missing from the vocabulary.
  BpeModel(const nlohmann::json& model, std::vector<std::pair<std::string, int32_t>> vocab,
           const std::vector<std::pair<std::string, std::string>>& merges,
           const std::string& where);

  // Appends the ids of one pre-token.
  void tokenize(std::string_view word, std::vector<int32_t>& out) const;

  // Switch to raw-byte input (see above). Only valid without subword prefix/suffix.
  void set_byte_level_input(bool on);
  bool can_take_byte_level_input() const;

  int32_t token_to_id(std::string_view token) const;  // -1 when absent
  const std::string* id_to_token(int32_t id) const;    // nullptr when absent
  size_t size() const { return id_to_token_.size(); }
  int32_t unk_id() const { return unk_id_; }

 private:
  struct Merge {
    int32_t rank;
    int32_t new_id;
  };
  const Merge* find_merge(int32_t a, int32_t b) const;
  void insert_merge(int32_t a, int32_t b, Merge m);
  void initial_symbols(std::string_view word, std::vector<int32_t>& syms) const;
  void merge_symbols(std::vector<int32_t>& syms) const;

  std::unordered_map<std::string, int32_t> vocab_;
  std::vector<std::string> id_to_token_;  // "" for ids the vocabulary skips
  std::vector<uint8_t> id_present_;

  // Open-addressing table (a, b) -> Merge; key 0xFFFF.. marks an empty slot.
  std::vector<uint64_t> merge_keys_;
  std::vector<Merge> merge_vals_;

  int32_t unk_id_ = -1;
  bool fuse_unk_ = false, byte_fallback_ = false, ignore_merges_ = false;
  std::string prefix_, suffix_;
  int32_t byte_fallback_ids_[256];
  int32_t byte_level_ids_[256];  // id of each byte's GPT-2 character, -1 when missing
  bool byte_level_input_ = false;

  mutable WordCache cache_;
};

}  // namespace vlmforge::tokenizer
