// tokenizer.json decoders: ByteLevel, ByteFallback, Fuse, Strip, Replace, Metaspace, Sequence.
// Each mirrors Hugging Face's decode_chain, including its lossy handling of invalid UTF-8
// (one U+FFFD per maximal invalid subpart; per byte token for ByteFallback).
#include <nlohmann/json.hpp>

#include "data/tokenizer/byte_level.h"
#include "data/tokenizer/hf_components.h"
#include "data/tokenizer/json_fields.h"
#include "data/tokenizer/regex.h"
#include "data/tokenizer/utf8.h"

namespace vlmforge::tokenizer {

namespace {

// All tokens' bytes through the inverse GPT-2 map, joined into one string. A token with a
// character outside the map contributes its own UTF-8 bytes unchanged.
class ByteLevelDecoder : public Decoder {
 public:
  void decode_chain(std::vector<std::string>& tokens) const override {
    const auto& table = byte_level_table();
    std::string bytes, tok_bytes;
    for (const auto& t : tokens) {
      tok_bytes.clear();
      bool mapped = true;
      size_t i = 0;
      while (i < t.size()) {
        char32_t cp = next_code_point(t, i);
        int b = cp < 0x200 ? table.char_to_byte[cp] : -1;
        if (b < 0) {
          mapped = false;
          break;
        }
        tok_bytes += static_cast<char>(b);
      }
      bytes += mapped ? tok_bytes : t;
    }
    tokens.assign(1, utf8_lossy(bytes));
  }
};

// "<0xAB>" tokens become bytes; each run of them becomes its UTF-8 text, or one U+FFFD per byte
// token when the run is not valid UTF-8.
class ByteFallbackDecoder : public Decoder {
 public:
  void decode_chain(std::vector<std::string>& tokens) const override {
    std::vector<std::string> out;
    std::string run;
    size_t run_tokens = 0;
    auto flush = [&] {
      if (run_tokens == 0) return;
      if (find_invalid_utf8(run) == std::string_view::npos) {
        out.push_back(run);
      } else {
        std::string rep;
        for (size_t k = 0; k < run_tokens; ++k) rep += "\xEF\xBF\xBD";
        out.push_back(rep);
      }
      run.clear();
      run_tokens = 0;
    };
    for (auto& t : tokens) {
      int byte = parse_byte_token(t);
      if (byte >= 0) {
        run += static_cast<char>(byte);
        ++run_tokens;
      } else {
        flush();
        out.push_back(std::move(t));
      }
    }
    flush();
    tokens = std::move(out);
  }

 private:
  static int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  }
  static int parse_byte_token(const std::string& t) {
    if (t.size() != 6 || t[0] != '<' || t[1] != '0' || t[2] != 'x' || t[5] != '>') return -1;
    int hi = hex(t[3]), lo = hex(t[4]);
    return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
  }
};

class FuseDecoder : public Decoder {
 public:
  void decode_chain(std::vector<std::string>& tokens) const override {
    std::string all;
    for (const auto& t : tokens) all += t;
    tokens.assign(1, std::move(all));
  }
};

// Removes up to `start` leading and `stop` trailing copies of one character from each token.
class StripDecoder : public Decoder {
 public:
  StripDecoder(std::string content, size_t start, size_t stop)
      : content_(std::move(content)), start_(start), stop_(stop) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    const size_t n = content_.size();
    for (auto& t : tokens) {
      size_t b = 0, e = t.size();
      for (size_t k = 0; k < start_ && b + n <= e && t.compare(b, n, content_) == 0; ++k) b += n;
      for (size_t k = 0; k < stop_ && e >= b + n && t.compare(e - n, n, content_) == 0; ++k) e -= n;
      t = t.substr(b, e - b);
    }
  }

 private:
  std::string content_;
  size_t start_, stop_;
};

class ReplaceDecoder : public Decoder {
 public:
  ReplaceDecoder(const std::string& pattern, bool is_regex, std::string content,
                 const std::string& where)
      : regex_(pattern, !is_regex, where), content_(std::move(content)) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    for (auto& t : tokens) t = regex_.replace_all(t, content_);
  }

 private:
  Regex regex_;
  std::string content_;
};

// The replacement character becomes a space; in the first token every replacement character
// is dropped instead unless prepend_scheme is "never" (Hugging Face semantics).
class MetaspaceDecoder : public Decoder {
 public:
  MetaspaceDecoder(std::string replacement, bool strip_first)
      : replacement_(std::move(replacement)), strip_first_(strip_first) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    for (size_t i = 0; i < tokens.size(); ++i) {
      const std::string& t = tokens[i];
      std::string out;
      out.reserve(t.size());
      size_t p = 0;
      while (p < t.size()) {
        if (t.compare(p, replacement_.size(), replacement_) == 0) {
          if (!(i == 0 && strip_first_)) out += ' ';
          p += replacement_.size();
        } else {
          out += t[p++];
        }
      }
      tokens[i] = std::move(out);
    }
  }

 private:
  std::string replacement_;
  bool strip_first_;
};

class SequenceDecoder : public Decoder {
 public:
  explicit SequenceDecoder(std::vector<std::unique_ptr<Decoder>> s) : steps_(std::move(s)) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    for (const auto& s : steps_) s->decode_chain(tokens);
  }

 private:
  std::vector<std::unique_ptr<Decoder>> steps_;
};

}  // namespace

std::unique_ptr<Decoder> make_decoder(const nlohmann::json& j, const std::string& where) {
  if (j.is_null()) return nullptr;
  const std::string type = component_type(j, where);
  if (type == "ByteLevel") return std::make_unique<ByteLevelDecoder>();
  if (type == "ByteFallback") return std::make_unique<ByteFallbackDecoder>();
  if (type == "Fuse") return std::make_unique<FuseDecoder>();
  if (type == "Strip")
    return std::make_unique<StripDecoder>(field<std::string>(j, "content", where),
                                          field_or<size_t>(j, "start", 0, where),
                                          field_or<size_t>(j, "stop", 0, where));
  if (type == "Replace") {
    bool is_regex = false;
    std::string pattern = pattern_field(j, is_regex, where);
    if (pattern.empty()) throw Error("empty Replace pattern", where);
    return std::make_unique<ReplaceDecoder>(pattern, is_regex,
                                            field<std::string>(j, "content", where), where);
  }
  if (type == "Metaspace") {
    bool strip_first = true;
    if (j.contains("prepend_scheme"))
      strip_first = field<std::string>(j, "prepend_scheme", where) != "never";
    else
      strip_first = field_or<bool>(j, "add_prefix_space", true, where);
    return std::make_unique<MetaspaceDecoder>(
        field_or<std::string>(j, "replacement", "\xE2\x96\x81", where), strip_first);
  }
  if (type == "Sequence") {
    const auto& list = require_field(j, "decoders", where);
    std::vector<std::unique_ptr<Decoder>> steps;
    for (size_t i = 0; i < list.size(); ++i) {
      auto d = make_decoder(list[i], where + ".decoders[" + std::to_string(i) + "]");
      if (d) steps.push_back(std::move(d));
    }
    return std::make_unique<SequenceDecoder>(std::move(steps));
  }
  throw Error("unsupported decoder type \"" + type + "\"", where,
              "supported: ByteLevel, ByteFallback, Fuse, Strip, Replace, Metaspace, Sequence");
}

}  // namespace vlmforge::tokenizer
