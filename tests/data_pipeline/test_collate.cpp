// Collation: chat template ids/labels (only assistant answers + their end token supervised),
// image token runs and pixel_values, right padding, the max-length policy and packing.
#include <gtest/gtest.h>

#include <filesystem>

#include "data/collate/collate.h"
#include "models/core/error.h"
#include "tests/data_pipeline/helpers.h"

namespace vlmforge::data {
namespace {

using test::ByteTokenizer;

constexpr int kImageTokens = 6;

Sample make_sample(const std::string& id, const std::string& question, const std::string& answer,
                   const std::string& image_path = "") {
  Sample s;
  s.id = id;
  s.source = "test:" + id;
  s.image_path = image_path;
  s.conversations = {{"human", (image_path.empty() ? "" : "<image>\n") + question}, {"gpt", answer}};
  return s;
}

Collator make_collator(CollateOptions opt) {
  chat::ChatConfig chat;
  chat.template_name = "chatml";
  chat.image_token_id = ByteTokenizer::kImage;
  chat.image_tokens_per_image = kImageTokens;
  return Collator(std::make_shared<ByteTokenizer>(), chat, image::ImageProcessorConfig::siglip(28), opt);
}

std::vector<int32_t> row(const torch::Tensor& t, int64_t r) {
  auto c = t[r].contiguous();
  std::vector<int32_t> v;
  for (int64_t i = 0; i < c.size(0); ++i) v.push_back(static_cast<int32_t>(c[i].item<int64_t>()));
  return v;
}

// The supervised tokens of row r, decoded.
std::string supervised_text(const TrainBatch& b, int64_t r) {
  std::vector<int32_t> ids;
  for (int32_t l : row(b.labels, r))
    if (l != -100) ids.push_back(l);
  return ByteTokenizer().decode(ids);
}

TEST(Collate, LabelsSuperviseOnlyAnswersAndPaddingIsRight) {
  const std::string dir = test::temp_folder("collate");
  test::write_png(dir + "/a.png", 40, 30, 5);
  Collator collate = make_collator({});
  const TrainBatch b = collate({make_sample("a", "Какой ИНН?", "7707083893", dir + "/a.png"),
                                make_sample("b", "Hi", "Hello!")});
  ASSERT_EQ(b.rows(), 2);
  EXPECT_EQ(supervised_text(b, 0), "7707083893<|im_end|>");
  EXPECT_EQ(supervised_text(b, 1), "Hello!<|im_end|>");
  // Labels equal input_ids wherever supervised.
  auto sup = b.labels.ne(-100);
  EXPECT_TRUE(b.labels.masked_select(sup).equal(b.input_ids.masked_select(sup)));
  // Right padding: row 1 is shorter; mask = 1 then 0, pad id = eos, labels -100 there.
  const int64_t len1 = b.attention_mask[1].sum().item<int64_t>();
  EXPECT_LT(len1, b.input_ids.size(1));
  EXPECT_EQ(b.attention_mask[1].slice(0, 0, len1).min().item<int64_t>(), 1);
  EXPECT_EQ(b.attention_mask[1].slice(0, len1).max().item<int64_t>(), 0);
  EXPECT_EQ(b.input_ids[1][len1].item<int64_t>(), ByteTokenizer::kEos);
  EXPECT_EQ(b.labels[1].slice(0, len1).max().item<int64_t>(), -100);
  EXPECT_EQ(b.position_ids[1][len1 - 1].item<int64_t>(), len1 - 1);
  // One image: a run of kImageTokens image ids, unsupervised, and its pixel_values.
  ASSERT_EQ(b.image_spans.sizes(), (torch::IntArrayRef{1, 3}));
  const int64_t first = b.image_spans[0][1].item<int64_t>();
  EXPECT_EQ(b.image_spans[0][0].item<int64_t>(), 0);
  EXPECT_EQ(b.image_spans[0][2].item<int64_t>(), kImageTokens);
  EXPECT_TRUE(b.input_ids[0].slice(0, first, first + kImageTokens).eq(ByteTokenizer::kImage).all().item<bool>());
  EXPECT_EQ(b.input_ids[0].eq(ByteTokenizer::kImage).sum().item<int64_t>(), kImageTokens);
  EXPECT_TRUE(b.labels[0].slice(0, first, first + kImageTokens).eq(-100).all().item<bool>());
  EXPECT_EQ(b.pixel_values.sizes(), (torch::IntArrayRef{1, 3, 28, 28}));
  EXPECT_EQ(b.sample_ids, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(b.num_supervised_tokens, 10 + 1 + 6 + 1);
}

TEST(Collate, OverlongTruncateOrSkipIsCounted) {
  const std::string long_answer(300, 'x');
  CollateOptions opt;
  opt.max_length = 64;
  opt.warn_limit = 1;
  {
    Collator c = make_collator(opt);
    const TrainBatch b = c({make_sample("long", "q", long_answer), make_sample("short", "q", "a")});
    EXPECT_EQ(b.rows(), 2);
    EXPECT_EQ(b.input_ids.size(1), 64);
    EXPECT_EQ(b.num_truncated, 1);
    EXPECT_EQ(c.stats().truncated, 1);
    EXPECT_EQ(supervised_text(b, 0).size(), b.labels[0].ne(-100).sum().item<int64_t>());
  }
  {
    opt.overlong = "skip";
    Collator c = make_collator(opt);
    const TrainBatch b = c({make_sample("long", "q", long_answer), make_sample("short", "q", "a")});
    EXPECT_EQ(b.rows(), 1);
    EXPECT_EQ(b.sample_ids, std::vector<std::string>{"short"});
    EXPECT_EQ(b.num_skipped, 1);
    c({make_sample("long2", "q", long_answer)});
    EXPECT_EQ(c.stats().skipped, 2);
    EXPECT_EQ(c.stats().samples, 1);
  }
  {
    // Truncation inside the prompt leaves nothing to learn: skipped, not a crash.
    opt.overlong = "truncate";
    Collator c = make_collator(opt);
    const TrainBatch b = c({make_sample("longq", std::string(200, 'q'), "a")});
    EXPECT_EQ(b.rows(), 0);
    EXPECT_EQ(b.num_skipped, 1);
  }
}

TEST(Collate, PackingRestartsPositionsAndKeepsSamplesWhole) {
  CollateOptions opt;
  opt.max_length = 60;
  opt.packing = true;
  Collator c = make_collator(opt);
  std::vector<Sample> samples;
  for (int i = 0; i < 6; ++i) samples.push_back(make_sample("s" + std::to_string(i), "q" + std::to_string(i), "ans"));
  const TrainBatch b = c(samples);
  // Each sample is 26 tokens in ChatML here -> two per row of 60.
  EXPECT_EQ(b.rows(), 3);
  EXPECT_EQ(b.input_ids.size(1), 52);
  for (int64_t r = 0; r < b.rows(); ++r) {
    EXPECT_EQ(b.sequence_ids[r].max().item<int64_t>(), 1);
    EXPECT_EQ(supervised_text(b, r), "ans<|im_end|>ans<|im_end|>");
    // Position ids restart where the sequence id changes.
    auto seq = row(b.sequence_ids, r), pos = row(b.position_ids, r);
    // ... and a sample's first token is never a target (not predicted from the previous sample).
    auto labels = row(b.labels, r);
    for (size_t t = 1; t < seq.size(); ++t)
      if (seq[t] == 1 && seq[t - 1] == 0) {
        EXPECT_EQ(pos[t], 0);
        EXPECT_EQ(labels[t], -100);
      }
  }
  EXPECT_EQ(b.num_supervised_tokens, b.labels.ne(-100).sum().item<int64_t>());
  EXPECT_EQ(b.num_samples, 6);
}

TEST(Collate, ErrorsNameTheSample) {
  Collator c = make_collator({});
  Sample bad = make_sample("x", "q", "a");
  bad.conversations[0].from = "robot";
  try {
    c({bad});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("test:x"), std::string::npos) << e.what();
  }
  Sample no_placeholder = make_sample("y", "q", "a");
  no_placeholder.image_path = "/tmp/whatever.png";
  EXPECT_THROW(c({no_placeholder}), Error);
  Sample missing = make_sample("z", "q", "a", "/nonexistent/z.png");
  try {
    c({missing});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/z.png"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace vlmforge::data
