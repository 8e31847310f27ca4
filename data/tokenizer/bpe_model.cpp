#include "data/tokenizer/bpe_model.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <functional>

#include "data/tokenizer/byte_level.h"
#include "data/tokenizer/utf8.h"
#include "models/core/error.h"

namespace vlmforge::tokenizer {

namespace {

constexpr uint64_t kEmptyKey = ~0ULL;

uint64_t pair_key(int32_t a, int32_t b) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b);
}

size_t pair_slot(uint64_t key, size_t mask) {
  uint64_t h = key * 0x9E3779B97F4A7C15ULL;
  return (h ^ (h >> 29)) & mask;
}

std::string json_string_field(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return {};
  return it->get<std::string>();
}

bool json_bool_field(const nlohmann::json& j, const char* key, bool dflt) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return dflt;
  return it->get<bool>();
}

}  // namespace

BpeModel::BpeModel(const nlohmann::json& model,
                   std::vector<std::pair<std::string, int32_t>> vocab,
                   const std::vector<std::pair<std::string, std::string>>& merges,
                   const std::string& where)
    : cache_(1 << 17, 256) {
  const std::string w = where + ": model";
  if (model.contains("dropout") && !model["dropout"].is_null() &&
      model["dropout"].get<double>() > 0.0)
    throw Error("BPE dropout is not supported (encoding would be random)", w + ".dropout",
                "set \"dropout\": null");

  int32_t max_id = -1;
  vocab_.reserve(vocab.size() * 2);
  for (auto& [tok, id] : vocab) {
    if (id < 0) throw Error("negative vocab id for \"" + tok + "\"", w);
    max_id = std::max(max_id, id);
    vocab_[std::move(tok)] = id;
  }
  id_to_token_.assign(static_cast<size_t>(max_id + 1), std::string());
  id_present_.assign(static_cast<size_t>(max_id + 1), 0);
  for (const auto& [tok, id] : vocab_) {
    id_to_token_[id] = tok;
    id_present_[id] = 1;
  }

  prefix_ = json_string_field(model, "continuing_subword_prefix");
  suffix_ = json_string_field(model, "end_of_word_suffix");
  fuse_unk_ = json_bool_field(model, "fuse_unk", false);
  byte_fallback_ = json_bool_field(model, "byte_fallback", false);
  ignore_merges_ = json_bool_field(model, "ignore_merges", false);
  std::string unk = json_string_field(model, "unk_token");
  if (!unk.empty()) {
    unk_id_ = token_to_id(unk);
    if (unk_id_ < 0) throw Error("unk_token \"" + unk + "\" is not in the vocabulary", w);
  }

  size_t cap = 16;
  while (cap < merges.size() * 2 + 2) cap <<= 1;
  merge_keys_.assign(cap, kEmptyKey);
  merge_vals_.assign(cap, Merge{0, 0});
  std::string merged;
  for (size_t rank = 0; rank < merges.size(); ++rank) {
    const auto& [a, b] = merges[rank];
    int32_t ia = token_to_id(a), ib = token_to_id(b);
    merged.assign(a);
    merged.append(b, b.size() >= prefix_.size() ? prefix_.size() : 0, std::string::npos);
    int32_t inew = token_to_id(merged);
    if (ia < 0 || ib < 0 || inew < 0)
      throw Error("merge \"" + a + " " + b + "\" uses a token missing from the vocabulary",
                  w + ".merges[" + std::to_string(rank) + "]");
    insert_merge(ia, ib, Merge{static_cast<int32_t>(rank), inew});
  }

  for (int b = 0; b < 256; ++b) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "<0x%02X>", b);
    byte_fallback_ids_[b] = token_to_id(buf);
    byte_level_ids_[b] = token_to_id(byte_level_table().byte_to_utf8[b]);
  }
}

void BpeModel::insert_merge(int32_t a, int32_t b, Merge m) {
  const uint64_t key = pair_key(a, b);
  const size_t mask = merge_keys_.size() - 1;
  for (size_t i = pair_slot(key, mask);; i = (i + 1) & mask) {
    if (merge_keys_[i] == kEmptyKey || merge_keys_[i] == key) {
      // A repeated pair keeps its last rank, as Hugging Face's HashMap collect does.
      merge_keys_[i] = key;
      merge_vals_[i] = m;
      return;
    }
  }
}

const BpeModel::Merge* BpeModel::find_merge(int32_t a, int32_t b) const {
  const uint64_t key = pair_key(a, b);
  const size_t mask = merge_keys_.size() - 1;
  for (size_t i = pair_slot(key, mask);; i = (i + 1) & mask) {
    if (merge_keys_[i] == key) return &merge_vals_[i];
    if (merge_keys_[i] == kEmptyKey) return nullptr;
  }
}

int32_t BpeModel::token_to_id(std::string_view token) const {
  auto it = vocab_.find(std::string(token));
  return it == vocab_.end() ? -1 : it->second;
}

const std::string* BpeModel::id_to_token(int32_t id) const {
  if (id < 0 || static_cast<size_t>(id) >= id_to_token_.size() || !id_present_[id]) return nullptr;
  return &id_to_token_[id];
}

