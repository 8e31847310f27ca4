#include "data/tokenizer/added_vocabulary.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>

#include <unicode/uchar.h>

#include "data/tokenizer/json_fields.h"
#include "data/tokenizer/utf8.h"

namespace vlmforge::tokenizer {

namespace {

// Rust's char::is_alphanumeric: Alphabetic or Numeric (Nd, Nl, No).
bool is_alphanumeric(char32_t c) {
  if (u_isUAlphabetic(static_cast<UChar32>(c))) return true;
  int t = u_charType(static_cast<UChar32>(c));
  return t == U_DECIMAL_DIGIT_NUMBER || t == U_LETTER_NUMBER || t == U_OTHER_NUMBER;
}

bool is_whitespace(char32_t c) { return u_isUWhiteSpace(static_cast<UChar32>(c)); }

// Start of the code point that ends at `end` (exclusive).
size_t prev_code_point_start(std::string_view s, size_t end) {
  size_t i = end - 1;
  while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
  return i;
}

}  // namespace

void parse_added_tokens(const nlohmann::json& list, const std::string& where,
                        std::vector<AddedToken>& out) {
  if (list.is_null()) return;
  if (!list.is_array()) throw Error("\"added_tokens\" is not an array", where);
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string w = where + "[" + std::to_string(i) + "]";
    AddedToken t;
    t.id = field<int32_t>(list[i], "id", w);
    t.content = field<std::string>(list[i], "content", w);
    if (t.content.empty()) throw Error("added token with empty content", w);
    require_utf8(t.content, w + ".content");
    t.single_word = field_or<bool>(list[i], "single_word", false, w);
    t.lstrip = field_or<bool>(list[i], "lstrip", false, w);
    t.rstrip = field_or<bool>(list[i], "rstrip", false, w);
    t.normalized = field_or<bool>(list[i], "normalized", true, w);
    t.special = field_or<bool>(list[i], "special", false, w);
    out.push_back(std::move(t));
  }
}

void AddedVocabulary::finish(std::vector<std::string> normalized_contents) {
  std::vector<const AddedToken*> raw_tokens, norm_tokens;
  std::vector<std::string> raw_patterns, norm_patterns;
  for (size_t k = 0; k < tokens_.size(); ++k) {
    const AddedToken& t = tokens_[k];
    by_content_[t.content] = k;
    by_id_[t.id] = k;
    max_id_ = std::max(max_id_, t.id);
    if (t.normalized) {
      if (normalized_contents[k].empty()) continue;
      norm_tokens.push_back(&t);
      norm_patterns.push_back(normalized_contents[k]);
    } else {
      raw_tokens.push_back(&t);
      raw_patterns.push_back(t.content);
    }
  }
  raw_.build(raw_tokens, raw_patterns);
  normalized_.build(norm_tokens, norm_patterns);
}

const AddedToken* AddedVocabulary::find(std::string_view content) const {
  auto it = by_content_.find(std::string(content));
  return it == by_content_.end() ? nullptr : &tokens_[it->second];
}

const AddedToken* AddedVocabulary::find(int32_t id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &tokens_[it->second];
}

void AddedTokenMatcher::build(const std::vector<const AddedToken*>& tokens,
                              const std::vector<std::string>& patterns) {
  tokens_ = tokens;
  patterns_ = patterns;
  for (auto& v : by_first_byte_) v.clear();
  for (uint32_t k = 0; k < patterns_.size(); ++k)
    by_first_byte_[static_cast<unsigned char>(patterns_[k][0])].push_back(k);
  for (auto& v : by_first_byte_)
    std::stable_sort(v.begin(), v.end(), [&](uint32_t a, uint32_t b) {
      return patterns_[a].size() > patterns_[b].size();
    });
}

void AddedTokenMatcher::split(std::string_view text, std::vector<Segment>& out) const {
  size_t start_offset = 0;  // end of the previous emitted token
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    const auto& cands = by_first_byte_[static_cast<unsigned char>(text[i])];
    const uint32_t* hit = nullptr;
    for (const uint32_t& k : cands) {
      const std::string& p = patterns_[k];
      if (p.size() <= n - i && std::memcmp(text.data() + i, p.data(), p.size()) == 0) {
        hit = &k;
        break;
      }
    }
    if (!hit) {
      ++i;
      continue;
    }
    const AddedToken& tok = *tokens_[*hit];
    size_t start = i, stop = i + patterns_[*hit].size();
    i = stop;  // matches never overlap, whatever happens to this one below
    if (tok.single_word) {
      bool start_space = true, stop_space = true;
      if (start > 0) {
        size_t q = prev_code_point_start(text, start);
        start_space = !is_alphanumeric(next_code_point(text, q));
      }
      if (stop < n) {
        size_t q = stop;
        stop_space = !is_alphanumeric(next_code_point(text, q));
      }
      if (!start_space || !stop_space) continue;
    }
    if (tok.lstrip) {
      size_t s = start;
      while (s > 0) {
        size_t q = prev_code_point_start(text, s), r = q;
        if (!is_whitespace(next_code_point(text, r))) break;
        s = q;
      }
      start = std::max(s, start_offset);
    }
    if (tok.rstrip) {
      while (stop < n) {
        size_t q = stop;
        if (!is_whitespace(next_code_point(text, q))) break;
        stop = q;
      }
      i = std::max(i, stop);
    }
    if (start_offset < start) out.push_back({start_offset, start, -1});
    out.push_back({start, stop, tok.id});
    start_offset = stop;
  }
  if (start_offset < n) out.push_back({start_offset, n, -1});
}

}  // namespace vlmforge::tokenizer
