// tokenizer.json normalizers: NFC/NFD/NFKC/NFKD, Lowercase, Strip, StripAccents, Prepend,
// Replace, Sequence.
#include <nlohmann/json.hpp>

#include "data/tokenizer/hf_components.h"
#include "data/tokenizer/json_fields.h"
#include "data/tokenizer/regex.h"
#include "data/tokenizer/unicode.h"
#include "data/tokenizer/utf8.h"

#include <unicode/uchar.h>

namespace vlmforge::tokenizer {

namespace {

class UnicodeNormalizer : public Normalizer {
 public:
  explicit UnicodeNormalizer(NormalForm f) : form_(f) {}
  void normalize(std::string& text) const override { text = normalize_unicode(text, form_); }

 private:
  NormalForm form_;
};

class Lowercase : public Normalizer {
 public:
  void normalize(std::string& text) const override { text = lowercase_unicode(text); }
};

class StripAccents : public Normalizer {
 public:
  void normalize(std::string& text) const override { text = strip_accents(text); }
};

// Removes leading/trailing Unicode whitespace (Rust char::is_whitespace == White_Space).
class Strip : public Normalizer {
 public:
  Strip(bool left, bool right) : left_(left), right_(right) {}
  void normalize(std::string& text) const override {
    size_t b = 0, e = text.size();
    if (left_) {
      while (b < e) {
        size_t i = b;
        char32_t cp = next_code_point(text, i);
        if (!u_isUWhiteSpace(static_cast<UChar32>(cp))) break;
        b = i;
      }
    }
    if (right_) {
      while (e > b) {
        size_t s = e - 1;
        while (s > b && (static_cast<unsigned char>(text[s]) & 0xC0) == 0x80) --s;
        size_t i = s;
        char32_t cp = next_code_point(text, i);
        if (!u_isUWhiteSpace(static_cast<UChar32>(cp))) break;
        e = s;
      }
    }
    text = text.substr(b, e - b);
  }

 private:
  bool left_, right_;
};

// Prepends only to non-empty text (Hugging Face semantics).
class Prepend : public Normalizer {
 public:
  explicit Prepend(std::string p) : prepend_(std::move(p)) {}
  void normalize(std::string& text) const override {
    if (!text.empty()) text.insert(0, prepend_);
  }

 private:
  std::string prepend_;
};

class Replace : public Normalizer {
 public:
  Replace(const std::string& pattern, bool is_regex, std::string content, const std::string& where)
      : regex_(pattern, !is_regex, where), literal_(is_regex ? "" : pattern),
        content_(std::move(content)) {}
  void normalize(std::string& text) const override {
    if (!literal_.empty() && text.find(literal_) == std::string::npos) return;
    text = regex_.replace_all(text, content_);
  }

 private:
  Regex regex_;
  std::string literal_;
  std::string content_;
};

class Sequence : public Normalizer {
 public:
  explicit Sequence(std::vector<std::unique_ptr<Normalizer>> s) : steps_(std::move(s)) {}
  void normalize(std::string& text) const override {
    for (const auto& s : steps_) s->normalize(text);
  }

 private:
  std::vector<std::unique_ptr<Normalizer>> steps_;
};

}  // namespace

std::unique_ptr<Normalizer> make_normalizer(const nlohmann::json& j, const std::string& where) {
  if (j.is_null()) return nullptr;
  const std::string type = component_type(j, where);
  if (type == "NFC") return std::make_unique<UnicodeNormalizer>(NormalForm::NFC);
  if (type == "NFD") return std::make_unique<UnicodeNormalizer>(NormalForm::NFD);
  if (type == "NFKC") return std::make_unique<UnicodeNormalizer>(NormalForm::NFKC);
  if (type == "NFKD") return std::make_unique<UnicodeNormalizer>(NormalForm::NFKD);
  if (type == "Lowercase") return std::make_unique<Lowercase>();
  if (type == "StripAccents") return std::make_unique<StripAccents>();
  if (type == "Strip")
    return std::make_unique<Strip>(field_or<bool>(j, "strip_left", true, where),
                                   field_or<bool>(j, "strip_right", true, where));
  if (type == "Prepend") return std::make_unique<Prepend>(field<std::string>(j, "prepend", where));
  if (type == "Replace") {
    bool is_regex = false;
    std::string pattern = pattern_field(j, is_regex, where);
    if (pattern.empty()) throw Error("empty Replace pattern", where);
    return std::make_unique<Replace>(pattern, is_regex, field<std::string>(j, "content", where),
                                     where);
  }
  if (type == "Sequence") {
    const auto& list = require_field(j, "normalizers", where);
    std::vector<std::unique_ptr<Normalizer>> steps;
    for (size_t i = 0; i < list.size(); ++i) {
      auto n = make_normalizer(list[i], where + ".normalizers[" + std::to_string(i) + "]");
      if (n) steps.push_back(std::move(n));
    }
    return std::make_unique<Sequence>(std::move(steps));
  }
  throw Error("unsupported normalizer type \"" + type + "\"", where,
              "supported: NFC, NFD, NFKC, NFKD, Lowercase, Strip, StripAccents, Prepend, "
              "Replace, Sequence");
}

}  // namespace vlmforge::tokenizer
