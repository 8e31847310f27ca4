// Our tokenizers against the Hugging Face `tokenizers` library (tokenizer.json) and the
// sentencepiece package (.model) on the seeded corpus; expected values are written at test time
// by tests/reference/tokenizer_reference.py (fixture tokenizer_ref).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include "data/chat/chat_template.h"
#include "data/tokenizer/sp_tokenizer.h"
#include "data/tokenizer/tokenizer.h"

namespace vt = vlmforge::tokenizer;

namespace {

std::string fixtures() {
  const char* f = std::getenv("VLMFORGE_FIXTURES");
  return std::string(f ? f : "fixtures") + "/tokenizers";
}

// The conversations file sits next to this source. (VLMFORGE_SOURCE_DIR does not reach
// discovered GoogleTest cases: only the first ENVIRONMENT entry survives gtest_discover_tests.)
std::string conversations_path() {
  const char* s = std::getenv("VLMFORGE_SOURCE_DIR");
  if (s) return std::string(s) + "/tests/data/chat_conversations.json";
  return std::filesystem::path(__FILE__).parent_path().string() + "/chat_conversations.json";
}

std::vector<nlohmann::json> read_jsonl(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "missing " << path << " (run the tokenizer_reference_setup test)";
  std::vector<nlohmann::json> out;
  std::string line;
  while (std::getline(in, line)) out.push_back(nlohmann::json::parse(line));
  return out;
}

std::string show(const std::vector<int32_t>& v) { return nlohmann::json(v).dump(); }

// Compares every corpus line; prints the first few differences.
void compare_with_reference(const std::string& name, bool byte_level) {
  const std::string dir = fixtures();
  auto tok = vt::load_tokenizer(dir + "/" + name + "/tokenizer.json");
  auto corpus = read_jsonl(dir + "/corpus.jsonl");
  auto ref = read_jsonl(dir + "/" + name + ".ref.jsonl");
  ASSERT_EQ(corpus.size(), ref.size());
  ASSERT_GE(corpus.size(), 20000u);
  size_t bad_ids = 0, bad_special = 0, bad_decode = 0, bad_skip = 0, bad_roundtrip = 0;
  int shown = 0;
  for (size_t i = 0; i < corpus.size(); ++i) {
    const std::string text = corpus[i].get<std::string>();
    const auto want = ref[i]["ids"].get<std::vector<int32_t>>();
    const auto got = tok->encode(text, false);
    if (got != want) {
      ++bad_ids;
      if (shown++ < 5)
        ADD_FAILURE() << name << " line " << i << " " << nlohmann::json(text).dump()
                      << "\n  want " << show(want) << "\n  got  " << show(got);
    }
    if (tok->encode(text, true) != ref[i]["ids_special"].get<std::vector<int32_t>>()) ++bad_special;
    if (tok->decode(want, false) != ref[i]["decode"].get<std::string>()) {
      ++bad_decode;
      if (shown++ < 5)
        ADD_FAILURE() << name << " decode line " << i << "\n  want "
                      << nlohmann::json(ref[i]["decode"]).dump() << "\n  got  "
                      << nlohmann::json(tok->decode(want, false)).dump();
    }
    if (tok->decode(want, true) != ref[i]["decode_skip"].get<std::string>()) ++bad_skip;
    // Byte-level BPE is lossless up to the file's normalizer (NFC for Qwen).
    if (byte_level && tok->decode(got, false) != ref[i]["normalized"].get<std::string>())
      ++bad_roundtrip;
  }
  std::printf("%s: %zu lines; id mismatches %zu, with-special mismatches %zu, decode mismatches "
              "%zu, skip-special decode mismatches %zu, round-trip failures %zu\n",
              name.c_str(), corpus.size(), bad_ids, bad_special, bad_decode, bad_skip,
              bad_roundtrip);
  EXPECT_EQ(bad_ids, 0u);
  EXPECT_EQ(bad_special, 0u);
  EXPECT_EQ(bad_decode, 0u);
  EXPECT_EQ(bad_skip, 0u);
  EXPECT_EQ(bad_roundtrip, 0u);
}

}  // namespace

TEST(TokenizerReference, Qwen3ByteLevelBpe) { compare_with_reference("qwen3", true); }
TEST(TokenizerReference, Llama2MetaspaceByteFallback) { compare_with_reference("llama2", false); }
TEST(TokenizerReference, Gpt4oByteLevelBpe) { compare_with_reference("gpt4o", true); }

TEST(TokenizerReference, SentencePieceModelMatchesPythonPackage) {
  const std::string dir = fixtures() + "/sentencepiece";
  auto tok = vt::load_tokenizer(dir + "/ref.model");
  auto corpus = read_jsonl(fixtures() + "/corpus.jsonl");
  auto ref = read_jsonl(dir + "/ref.jsonl");
  ASSERT_FALSE(ref.empty());
  size_t bad = 0, bad_decode = 0;
  for (size_t i = 0; i < ref.size(); ++i) {
    const std::string text = corpus[i].get<std::string>();
    const auto want = ref[i]["ids"].get<std::vector<int32_t>>();
    if (tok->encode(text) != want && bad++ < 3)
      ADD_FAILURE() << "line " << i << " want " << show(want) << " got " << show(tok->encode(text));
    if (tok->decode(want, true) != ref[i]["decode"].get<std::string>()) ++bad_decode;
  }
  std::printf("sentencepiece: %zu lines; id mismatches %zu, decode mismatches %zu\n", ref.size(),
              bad, bad_decode);
  EXPECT_EQ(bad, 0u);
  EXPECT_EQ(bad_decode, 0u);
}