bool BpeModel::can_take_byte_level_input() const { return prefix_.empty() && suffix_.empty(); }

void BpeModel::set_byte_level_input(bool on) { byte_level_input_ = on; }

void BpeModel::initial_symbols(std::string_view word, std::vector<int32_t>& syms) const {
  syms.clear();
  if (byte_level_input_) {
    // A byte whose character is missing from the vocabulary becomes unk, or is dropped when the
    // model has no unk token (Hugging Face behaves the same).
    bool prev_unk = false;
    for (unsigned char c : word) {
      int32_t id = byte_level_ids_[c];
      if (id < 0) {
        if (unk_id_ < 0) continue;
        if (fuse_unk_ && prev_unk) continue;
        syms.push_back(unk_id_);
        prev_unk = true;
        continue;
      }
      syms.push_back(id);
      prev_unk = false;
    }
    return;
  }
  bool prev_unk = false;
  std::string piece;
  size_t i = 0;
  while (i < word.size()) {
    size_t start = i;
    i += utf8_length(static_cast<unsigned char>(word[i]));
    std::string_view ch = word.substr(start, i - start);
    int32_t id;
    if (prefix_.empty() && suffix_.empty()) {
      id = token_to_id(ch);
    } else {
      piece.clear();
      if (start > 0) piece += prefix_;
      piece.append(ch);
      if (i == word.size()) piece += suffix_;
      id = token_to_id(piece);
    }
    if (id >= 0) {
      syms.push_back(id);
      prev_unk = false;
      continue;
    }
    if (byte_fallback_) {
      bool all = true;
      for (unsigned char c : ch) all = all && byte_fallback_ids_[c] >= 0;
      if (all) {
        for (unsigned char c : ch) syms.push_back(byte_fallback_ids_[c]);
        prev_unk = false;
        continue;
      }
    }
    if (unk_id_ < 0) continue;
    if (fuse_unk_ && prev_unk) continue;
    syms.push_back(unk_id_);
    prev_unk = true;
  }
}

void BpeModel::merge_symbols(std::vector<int32_t>& syms) const {
  const int n = static_cast<int>(syms.size());
  if (n < 2) return;
  // Doubly linked list over positions; a merged-away symbol gets id -1.
  thread_local std::vector<int32_t> prev, next;
  prev.resize(n);
  next.resize(n);
  for (int i = 0; i < n; ++i) {
    prev[i] = i - 1;
    next[i] = i + 1 < n ? i + 1 : -1;
  }
  // Heap entries: (rank, pos, new_id), smallest rank then smallest position first.
  struct Entry {
    int32_t rank, pos, new_id;
    bool operator>(const Entry& o) const {
      return rank != o.rank ? rank > o.rank : pos > o.pos;
    }
  };
  thread_local std::vector<Entry> heap;
  heap.clear();
  const std::greater<Entry> after;  // makes std::*_heap a min-heap
  auto push = [&](const Merge* m, int pos) {
    heap.push_back({m->rank, pos, m->new_id});
    std::push_heap(heap.begin(), heap.end(), after);
  };
  for (int i = 0; i + 1 < n; ++i)
    if (const Merge* m = find_merge(syms[i], syms[i + 1])) push(m, i);
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), after);
    Entry top = heap.back();
    heap.pop_back();
    const int p = top.pos;
    if (syms[p] < 0 || next[p] < 0) continue;
    const int q = next[p];
    const Merge* m = find_merge(syms[p], syms[q]);
    if (!m || m->new_id != top.new_id) continue;  // stale: a neighbour changed since the push
    syms[p] = top.new_id;
    syms[q] = -1;
    next[p] = next[q];
    if (next[q] >= 0) prev[next[q]] = p;
    if (prev[p] >= 0)
      if (const Merge* l = find_merge(syms[prev[p]], syms[p])) push(l, prev[p]);
    if (next[p] >= 0)
      if (const Merge* r = find_merge(syms[p], syms[next[p]])) push(r, p);
  }
  size_t k = 0;
  for (int i = 0; i < n; ++i)
    if (syms[i] >= 0) syms[k++] = syms[i];
  syms.resize(k);
}

void BpeModel::tokenize(std::string_view word, std::vector<int32_t>& out) const {
  if (word.empty()) return;
  if (cache_.lookup(word, out)) return;
  thread_local std::vector<int32_t> syms;
  if (ignore_merges_) {
    int32_t id = -1;
    if (byte_level_input_) {
      std::string mapped;
      for (unsigned char c : word) mapped += byte_level_table().byte_to_utf8[c];
      id = token_to_id(mapped);
    } else {
      id = token_to_id(word);
    }
    if (id >= 0) {
      out.push_back(id);
      cache_.insert(word, &id, 1);
      return;
    }
  }
  initial_symbols(word, syms);
  merge_symbols(syms);
  out.insert(out.end(), syms.begin(), syms.end());
  cache_.insert(word, syms.data(), syms.size());
}

}  // namespace vlmforge::tokenizer
