// Reads a tokenizer.json without building a JSON tree for its two big members: model.vocab
// (~150k entries) and model.merges are streamed (SAX) straight into vectors; the rest becomes
// an ordinary nlohmann::json. This halves load time of 150k-vocabulary files.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace vlmforge::tokenizer {

struct TokenizerJson {
  nlohmann::json doc;  // the file without model.vocab and model.merges
  std::vector<std::pair<std::string, int32_t>> vocab;
  std::vector<std::pair<std::string, std::string>> merges;
  bool has_vocab = false, has_merges = false;
};

// Throws vlmforge::Error naming `where` on malformed JSON or malformed vocab/merges entries.
TokenizerJson read_tokenizer_json(const std::string& text, const std::string& where);

// The same split for a tree already in memory (moves vocab and merges out of `j`).
TokenizerJson split_tokenizer_json(nlohmann::json j, const std::string& where);

}  // namespace vlmforge::tokenizer
