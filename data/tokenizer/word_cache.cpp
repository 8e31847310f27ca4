#include "data/tokenizer/word_cache.h"

#include <cstring>
#include <mutex>

namespace vlmforge::tokenizer {

WordCache::WordCache(size_t max_entries, size_t max_word_bytes)
    : max_entries_(max_entries), max_word_bytes_(max_word_bytes) {
  size_t cap = 16;
  while (cap < 2 * max_entries) cap <<= 1;
  slots_.resize(cap);
}

uint64_t WordCache::hash_of(std::string_view s) {
  // 8 bytes per step, multiply-xorshift mixing; quality is ample for a probe table.
  uint64_t h = 0x9E3779B97F4A7C15ULL ^ (s.size() * 0xC2B2AE3D27D4EB4FULL);
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = (h ^ w) * 0xFF51AFD7ED558CCDULL;
    h ^= h >> 32;
  }
  uint64_t w = 0;
  std::memcpy(&w, s.data() + i, s.size() - i);
  h = (h ^ w) * 0xC4CEB9FE1A85EC53ULL;
  h ^= h >> 29;
  return h;
}

bool WordCache::lookup(std::string_view word, std::vector<int32_t>& out) const {
  if (word.size() > max_word_bytes_) return false;
  const uint64_t h = hash_of(word);
  std::shared_lock<std::shared_mutex> lock(mu_);
  const size_t mask = slots_.size() - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    const Slot& s = slots_[i];
    if (!s.used) return false;
    if (s.hash == h && s.key_len == word.size() &&
        std::memcmp(keys_.data() + s.key_off, word.data(), word.size()) == 0) {
      out.insert(out.end(), ids_.begin() + s.ids_off, ids_.begin() + s.ids_off + s.ids_len);
      return true;
    }
  }
}

void WordCache::insert(std::string_view word, const int32_t* ids, size_t n) {
  if (word.size() > max_word_bytes_) return;
  const uint64_t h = hash_of(word);
  std::unique_lock<std::shared_mutex> lock(mu_);
  if (size_ >= max_entries_) return;
  const size_t mask = slots_.size() - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    Slot& s = slots_[i];
    if (s.used) {
      if (s.hash == h && s.key_len == word.size() &&
          std::memcmp(keys_.data() + s.key_off, word.data(), word.size()) == 0)
        return;  // another thread inserted it first
      continue;
    }
    s.used = true;
    s.hash = h;
    s.key_off = static_cast<uint32_t>(keys_.size());
    s.key_len = static_cast<uint32_t>(word.size());
    s.ids_off = static_cast<uint32_t>(ids_.size());
    s.ids_len = static_cast<uint32_t>(n);
    keys_.append(word);
    ids_.insert(ids_.end(), ids, ids + n);
    ++size_;
    return;
  }
}

}  // namespace vlmforge::tokenizer
