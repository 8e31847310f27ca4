// Tokenizer loading and input errors: every bad file or bad input is a vlmforge::Error whose
// message names the component or offset at fault. Plus the small-vocabulary behaviours that do
// not need a downloaded tokenizer (hand-built files whose expected ids follow from the merges).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "data/tokenizer/hf_tokenizer.h"
#include "data/tokenizer/sp_tokenizer.h"
#include "data/tokenizer/tokenizer.h"
#include "models/core/error.h"

namespace vt = vlmforge::tokenizer;
namespace fs = std::filesystem;

namespace {

fs::path temp_dir() {
  fs::path d = fs::temp_directory_path() / ("vlmforge_tok_test_" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d;
}

std::string write(const std::string& name, const std::string& text) {
  fs::path p = temp_dir() / name;
  std::ofstream(p, std::ios::binary) << text;
  return p.string();
}

// Expects `fn` to throw vlmforge::Error whose message contains every string in `parts`.
template <class F>
void expect_error(F fn, std::initializer_list<std::string> parts) {
  try {
    fn();
    ADD_FAILURE() << "no error thrown";
  } catch (const vlmforge::Error& e) {
    for (const auto& p : parts)
      EXPECT_NE(std::string(e.what()).find(p), std::string::npos)
          << "message \"" << e.what() << "\" lacks \"" << p << "\"";
  }
}

// A tiny byte-level-free BPE: characters a, b, c and merges "a b" (rank 0), "ab c" (rank 1).
nlohmann::json tiny_bpe() {
  return {{"model",
           {{"type", "BPE"},
            {"vocab", {{"a", 0}, {"b", 1}, {"c", 2}, {"ab", 3}, {"abc", 4}, {"<unk>", 5}}},
            {"merges", {"a b", "ab c"}},
            {"unk_token", "<unk>"}}},
          {"added_tokens",
           {{{"id", 6}, {"content", "<eos>"}, {"special", true}, {"normalized", false}}}}};
}

}  // namespace

TEST(Tokenizer, MalformedJsonIsAnError) {
  std::string p = write("bad.json", "{\"model\": {\"type\": \"BPE\", ");
  expect_error([&] { vt::load_tokenizer(p); }, {"malformed JSON", p});
}

TEST(Tokenizer, UnknownModelTypeIsAnError) {
  std::string p = write("wp.json", R"({"model": {"type": "WordPiece", "vocab": {}}})");
  expect_error([&] { vt::load_tokenizer(p); }, {"unsupported model type \"WordPiece\"", p});
}

TEST(Tokenizer, UnsupportedComponentsNameThemselves) {
  auto j = tiny_bpe();
  j["pre_tokenizer"] = {{"type", "Sequence"},
                        {"pretokenizers", {{{"type", "Digits"}}, {{"type", "BertPreTokenizer"}}}}};
  expect_error([&] { vt::HfTokenizer::from_json(j, "t.json"); },
               {"pre_tokenizer.pretokenizers[1]", "BertPreTokenizer"});
  j = tiny_bpe();
  j["normalizer"] = {{"type", "Precompiled"}, {"precompiled_charsmap", "AAAA"}};
  expect_error([&] { vt::HfTokenizer::from_json(j, "t.json"); }, {"normalizer", "Precompiled"});
  j = tiny_bpe();
  j["decoder"] = {{"type", "WordPiece"}};
  expect_error([&] { vt::HfTokenizer::from_json(j, "t.json"); }, {"decoder", "WordPiece"});
  j = tiny_bpe();
  j["model"]["merges"] = {"a x"};
  expect_error([&] { vt::HfTokenizer::from_json(j, "t.json"); }, {"merges[0]", "a x"});
  j = tiny_bpe();
  j["pre_tokenizer"] = {{"type", "Split"}, {"pattern", {{"Regex", "(unclosed"}}},
                        {"behavior", "Isolated"}};
  expect_error([&] { vt::HfTokenizer::from_json(j, "t.json"); }, {"regex", "(unclosed"});
}

TEST(Tokenizer, InvalidUtf8InputIsAnError) {
  auto tok = vt::HfTokenizer::from_json(tiny_bpe(), "t.json");
  expect_error([&] { tok->encode("ab\xC3("); }, {"not valid UTF-8", "offset 2"});
  expect_error([&] { tok->encode("\xED\xA0\x80"); }, {"offset 0"});  // a UTF-16 surrogate
  expect_error([&] { tok->encode("\xC0\xAF"); }, {"offset 0"});      // overlong '/'
}

TEST(Tokenizer, MergesApplyByRankAndUnknownsFuseOnlyWhenAsked) {
  auto tok = vt::HfTokenizer::from_json(tiny_bpe(), "t.json");
  EXPECT_EQ(tok->encode("abc"), (std::vector<int32_t>{4}));
  EXPECT_EQ(tok->encode("abab"), (std::vector<int32_t>{3, 3}));
  EXPECT_EQ(tok->encode("cab<eos>"), (std::vector<int32_t>{2, 3, 6}));
  EXPECT_EQ(tok->encode("axxb"), (std::vector<int32_t>{0, 5, 5, 1}));
  auto j = tiny_bpe();
  j["model"]["fuse_unk"] = true;
  EXPECT_EQ(vt::HfTokenizer::from_json(j, "t.json")->encode("axxb"),
            (std::vector<int32_t>{0, 5, 1}));
  EXPECT_EQ(tok->decode({4, 6}, false), "abc <eos>");  // no decoder: tokens joined by spaces
  EXPECT_EQ(tok->decode({4, 6}, true), "abc");
  EXPECT_TRUE(tok->is_special(6));
  EXPECT_EQ(tok->vocab_size(), 7u);
  expect_error([&] { tok->decode({7}); }, {"token id 7", "outside the vocabulary"});
}

// Files are read by the streaming reader (vocab/merges never become a JSON tree): both merge
// spellings load, and malformed entries name the model.
TEST(Tokenizer, StreamingFileReaderMatchesInMemoryJson) {
  auto j = tiny_bpe();
  j["model"]["merges"] = nlohmann::json::array(
      {nlohmann::json::array({"a", "b"}), nlohmann::json::array({"ab", "c"})});
  auto from_file = vt::load_tokenizer(write("pairs.json", j.dump()));
  EXPECT_EQ(from_file->encode("cabc<eos>"), (std::vector<int32_t>{2, 4, 6}));
  j["model"]["vocab"]["d"] = "7";
  expect_error([&] { vt::load_tokenizer(write("badvocab.json", j.dump())); },
               {"model", "vocab id of \"d\""});
  j = tiny_bpe();
  j["model"]["merges"] = {"a b c"};
  expect_error([&] { vt::load_tokenizer(write("badmerge.json", j.dump())); },
               {"model", "a b c"});
}

TEST(Tokenizer, NotATokenizerFileIsAnError) {
  std::string p = write("junk.model", std::string("\x01\x02garbage", 9));
  EXPECT_THROW(vt::load_tokenizer(p), vlmforge::Error);
  EXPECT_THROW(vt::load_tokenizer((temp_dir() / "missing.json").string()), vlmforge::Error);
}

TEST(SentencePiece, TrainsBpeModelOnTextFile) {
  std::string text;
  const char* lines[] = {"Счёт на оплату № 42 от 01.02.2024", "Итого к оплате: 1 234,56 руб.",
                         "Покупатель: ООО Ромашка, ИНН 7707083893", "Total amount due: 99.90"};
  for (int k = 0; k < 200; ++k) text += std::string(lines[k % 4]) + "\n";
  std::string file = write("train.txt", text);
  vt::SentencePieceTrainOptions o;
  o.vocab_size = 400;  // byte fallback alone takes 256 pieces
  o.user_defined_symbols = {"<image>"};
  std::string model = vt::train_sentencepiece(file, (temp_dir() / "sp").string(), o);
  auto tok = vt::load_tokenizer(model);
  EXPECT_EQ(tok->vocab_size(), 400u);
  const std::string s = "<image> Итого к оплате: 1 234,56 руб. Ω";
  auto ids = tok->encode(s);
  // A user-defined symbol is one piece (after SentencePiece's leading "▁" piece).
  EXPECT_EQ(std::count(ids.begin(), ids.end(), tok->token_to_id("<image>")), 1);
  EXPECT_EQ(tok->decode(ids), s);  // byte fallback makes unseen characters round-trip
  EXPECT_EQ(tok->encode(s, true).front(), tok->special_ids().bos);
  EXPECT_THROW(vt::train_sentencepiece((temp_dir() / "none.txt").string(),
                                       (temp_dir() / "x").string(), o),
               vlmforge::Error);
}
