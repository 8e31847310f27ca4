#include "data/tokenizer/tokenizer.h"

#include <filesystem>
#include <fstream>

#include "data/tokenizer/hf_tokenizer.h"
#include "data/tokenizer/sp_tokenizer.h"
#include "models/core/error.h"

namespace vlmforge::tokenizer {

std::unique_ptr<Tokenizer> load_tokenizer(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    for (const char* name : {"tokenizer.json", "tokenizer.model"}) {
      fs::path p = fs::path(path) / name;
      if (fs::exists(p, ec)) return load_tokenizer(p.string());
    }
    throw Error("no tokenizer.json or tokenizer.model in the directory", path);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open tokenizer file", path);
  // JSON starts with '{' (after optional whitespace); SentencePiece models are protobuf.
  char c = 0;
  while (in.get(c) && (c == ' ' || c == '\n' || c == '\r' || c == '\t')) {
  }
  if (c == '{') return HfTokenizer::from_file(path);
  return SentencePieceTokenizer::from_file(path);
}

}  // namespace vlmforge::tokenizer
