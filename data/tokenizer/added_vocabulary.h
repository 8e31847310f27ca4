// Added tokens of a tokenizer.json ("added_tokens"): strings that are cut out of the text before
// the model sees it and map straight to their ids. Matching is leftmost-longest and
// non-overlapping (Hugging Face uses Aho-Corasick with LeftmostLongest); tokens with
// normalized=false match the raw input, tokens with normalized=true match the normalized text.
// single_word, lstrip and rstrip follow Hugging Face's AddedVocabulary::find_matches.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace vlmforge::tokenizer {

struct AddedToken {
  int32_t id = -1;
  std::string content;
  bool single_word = false, lstrip = false, rstrip = false, normalized = false, special = false;
};

// A piece of input: either plain text [begin, end) or an added token's id.
struct Segment {
  size_t begin, end;
  int32_t id;  // -1 for plain text
};

class AddedTokenMatcher {
 public:
  // `patterns[k]` is what token `tokens[k]` matches (its content, normalized or not).
  void build(const std::vector<const AddedToken*>& tokens, const std::vector<std::string>& patterns);
  bool empty() const { return patterns_.empty(); }
  // Splits `text` into segments, covering it completely.
  void split(std::string_view text, std::vector<Segment>& out) const;

 private:
  std::vector<std::string> patterns_;
  std::vector<const AddedToken*> tokens_;
  std::array<std::vector<uint32_t>, 256> by_first_byte_;  // pattern indices, longest first
};

class AddedVocabulary {
 public:
  AddedVocabulary() = default;
  // `normalize` (may be null) is applied to the content of normalized=true tokens.
  template <class NormalizeFn>
  void load(const nlohmann::json& list, const std::string& where, NormalizeFn normalize);

  const AddedToken* find(std::string_view content) const;
  const AddedToken* find(int32_t id) const;
  bool empty() const { return tokens_.empty(); }
  int32_t max_id() const { return max_id_; }

  const AddedTokenMatcher& raw_matcher() const { return raw_; }
  const AddedTokenMatcher& normalized_matcher() const { return normalized_; }

 private:
  void finish(std::vector<std::string> normalized_contents);

  std::vector<AddedToken> tokens_;
  std::unordered_map<std::string, size_t> by_content_;
  std::unordered_map<int32_t, size_t> by_id_;
  AddedTokenMatcher raw_, normalized_;
  int32_t max_id_ = -1;
};

// Parses the "added_tokens" array of a tokenizer.json.
void parse_added_tokens(const nlohmann::json& list, const std::string& where,
                        std::vector<AddedToken>& out);

template <class NormalizeFn>
void AddedVocabulary::load(const nlohmann::json& list, const std::string& where,
                           NormalizeFn normalize) {
  parse_added_tokens(list, where, tokens_);
  std::vector<std::string> normalized_contents;
  for (const auto& t : tokens_) {
    std::string c = t.content;
    if (t.normalized) normalize(c);
    normalized_contents.push_back(std::move(c));
  }
  finish(std::move(normalized_contents));
}

}  // namespace vlmforge::tokenizer
