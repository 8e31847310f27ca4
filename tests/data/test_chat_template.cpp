// Chat templates: rendered text per template, label masks (only assistant answers and their end
// token supervised) over multi-turn conversations, and image placeholder expansion. Uses a small
// byte-level tokenizer built in the test (every byte a token, no merges) holding the templates'
// special tokens, so each expectation is plain text.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "data/chat/chat_template.h"
#include "data/tokenizer/byte_level.h"
#include "data/tokenizer/hf_tokenizer.h"
#include "models/core/error.h"

namespace vc = vlmforge::chat;
namespace vt = vlmforge::tokenizer;

namespace {

std::unique_ptr<vt::HfTokenizer> byte_tokenizer() {
  nlohmann::json vocab = nlohmann::json::object();
  for (int b = 0; b < 256; ++b) vocab[vt::byte_level_table().byte_to_utf8[b]] = b;
  nlohmann::json added = nlohmann::json::array();
  int id = 256;
  for (const char* t : {"<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|begin_of_text|>",
                        "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>", "<|image_pad|>"})
    added.push_back({{"id", id++}, {"content", t}, {"special", true}, {"normalized", false}});
  nlohmann::json j = {
      {"model", {{"type", "BPE"}, {"vocab", vocab}, {"merges", nlohmann::json::array()}}},
      {"added_tokens", added},
      {"pre_tokenizer", {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", true}}},
      {"decoder", {{"type", "ByteLevel"}}}};
  return vt::HfTokenizer::from_json(j, "test-tokenizer");
}

const int kImageId = 263;  // <|image_pad|>

// The supervised stretches of a render, decoded.
std::vector<std::string> supervised_runs(const vt::Tokenizer& tok, const vc::RenderedChat& r) {
  std::vector<std::string> runs;
  std::vector<int32_t> cur;
  for (size_t i = 0; i <= r.ids.size(); ++i) {
    bool sup = i < r.ids.size() && r.labels[i] != vc::kIgnoreIndex;
    if (sup) {
      EXPECT_EQ(r.labels[i], r.ids[i]) << "a supervised label differs from its input id at " << i;
      cur.push_back(r.ids[i]);
    } else if (!cur.empty()) {
      runs.push_back(tok.decode(cur));
      cur.clear();
    }
  }
  return runs;
}

std::vector<vc::Message> two_turns_with_images() {
  return {{"system", "Read the document."},
          {"user", "<image>\nWhat is the total?"},
          {"assistant", "1 234,56 ₽"},
          {"user", "And the date? <image><image>"},
          {"assistant", "01.02.2024"}};
}

vc::ChatConfig config(const std::string& name, int n_image_tokens = 3) {
  vc::ChatConfig c;
  c.template_name = name;
  c.image_token_id = kImageId;
  c.image_tokens_per_image = n_image_tokens;
  return c;
}

void expect_images(const vc::RenderedChat& r, int images, int per_image) {
  EXPECT_EQ(r.num_images, images);
  int count = 0;
  for (size_t i = 0; i < r.ids.size(); ++i)
    if (r.ids[i] == kImageId) {
      ++count;
      EXPECT_EQ(r.labels[i], vc::kIgnoreIndex);
    }
  EXPECT_EQ(count, images * per_image);
}

}  // namespace

TEST(ChatTemplate, ChatMlMultiTurnLabelsAndImages) {
  auto tok = byte_tokenizer();
  auto r = vc::render_chat(*tok, two_turns_with_images(), config("chatml", 5));
  EXPECT_EQ(r.text,
            "<|im_start|>system\nRead the document.<|im_end|>\n"
            "<|im_start|>user\n<image>\nWhat is the total?<|im_end|>\n"
            "<|im_start|>assistant\n1 234,56 ₽<|im_end|>\n"
            "<|im_start|>user\nAnd the date? <image><image><|im_end|>\n"
            "<|im_start|>assistant\n01.02.2024<|im_end|>\n");
  ASSERT_EQ(r.ids.size(), r.labels.size());
  EXPECT_EQ(supervised_runs(*tok, r),
            (std::vector<std::string>{"1 234,56 ₽<|im_end|>", "01.02.2024<|im_end|>"}));
  expect_images(r, 3, 5);
  // Consecutive placeholders expand to adjacent blocks of image tokens.
  auto it = std::search_n(r.ids.begin(), r.ids.end(), 10, kImageId);
  EXPECT_NE(it, r.ids.end());
}

TEST(ChatTemplate, Qwen3AddsEmptyThinkBlockToFinalAnswerOnly) {
  auto tok = byte_tokenizer();
  auto r = vc::render_chat(*tok, two_turns_with_images(), config("qwen3"));
  EXPECT_NE(r.text.find("<|im_start|>assistant\n1 234,56"), std::string::npos);
  EXPECT_NE(r.text.find("<|im_start|>assistant\n<think>\n\n</think>\n\n01.02.2024<|im_end|>"),
            std::string::npos);
  // The think block is prompt: supervision is still the answers and <|im_end|>.
  EXPECT_EQ(supervised_runs(*tok, r),
            (std::vector<std::string>{"1 234,56 ₽<|im_end|>", "01.02.2024<|im_end|>"}));
}

TEST(ChatTemplate, PhiQuestionAnswerFormat) {
  auto tok = byte_tokenizer();
  auto r = vc::render_chat(*tok, two_turns_with_images(), config("moondream", 4));
  EXPECT_EQ(r.text,
            "Read the document.\n\nQuestion: <image>\nWhat is the total?\n\nAnswer: 1 234,56 "
            "₽<|endoftext|>\n\nQuestion: And the date? <image><image>\n\nAnswer: "
            "01.02.2024<|endoftext|>");
  EXPECT_EQ(supervised_runs(*tok, r),
            (std::vector<std::string>{" 1 234,56 ₽<|endoftext|>", " 01.02.2024<|endoftext|>"}));
  expect_images(r, 3, 4);
}

TEST(ChatTemplate, Llama3HeadersTrimAndEot) {
  auto tok = byte_tokenizer();
  std::vector<vc::Message> m = {{"user", "  <image> Total?\n"}, {"assistant", " 42 \n"}};
  auto r = vc::render_chat(*tok, m, config("llama3", 2));
  EXPECT_EQ(r.text,
            "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\n<image> "
            "Total?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n42<|eot_id|>");
  EXPECT_EQ(supervised_runs(*tok, r), (std::vector<std::string>{"42<|eot_id|>"}));
  expect_images(r, 1, 2);
  EXPECT_EQ(r.ids.front(), tok->token_to_id("<|begin_of_text|>"));
  EXPECT_EQ(r.labels.front(), vc::kIgnoreIndex);
}

TEST(ChatTemplate, PlainSupervisesAnswerAndEos) {
  auto tok = byte_tokenizer();
  auto r = vc::render_chat(*tok, {{"user", "<image>"}, {"assistant", "A scanned invoice."}},
                           config("plain", 6));
  EXPECT_EQ(supervised_runs(*tok, r),
            (std::vector<std::string>{"A scanned invoice.<|endoftext|>"}));
  EXPECT_EQ(r.ids.size(), 6u + std::string("A scanned invoice.").size() + 1);
  expect_images(r, 1, 6);
}

TEST(ChatTemplate, GenerationPromptIsUnsupervised) {
  auto tok = byte_tokenizer();
  vc::ChatConfig c = config("chatml");
  c.system_prompt = "Default system.";
  auto r = vc::render_chat(*tok, {{"user", "Hi"}}, c, /*add_generation_prompt=*/true);
  EXPECT_EQ(r.text,
            "<|im_start|>system\nDefault system.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
            "<|im_start|>assistant\n");
  for (int32_t l : r.labels) EXPECT_EQ(l, vc::kIgnoreIndex);
}

TEST(ChatTemplate, Errors) {
  auto tok = byte_tokenizer();
  EXPECT_THROW(vc::make_chat_template("vicuna"), vlmforge::Error);
  EXPECT_THROW(vc::render_chat(*tok, {{"robot", "x"}}, config("chatml")), vlmforge::Error);
  vc::ChatConfig no_images;
  EXPECT_THROW(vc::render_chat(*tok, {{"user", "<image>"}}, no_images), vlmforge::Error);
}
