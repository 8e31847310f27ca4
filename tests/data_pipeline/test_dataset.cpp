// Dataset readers: vlmforge JSONL (DESIGN.md record), LLaVA JSON, WebDataset shards; errors
// name file:line (JSONL), file[index] (LLaVA) and shard:key (tar).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "data/dataset/dataset.h"
#include "data/formats/tar.h"
#include "models/core/error.h"
#include "tests/data_pipeline/helpers.h"

namespace vlmforge::data {
namespace {

using test::temp_folder;
using test::write_png;

std::string record(const std::string& id, const std::string& split = "") {
  return R"({"id": ")" + id + R"(", "image": "images/)" + id + R"(.png", "doc_type": "invoice", )" +
         (split.empty() ? "" : R"("split": ")" + split + R"(", )") +
         R"("conversations": [{"from": "human", "value": "<image>\nКакой ИНН продавца?"},
                              {"from": "gpt", "value": "7707083893"}],
            "qa_meta": [{"type": "extractive", "field": "seller.inn", "bbox": [1, 2, 3, 4]}],
            "regions": [{"bbox": [1, 2, 3, 4], "label": "seller.inn", "text": "7707083893"}]})";
}

std::string one_line(std::string s) {
  for (char& c : s)
    if (c == '\n') c = ' ';
  return s;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "no vlmforge::Error thrown";
  return "";
}

TEST(Dataset, JsonlFolderResolvesImagesAndKeepsMeta) {
  const std::string dir = temp_folder("jsonl");
  std::filesystem::create_directories(dir + "/images");
  std::ofstream f(dir + "/data.jsonl");
  for (int i = 0; i < 3; ++i) {
    f << one_line(record("doc-" + std::to_string(i))) << "\n";
    write_png(dir + "/images/doc-" + std::to_string(i) + ".png", 20 + i, 10, i);
  }
  f << "\n";  // blank lines are skipped
  f.close();
  auto ds = open_dataset(dir);
  ASSERT_EQ(ds->size(), 3u);
  const Sample s = ds->get(2);
  EXPECT_EQ(s.id, "doc-2");
  EXPECT_EQ(s.source, dir + "/data.jsonl:3");
  EXPECT_EQ(s.image_path, dir + "/images/doc-2.png");
  ASSERT_EQ(s.conversations.size(), 2u);
  EXPECT_EQ(s.conversations[1].value, "7707083893");
  EXPECT_EQ(s.meta.doc_type, "invoice");
  ASSERT_EQ(s.meta.qa_meta.size(), 1u);
  EXPECT_EQ(s.meta.qa_meta[0].field, "seller.inn");
  const auto img = s.load_image();
  EXPECT_EQ(img.width, 22);
  EXPECT_EQ(img.height, 10);
  EXPECT_THROW(ds->get(3), Error);
}

TEST(Dataset, MalformedJsonlLineNamesFileAndLine) {
  const std::string dir = temp_folder("bad_jsonl");
  std::ofstream f(dir + "/train.jsonl");
  f << one_line(record("a")) << "\n" << one_line(record("b")) << "\n"
    << R"({"id": "c", "image": "x.png", "conversations": [{"from": "human"})" << "\n";
  f.close();
  const std::string msg = error_of([&] { open_dataset(dir + "/train.jsonl"); });
  EXPECT_NE(msg.find("train.jsonl:3"), std::string::npos) << msg;
  std::ofstream(dir + "/broken.jsonl") << one_line(record("a")) << "\n{not json\n";
  const std::string msg2 = error_of([&] { open_dataset(dir + "/broken.jsonl"); });
  EXPECT_NE(msg2.find("broken.jsonl:2"), std::string::npos) << msg2;
}

TEST(Dataset, SplitsFromFilesOrFromRecordField) {
  const std::string dir = temp_folder("splits");
  std::ofstream(dir + "/data.jsonl") << one_line(record("t1", "train")) << "\n"
                                     << one_line(record("v1", "val")) << "\n"
                                     << one_line(record("t2", "train")) << "\n";
  EXPECT_EQ(open_dataset(dir)->size(), 3u);
  auto val = open_dataset(dir, "auto", "val");
  ASSERT_EQ(val->size(), 1u);
  EXPECT_EQ(val->get(0).id, "v1");
  EXPECT_EQ(open_dataset(dir, "auto", "train")->size(), 2u);
  std::ofstream(dir + "/train.jsonl") << one_line(record("only")) << "\n";  // file wins
  EXPECT_EQ(open_dataset(dir, "auto", "train")->get(0).id, "only");
  EXPECT_NE(error_of([&] { open_dataset(dir, "auto", "test"); }).find("test"), std::string::npos);
  EXPECT_NE(error_of([&] { open_dataset(dir + "/nope"); }).find("nope"), std::string::npos);
}

