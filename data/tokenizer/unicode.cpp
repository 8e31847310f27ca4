#include "data/tokenizer/unicode.h"

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include <vector>

#include "data/tokenizer/utf8.h"
#include "models/core/error.h"

namespace vlmforge::tokenizer {

namespace {

void check(UErrorCode status, const char* what) {
  if (U_FAILURE(status)) throw Error(std::string(what) + " failed: " + u_errorName(status), "ICU");
}

std::u16string to_utf16(std::string_view s) {
  std::u16string out(s.size() + 1, u'\0');
  int32_t len = 0;
  UErrorCode st = U_ZERO_ERROR;
  u_strFromUTF8(reinterpret_cast<UChar*>(out.data()), static_cast<int32_t>(out.size()), &len,
                s.data(), static_cast<int32_t>(s.size()), &st);
  check(st, "u_strFromUTF8");
  out.resize(len);
  return out;
}

std::string to_utf8(const std::u16string& s) {
  std::string out(s.size() * 3 + 1, '\0');
  int32_t len = 0;
  UErrorCode st = U_ZERO_ERROR;
  u_strToUTF8(out.data(), static_cast<int32_t>(out.size()), &len,
              reinterpret_cast<const UChar*>(s.data()), static_cast<int32_t>(s.size()), &st);
  check(st, "u_strToUTF8");
  out.resize(len);
  return out;
}

const UNormalizer2* instance(NormalForm form) {
  UErrorCode st = U_ZERO_ERROR;
  const UNormalizer2* n = nullptr;
  switch (form) {
    case NormalForm::NFC: n = unorm2_getNFCInstance(&st); break;
    case NormalForm::NFD: n = unorm2_getNFDInstance(&st); break;
    case NormalForm::NFKC: n = unorm2_getNFKCInstance(&st); break;
    case NormalForm::NFKD: n = unorm2_getNFKDInstance(&st); break;
  }
  check(st, "unorm2_get*Instance");
  return n;
}

bool is_ascii(std::string_view s) {
  for (unsigned char c : s)
    if (c >= 0x80) return false;
  return true;
}

}  // namespace

std::string normalize_unicode(std::string_view text, NormalForm form) {
  // ASCII is invariant under all four forms.
  if (is_ascii(text)) return std::string(text);
  const UNormalizer2* norm = instance(form);
  std::u16string u = to_utf16(text);
  UErrorCode st = U_ZERO_ERROR;
  const auto* src = reinterpret_cast<const UChar*>(u.data());
  int32_t ok = unorm2_spanQuickCheckYes(norm, src, static_cast<int32_t>(u.size()), &st);
  check(st, "unorm2_spanQuickCheckYes");
  if (ok == static_cast<int32_t>(u.size())) return std::string(text);
  std::u16string out(u.size() * 4 + 16, u'\0');
  int32_t len = unorm2_normalize(norm, src, static_cast<int32_t>(u.size()),
                                 reinterpret_cast<UChar*>(out.data()),
                                 static_cast<int32_t>(out.size()), &st);
  if (st == U_BUFFER_OVERFLOW_ERROR) {
    st = U_ZERO_ERROR;
    out.assign(len + 1, u'\0');
    len = unorm2_normalize(norm, src, static_cast<int32_t>(u.size()),
                           reinterpret_cast<UChar*>(out.data()), static_cast<int32_t>(out.size()),
                           &st);
  }
  check(st, "unorm2_normalize");
  out.resize(len);
  return to_utf8(out);
}

std::string lowercase_unicode(std::string_view text) {
  std::u16string u = to_utf16(text);
  std::u16string out(u.size() * 3 + 16, u'\0');
  UErrorCode st = U_ZERO_ERROR;
  int32_t len = u_strToLower(reinterpret_cast<UChar*>(out.data()), static_cast<int32_t>(out.size()),
                             reinterpret_cast<const UChar*>(u.data()),
                             static_cast<int32_t>(u.size()), "", &st);
  check(st, "u_strToLower");
  out.resize(len);
  return to_utf8(out);
}

std::string strip_accents(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    char32_t cp = next_code_point(text, i);
    if (u_charType(static_cast<UChar32>(cp)) == U_NON_SPACING_MARK) continue;
    out.append(text.data() + start, i - start);
  }
  return out;
}

}  // namespace vlmforge::tokenizer
