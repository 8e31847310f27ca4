// Test helpers: a byte-level tokenizer with a few ChatML special tokens (independent of the
// tokenizer under development, so collate tests pin the layout, not tokenization), and PNG
// writing for small dataset folders.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "data/tokenizer/tokenizer.h"
#include "models/core/error.h"

namespace vlmforge::test {

// ids 0..255 = bytes; specials after them.
class ByteTokenizer : public tokenizer::Tokenizer {
 public:
  static constexpr int32_t kImStart = 256, kImEnd = 257, kEos = 258, kImage = 259;
  ByteTokenizer() {
    special_[kImStart] = "<|im_start|>";
    special_[kImEnd] = "<|im_end|>";
    special_[kEos] = "<|endoftext|>";
    special_[kImage] = "<|image_pad|>";
    ids_.eos = kEos;
    ids_.pad = kEos;
  }
  std::vector<int32_t> encode(std::string_view text, bool = false) const override {
    std::vector<int32_t> out;
    for (size_t i = 0; i < text.size();) {
      bool hit = false;
      for (const auto& [id, s] : special_)
        if (text.compare(i, s.size(), s) == 0) {
          out.push_back(id);
          i += s.size();
          hit = true;
          break;
        }
      if (!hit) out.push_back(static_cast<uint8_t>(text[i++]));
    }
    return out;
  }
  std::string decode(const std::vector<int32_t>& ids, bool skip_special = false) const override {
    std::string out;
    for (int32_t id : ids) {
      if (id < 256) out += static_cast<char>(id);
      else if (!skip_special) out += id_to_token(id);
    }
    return out;
  }
  int32_t token_to_id(std::string_view token) const override {
    for (const auto& [id, s] : special_)
      if (s == token) return id;
    return token.size() == 1 ? static_cast<uint8_t>(token[0]) : -1;
  }
  std::string id_to_token(int32_t id) const override {
    if (id >= 0 && id < 256) return std::string(1, static_cast<char>(id));
    auto it = special_.find(id);
    if (it == special_.end()) throw Error("id out of range");
    return it->second;
  }
  size_t vocab_size() const override { return 260; }
  const tokenizer::SpecialTokenIds& special_ids() const override { return ids_; }
  bool is_special(int32_t id) const override { return id >= 256; }

 private:
  std::map<int32_t, std::string> special_;
  tokenizer::SpecialTokenIds ids_;
};

// A fresh empty folder under the test temp dir.
inline std::string temp_folder(const std::string& name) {
  const std::string dir =
      std::filesystem::path(::testing::TempDir() + "/vlmforge_data_" + name).lexically_normal().string();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// Writes a w x h RGB PNG whose pixels are f(x, y, c); returns the encoded bytes.
std::string png_bytes(int w, int h, uint8_t seed);
void write_png(const std::string& path, int w, int h, uint8_t seed);
std::string jpeg_bytes(int w, int h, uint8_t seed);  // quality 90

}  // namespace vlmforge::test
