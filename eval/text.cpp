#include "eval/text.h"

namespace vlmforge::eval {

namespace {

constexpr char32_t kReplacement = 0xFFFD;

bool in(char32_t c, char32_t lo, char32_t hi) { return c >= lo && c <= hi; }
bool even(char32_t c) { return (c & 1u) == 0; }

}  // namespace

std::u32string utf8_decode(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    int extra = 0;
    char32_t cp = 0;
    char32_t min_cp = 0;
    if (b0 < 0x80) {
      out.push_back(b0);
      ++i;
      continue;
    } else if ((b0 & 0xE0) == 0xC0) {
      extra = 1, cp = b0 & 0x1F, min_cp = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
      extra = 2, cp = b0 & 0x0F, min_cp = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
      extra = 3, cp = b0 & 0x07, min_cp = 0x10000;
    } else {
      out.push_back(kReplacement);
      ++i;
      continue;
    }
    bool ok = i + static_cast<size_t>(extra) < s.size();
    for (int k = 1; ok && k <= extra; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xC0) != 0x80) ok = false;
      else cp = (cp << 6) | (b & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are malformed too.
    if (!ok || cp < min_cp || cp > 0x10FFFF || in(cp, 0xD800, 0xDFFF)) {
      out.push_back(kReplacement);
      ++i;
      continue;
    }
    out.push_back(cp);
    i += 1 + extra;
  }
  return out;
}

std::string utf8_encode(std::u32string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t c : s) {
    if (c > 0x10FFFF || in(c, 0xD800, 0xDFFF)) c = kReplacement;
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (c >> 12)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (c >> 18)));
      out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

char32_t to_lower(char32_t c) {
  if (c < 0x80) return in(c, 'A', 'Z') ? c + 32 : c;
  // Latin-1 Supplement: À..Þ except ×.
  if (in(c, 0xC0, 0xDE)) return c == 0xD7 ? c : c + 32;
  // Latin Extended-A: upper/lower pairs, parity flips at the odd runs.
  if (in(c, 0x100, 0x17F)) {
    if (c == 0x130) return 0x69;  // İ -> i
    if (c == 0x178) return 0xFF;  // Ÿ -> ÿ
    if (in(c, 0x100, 0x12F) || in(c, 0x132, 0x137) || in(c, 0x14A, 0x177)) return even(c) ? c + 1 : c;
    if (in(c, 0x139, 0x148) || in(c, 0x179, 0x17E)) return even(c) ? c : c + 1;
    return c;  // ı ĸ ŉ ſ
  }
  // Greek and Coptic.
  if (in(c, 0x370, 0x3FF)) {
    if (in(c, 0x370, 0x373) || c == 0x376) return even(c) ? c + 1 : c;
    if (c == 0x37F) return 0x3F3;
    if (c == 0x386) return 0x3AC;
    if (in(c, 0x388, 0x38A)) return c + 37;
    if (c == 0x38C) return 0x3CC;
    if (c == 0x38E || c == 0x38F) return c + 63;
    if (in(c, 0x391, 0x3A1) || in(c, 0x3A3, 0x3AB)) return c + 32;
    if (c == 0x3CF) return 0x3D7;
    if (in(c, 0x3D8, 0x3EF)) return even(c) ? c + 1 : c;
    if (c == 0x3F4) return 0x3B8;
    if (c == 0x3F7 || c == 0x3FA) return c + 1;
    if (c == 0x3F9) return 0x3F2;
    if (in(c, 0x3FD, 0x3FF)) return c - 130;
    return c;
  }
  // Cyrillic and Cyrillic Supplement.
  if (in(c, 0x400, 0x52F)) {
    if (in(c, 0x400, 0x40F)) return c + 80;  // Ѐ..Џ, incl. Ё -> ё
    if (in(c, 0x410, 0x42F)) return c + 32;  // А..Я
    if (in(c, 0x460, 0x481) || in(c, 0x48A, 0x4BF) || in(c, 0x4D0, 0x52F)) return even(c) ? c + 1 : c;
    if (c == 0x4C0) return 0x4CF;
    if (in(c, 0x4C1, 0x4CE)) return even(c) ? c : c + 1;
    return c;
  }
  return c;
}

std::u32string to_lower(std::u32string_view s) {
  std::u32string out(s);
  for (auto& c : out) c = to_lower(c);
  return out;
}

bool is_space(char32_t c) {
  return in(c, 0x09, 0x0D) || in(c, 0x1C, 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         in(c, 0x2000, 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

std::u32string collapse_spaces(std::u32string_view s) {
  std::u32string out;
  out.reserve(s.size());
  bool pending_space = false;
  for (char32_t c : s) {
    if (is_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(U' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

std::u32string anls_normalize(std::string_view s) { return collapse_spaces(to_lower(utf8_decode(s))); }

namespace {

bool is_quote(char32_t c) {
  switch (c) {
    case U'"': case U'\'': case U'`': case 0xB4: case 0xAB: case 0xBB:
    case 0x2018: case 0x2019: case 0x201A: case 0x201B:
    case 0x201C: case 0x201D: case 0x201E: case 0x201F:
      return true;
    default:
      return false;
  }
}

bool is_dash(char32_t c) { return c == U'-' || in(c, 0x2010, 0x2015) || c == 0x2212; }

bool is_trailing_punct(char32_t c) {
  return c == U'.' || c == U',' || c == U';' || c == U':' || c == U'!' || c == U'?' || c == 0x2026 ||
         c == U' ';
}

}  // namespace

std::u32string match_normalize(std::string_view s) {
  std::u32string text = to_lower(utf8_decode(s));
  for (auto& c : text) {
    if (c == 0x451) c = 0x435;  // ё -> е (Ё was lowered first)
    else if (is_quote(c)) c = U'"';
    else if (is_dash(c)) c = U'-';
  }
  text = collapse_spaces(text);
  while (!text.empty() && is_trailing_punct(text.back())) text.pop_back();
  return text;
}

}  // namespace vlmforge::eval
