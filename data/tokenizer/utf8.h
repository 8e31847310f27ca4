// UTF-8 helpers shared by the tokenizers: validation with a precise error position, code point
// iteration and encoding. Tokenizers validate their input once and then trust it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace vlmforge::tokenizer {

// Byte offset of the first invalid UTF-8 sequence (overlong forms, surrogates and code points
// above U+10FFFF are invalid), or std::string_view::npos when `s` is valid.
size_t find_invalid_utf8(std::string_view s);

// Throws vlmforge::Error naming the byte offset when `s` is not valid UTF-8. `where` names the
// caller (e.g. "tokenizer.encode").
void require_utf8(std::string_view s, const std::string& where);

// Length in bytes of the UTF-8 sequence that starts with lead byte `c` (1 for stray bytes).
inline size_t utf8_length(unsigned char c) {
  if (c < 0x80) return 1;
  if ((c >> 5) == 0x6) return 2;
  if ((c >> 4) == 0xE) return 3;
  if ((c >> 3) == 0x1E) return 4;
  return 1;
}

// Decodes the code point at `s[i]` (input must be valid UTF-8) and advances `i` past it.
char32_t next_code_point(std::string_view s, size_t& i);

void append_utf8(std::string& out, char32_t cp);

// Replaces invalid sequences with U+FFFD, one per maximal invalid subpart, as Rust's
// String::from_utf8_lossy (and so Hugging Face decoders) do.
std::string utf8_lossy(std::string_view bytes);

}  // namespace vlmforge::tokenizer
