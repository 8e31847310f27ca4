// A bounded, thread-safe cache word -> ids in front of BPE merging. Most words of natural text
// repeat, so encode cost is dominated by one hash lookup per pre-token. Open addressing over
// arenas (no allocation per lookup); once full it stops inserting, as Hugging Face's cache does.
#pragma once

#include <cstdint>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace vlmforge::tokenizer {

class WordCache {
 public:
  // `max_entries` words; words longer than `max_word_bytes` are never cached.
  explicit WordCache(size_t max_entries = 1 << 17, size_t max_word_bytes = 256);

  // Appends the cached ids of `word` to `out` and returns true on a hit.
  bool lookup(std::string_view word, std::vector<int32_t>& out) const;
  void insert(std::string_view word, const int32_t* ids, size_t n);

 private:
  struct Slot {
    uint64_t hash = 0;
    uint32_t key_off = 0, key_len = 0;
    uint32_t ids_off = 0, ids_len = 0;
    bool used = false;
  };
  static uint64_t hash_of(std::string_view s);

  mutable std::shared_mutex mu_;
  std::vector<Slot> slots_;  // size is a power of two, at most half full
  std::string keys_;
  std::vector<int32_t> ids_;
  size_t size_ = 0, max_entries_, max_word_bytes_;
};

}  // namespace vlmforge::tokenizer
