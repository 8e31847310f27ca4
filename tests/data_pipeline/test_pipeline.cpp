// The whole chain as the trainer uses it: a synth-layout folder -> open_dataset -> DataLoader
// of TrainBatch (chat template, images, padding) with worker threads. Batches are bitwise equal
// for 0 and 3 workers, and a resume from a saved position reproduces the rest of the run.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "data/collate/collate.h"
#include "data/loader/loader.h"
#include "tests/data_pipeline/helpers.h"

namespace vlmforge::data {
namespace {

std::string make_folder() {
  const std::string dir = test::temp_folder("pipeline");
  std::filesystem::create_directories(dir + "/images");
  std::ofstream f(dir + "/train.jsonl");
  for (int i = 0; i < 23; ++i) {
    const std::string id = "doc-" + std::to_string(i);
    test::write_png(dir + "/images/" + id + ".png", 30 + i, 20 + 2 * i, static_cast<uint8_t>(i));
    f << R"({"id": ")" << id << R"(", "image": "images/)" << id << R"(.png", "conversations": [)"
      << R"({"from": "human", "value": "<image>\nQuestion )" << std::string(i % 5, '?') << R"("},)"
      << R"({"from": "gpt", "value": "answer )" << i << R"("}]})" << "\n";
  }
  return dir;
}

Collator collator() {
  chat::ChatConfig chat;
  chat.image_token_id = test::ByteTokenizer::kImage;
  chat.image_tokens_per_image = 4;
  CollateOptions opt;
  opt.max_length = 48;
  return Collator(std::make_shared<test::ByteTokenizer>(), chat, image::ImageProcessorConfig::siglip(16), opt);
}

bool same(const TrainBatch& a, const TrainBatch& b) {
  return a.input_ids.equal(b.input_ids) && a.labels.equal(b.labels) &&
         a.attention_mask.equal(b.attention_mask) && a.pixel_values.equal(b.pixel_values) &&
         a.image_spans.equal(b.image_spans) && a.sample_ids == b.sample_ids;
}

std::vector<TrainBatch> take(DataLoader<TrainBatch>& loader, size_t n) {
  std::vector<TrainBatch> out;
  while (out.size() < n)
    if (auto b = loader.next()) out.push_back(std::move(*b));
  return out;
}

TEST(Pipeline, WorkersAndResumeGiveTheSameBatches) {
  const std::string dir = make_folder();
  auto ds = open_dataset(dir, "auto", "train");
  ASSERT_EQ(ds->size(), 23u);
  Collator c = collator();
  auto collate = [&c](std::vector<Sample> s) { return c(std::move(s)); };
  LoaderOptions opt;
  opt.batch_size = 4;
  opt.seed = 5;
  opt.num_workers = 0;
  DataLoader<TrainBatch> serial(*ds, collate, opt);
  const auto want = take(serial, 12);  // 5 batches per epoch: crosses two epoch ends
  opt.num_workers = 3;
  DataLoader<TrainBatch> threaded(*ds, collate, opt);
  const auto got = take(threaded, 12);
  for (size_t i = 0; i < want.size(); ++i) EXPECT_TRUE(same(want[i], got[i])) << "batch " << i;
  EXPECT_EQ(want[0].pixel_values.sizes(), (torch::IntArrayRef{4, 3, 16, 16}));

  std::string saved;
  {
    DataLoader<TrainBatch> first(*ds, collate, opt);
    take(first, 7);
    saved = first.position().to_json();
  }
  DataLoader<TrainBatch> resumed(*ds, collate, opt);
  resumed.restore(LoaderPosition::from_json(saved, "test"));
  const auto rest = take(resumed, 5);
  for (size_t i = 0; i < rest.size(); ++i) EXPECT_TRUE(same(want[7 + i], rest[i])) << "resumed batch " << i;
}

}  // namespace
}  // namespace vlmforge::data