TEST(Dataset, MissingImageNamesPathAndSample) {
  const std::string dir = temp_folder("missing_image");
  std::ofstream(dir + "/data.jsonl") << one_line(record("ghost")) << "\n";
  const Sample s = open_dataset(dir)->get(0);
  const std::string msg = error_of([&] { s.load_image(); });
  EXPECT_NE(msg.find("images/ghost.png"), std::string::npos) << msg;
  EXPECT_NE(msg.find("data.jsonl:1"), std::string::npos) << msg;
}

TEST(Dataset, LlavaJsonListWithNumericIdsAndTextOnly) {
  const std::string dir = temp_folder("llava");
  std::filesystem::create_directories(dir + "/imgs");
  write_png(dir + "/imgs/a.png", 8, 8, 1);
  std::ofstream(dir + "/llava.json") << R"([
    {"id": "000123", "image": "imgs/a.png",
     "conversations": [{"from": "human", "value": "<image>\nWhat is it?"}, {"from": "gpt", "value": "A cat."}]},
    {"id": 42, "conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello"}]}
  ])";
  auto ds = open_dataset(dir + "/llava.json");
  ASSERT_EQ(ds->size(), 2u);
  EXPECT_EQ(ds->get(0).image_path, dir + "/imgs/a.png");
  EXPECT_EQ(ds->get(0).load_image().width, 8);
  EXPECT_EQ(ds->get(1).id, "42");
  EXPECT_FALSE(ds->get(1).has_image());
  std::ofstream(dir + "/bad.json") << R"([{"id": "x", "image": "a.png", "conversations": [{"from": "human"}]}])";
  EXPECT_NE(error_of([&] { open_dataset(dir + "/bad.json"); }).find("bad.json[0]"), std::string::npos);
}

TEST(Dataset, WebDatasetShardsCarryImageBytes) {
  const std::string dir = temp_folder("wds");
  for (int shard = 0; shard < 2; ++shard) {
    TarWriter w(dir + "/shard-train-0000" + std::to_string(shard) + ".tar");
    for (int i = 0; i < 3; ++i) {
      const std::string id = "doc-" + std::to_string(shard * 3 + i);
      w.add(id + ".json", one_line(record(id)));
      w.add(id + ".png", test::png_bytes(5 + i, 4, static_cast<uint8_t>(i)));
    }
    w.close();
  }
  auto ds = open_dataset(dir, "auto", "train");
  ASSERT_EQ(ds->size(), 6u);
  const Sample s = ds->get(4);
  EXPECT_EQ(s.id, "doc-4");
  ASSERT_TRUE(s.image_bytes);
  EXPECT_TRUE(s.image_path.empty());
  EXPECT_EQ(s.load_image().width, 6);
  EXPECT_EQ(open_dataset(dir + "/shard-train-*.tar")->size(), 6u);
  EXPECT_EQ(open_dataset(dir + "/shard-train-00001.tar")->get(0).id, "doc-3");

  {
    TarWriter w(dir + "/broken.tar");
    w.add("lonely.png", test::png_bytes(2, 2, 0));
    w.close();
  }
  EXPECT_NE(error_of([&] { open_dataset(dir + "/broken.tar"); }).find("broken.tar:lonely"), std::string::npos);
  {
    TarWriter w(dir + "/corrupt.tar");
    w.add("bad.json", one_line(record("bad")));
    w.add("bad.png", std::string("not an image"));
    w.close();
  }
  const std::string msg = error_of([&] { open_dataset(dir + "/corrupt.tar")->get(0).load_image(); });
  EXPECT_NE(msg.find("corrupt.tar:bad"), std::string::npos) << msg;
}

}  // namespace
}  // namespace vlmforge::data