// ChatML as Qwen3's own template renders it (transformers apply_chat_template): same text, and for
// image-free conversations the same ids.
TEST(TokenizerReference, Qwen3ChatTemplateMatchesApplyChatTemplate) {
  auto tok = vt::load_tokenizer(fixtures() + "/qwen3/tokenizer.json");
  std::ifstream in(conversations_path());
  ASSERT_TRUE(in.good());
  auto conversations = nlohmann::json::parse(in);
  auto ref = read_jsonl(fixtures() + "/chat_qwen3.ref.jsonl");
  ASSERT_EQ(conversations.size(), ref.size());
  namespace vc = vlmforge::chat;
  vc::ChatConfig cfg;
  cfg.template_name = "qwen3";
  cfg.image_token_id = tok->token_to_id("<|image_pad|>");
  cfg.image_tokens_per_image = 4;
  size_t compared_ids = 0;
  for (size_t i = 0; i < ref.size(); ++i) {
    std::vector<vc::Message> messages;
    for (const auto& m : conversations[i]["messages"])
      messages.push_back({m["role"].get<std::string>(), m["content"].get<std::string>()});
    auto r = vc::render_chat(*tok, messages, cfg,
                             conversations[i]["add_generation_prompt"].get<bool>());
    const std::string name = ref[i]["name"].get<std::string>();
    EXPECT_EQ(r.text, ref[i]["text"].get<std::string>()) << name;
    if (r.num_images == 0) {
      EXPECT_EQ(r.ids, ref[i]["ids"].get<std::vector<int32_t>>()) << name;
      ++compared_ids;
    }
  }
  EXPECT_GE(compared_ids, 3u);
}

// train_sentencepiece against the spm_train CLI of the linked sentencepiece version, same
// options and train.txt (ids of its model written by the python package); plus the vocabulary
// overlap with the python wheel's training (a newer sentencepiece, so not required identical).
TEST(TokenizerReference, TrainedSentencePieceMatchesSpmTrain) {
  const std::string dir = fixtures() + "/sentencepiece";
  if (!std::filesystem::exists(dir + "/cli_ref.jsonl"))
    GTEST_SKIP() << "spm_train (Debian package sentencepiece) is not installed";
  vt::SentencePieceTrainOptions o;
  o.vocab_size = 2000;
  o.model_type = "bpe";
  o.byte_fallback = true;
  o.character_coverage = 0.9995;
  o.user_defined_symbols = {"<image>"};
  const std::string prefix = (std::filesystem::temp_directory_path() /
                              ("vlmforge_sp_" + std::to_string(::getpid()))).string();
  auto ours = vt::load_tokenizer(vt::train_sentencepiece(dir + "/train.txt", prefix, o));
  auto corpus = read_jsonl(fixtures() + "/corpus.jsonl");
  auto ref = read_jsonl(dir + "/cli_ref.jsonl");
  size_t bad = 0;
  for (size_t i = 0; i < ref.size(); ++i)
    if (ours->encode(corpus[i].get<std::string>()) != ref[i]["ids"].get<std::vector<int32_t>>())
      ++bad;
  auto wheel = vt::load_tokenizer(dir + "/ref.model");
  size_t shared = 0;
  for (size_t id = 0; id < ours->vocab_size(); ++id)
    if (wheel->token_to_id(ours->id_to_token(static_cast<int32_t>(id))) >= 0) ++shared;
  std::printf("trained sentencepiece: %zu lines, %zu differ from spm_train's model; %zu of %zu "
              "pieces shared with the python wheel's model\n",
              ref.size(), bad, shared, ours->vocab_size());
  EXPECT_EQ(bad, 0u);
  EXPECT_GE(shared, ours->vocab_size() * 95 / 100);
  std::filesystem::remove(prefix + ".model");
  std::filesystem::remove(prefix + ".vocab");
}

// encode is shared by data-loader threads: four threads over the same lines (sharing the word
// cache while it fills) must reproduce the reference ids.
TEST(TokenizerReference, ConcurrentEncodeMatchesReference) {
  auto tok = vt::load_tokenizer(fixtures() + "/qwen3/tokenizer.json");
  auto corpus = read_jsonl(fixtures() + "/corpus.jsonl");
  auto ref = read_jsonl(fixtures() + "/qwen3.ref.jsonl");
  const size_t n = std::min<size_t>(4000, corpus.size());
  std::vector<std::string> texts;
  std::vector<std::vector<int32_t>> want;
  for (size_t i = 0; i < n; ++i) {
    texts.push_back(corpus[i].get<std::string>());
    want.push_back(ref[i]["ids"].get<std::vector<int32_t>>());
  }
  std::vector<size_t> bad(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (size_t k = 0; k < n; ++k) {
        size_t i = (k + t * n / 4) % n;  // different starting points
        if (tok->encode(texts[i]) != want[i]) ++bad[t];
      }
    });
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(bad[t], 0u) << "thread " << t;
}
