// PCRE2 regular expressions for tokenizer patterns (Split pre-tokenizers, Replace normalizers and
// decoders). Compiled with UTF + UCP so \p{L}, \w and \d follow Unicode as Oniguruma (used by
// Hugging Face tokenizers) does, JIT-compiled when available. Matching is thread-safe: match
// data is per thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vlmforge::tokenizer {

class Regex {
 public:
  // `literal` compiles `pattern` as a plain string. Throws vlmforge::Error naming `where` and the
  // PCRE2 message when the pattern does not compile.
  Regex(const std::string& pattern, bool literal, const std::string& where);
  ~Regex();
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;

  // Non-overlapping, non-empty matches of the pattern in `text` (valid UTF-8), left to right, as
  // [begin, end) byte offsets appended to `out`.
  void find_all(std::string_view text, std::vector<std::pair<size_t, size_t>>& out) const;

  // Replaces every match with `replacement` (taken literally).
  std::string replace_all(std::string_view text, std::string_view replacement) const;

  const std::string& pattern() const { return pattern_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string pattern_;
};

// Rewrites \s and \S outside character classes, and \s inside them, to the explicit White_Space
// set that Oniguruma uses, since PCRE2's \s additionally matches U+180E. Exposed for tests.
std::string oniguruma_compatible_pattern(const std::string& pattern);

}  // namespace vlmforge::tokenizer
